#!/bin/sh
# install-bazel.sh KIND SPEC URL SHA256
#   binary     SPEC 6.1.0            bazel-6.1.0-linux-x86_64 as /usr/local/bin/bazel, verified by SHA256
#   installer  SPEC 0.5.4            bazel-0.5.4-installer-linux-x86_64.sh (releases before 0.16), verified by SHA256
#   bazelisk   SPEC bazelisk-1.17.0  bazelisk as /usr/local/bin/bazel (it reads the tag's .bazelversion)
#   apt        SPEC apt:PACKAGE      a distribution package (e.g. Debian's bazel-bootstrap), verified by apt
set -eu
. "$(dirname "$0")/lib.sh"
kind=$1 spec=$2 url=$3 sum=$4
tmp=$(mktemp -d)
# die() exits before the end: remove the download dir however the script ends.
trap 'rm -rf "$tmp"' EXIT
case "$kind" in
  apt)
    apt-get update
    apt_install "${spec#apt:}"
    rm -rf /var/lib/apt/lists/*
    ;;
  binary | bazelisk)
    fetch "$url" "$sum" "$tmp/bazel" BAZEL_SHA256
    install -m 0755 "$tmp/bazel" /usr/local/bin/bazel
    ;;
  installer)
    fetch "$url" "$sum" "$tmp/installer.sh" BAZEL_SHA256
    bash "$tmp/installer.sh" --prefix=/usr/local
    ;;
  *) die "unknown bazel kind '$kind' (binary, installer, bazelisk, apt)." ;;
esac
command -v bazel >/dev/null 2>&1 || die "bazel is not on PATH after installing $spec."
