#!/bin/sh
# install-bazel.sh KIND SPEC URL [PINNED_SHA256]
#   binary     SPEC 6.1.0            bazel-6.1.0-linux-x86_64 as /usr/local/bin/bazel
#   installer  SPEC 0.5.4            bazel-0.5.4-installer-linux-x86_64.sh (releases before 0.16)
#   bazelisk   SPEC bazelisk-1.17.0  bazelisk as /usr/local/bin/bazel (it reads the tag's .bazelversion); needs a pin
#   apt        SPEC apt:PACKAGE      a distribution package (e.g. Debian's bazel-bootstrap), verified by apt
# A release download is verified, in this order, by:
#   1. PINNED_SHA256 (tfbuild's table, or --image-bazel-sha256), when given;
#   2. the release's URL.sig, checked against Bazel's release key (bazel-release.pub.gpg, fingerprint BAZEL_KEY_FPR);
#   3. where a release has no .sig, the publisher's URL.sha256, with a warning.
# How it was verified, and the sha256, go to /opt/tfbuild-image/provenance (each wheel's build info gets it).
set -eu
. "$(dirname "$0")/lib.sh"
kind=$1 spec=$2 url=$3 pin=${4:-}
prefix=${BAZEL_PREFIX:-/usr/local}
tmp=$(mktemp -d)
# die() exits before the end: remove the download dir however the script ends.
trap 'rm -rf "$tmp"' EXIT

# verified URL DEST: download URL to DEST and verify it (see above), or stop.
verified() {
  if [ -n "$pin" ]; then
    fetch "$1" "$pin" "$2" BAZEL_SHA256
    how=pinned-sha256
  else
    download "$1" "$2" || die "download failed: $(mirrored "$1")"
    trust_key https://bazel.build/bazel-release.pub.gpg "${BAZEL_KEY_FPR:-}" "$tmp/bazel-release.gpg"
    if download "$1.sig" "$tmp/file.sig" 2>/dev/null; then
      gpgv --keyring "$tmp/bazel-release.gpg" "$tmp/file.sig" "$2" >/dev/null 2>&1 ||
        die "the signature $(mirrored "$1").sig does not verify $(mirrored "$1") against Bazel's release key ${BAZEL_KEY_FPR}: refusing it."
      how=signature
    elif download "$1.sha256" "$tmp/file.sha256" 2>/dev/null; then
      warn "$(mirrored "$1") has no signature (.sig); checking it against the publisher's $(mirrored "$1").sha256 instead."
      want=$(cut -d' ' -f1 <"$tmp/file.sha256")
      echo "$want" | grep -Eq '^[0-9a-f]{64}$' || die "$(mirrored "$1").sha256 holds no sha256."
      check_sha256 "$2" "$want" "$(mirrored "$1") (against its published .sha256)"
      how=published-sha256
    else
      die "$(mirrored "$1") has neither a signature (.sig) nor a published .sha256: pass the sha256 you checked with tfbuild docker --image-bazel-sha256 <sha256>."
    fi
  fi
  provenance bazel.url "$(mirrored "$1")"
  provenance bazel.verifiedBy "$how"
  provenance bazel.sha256 "$(sha256sum "$2" | cut -d' ' -f1)"
}

case "$kind" in
  apt)
    apt-get update
    apt_install "${spec#apt:}"
    rm -rf /var/lib/apt/lists/*
    provenance bazel.verifiedBy apt
    ;;
  binary)
    verified "$url" "$tmp/bazel"
    install -D -m 0755 "$tmp/bazel" "$prefix/bin/bazel"
    ;;
  bazelisk)
    fetch "$url" "$pin" "$tmp/bazel" BAZEL_SHA256
    install -D -m 0755 "$tmp/bazel" "$prefix/bin/bazel"
    provenance bazel.verifiedBy pinned-sha256
    ;;
  installer)
    verified "$url" "$tmp/installer.sh"
    bash "$tmp/installer.sh" --prefix="$prefix"
    ;;
  *) die "unknown bazel kind '$kind' (binary, installer, bazelisk, apt)." ;;
esac
[ "$kind" = apt ] || [ -x "$prefix/bin/bazel" ] || die "$prefix/bin/bazel is missing after installing $spec."
command -v bazel >/dev/null 2>&1 || die "bazel is not on PATH after installing $spec."
