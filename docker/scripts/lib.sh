# Shared helpers for the build-image scripts (POSIX sh: Ubuntu's and Debian's /bin/sh is dash).

die() {
  echo "tfbuild image: $*" >&2
  exit 1
}

# fetch URL SHA256 DEST [BUILD_ARG]: download and verify, or stop. Nothing is used unverified.
fetch() {
  url=$1 sum=$2 dest=$3 arg=${4:-the checksum}
  [ -n "$url" ] || die "no URL to download ${dest}."
  if [ -z "$sum" ]; then
    die "no sha256 is known for ${url}. Get it from the publisher (for bazel: ${url}.sha256) and pass it: --build-arg ${arg}=<sha256> (tfbuild docker --image-bazel-sha256 <sha256> for bazel)."
  fi
  curl -fsSL --retry 3 -o "$dest" "$url" || die "download failed: $url"
  echo "$sum  $dest" | sha256sum -c - >/dev/null 2>&1 || {
    got=$(sha256sum "$dest" | cut -d' ' -f1)
    rm -f "$dest"
    die "sha256 mismatch for ${url}: expected ${sum}, got ${got}."
  }
}

# apt_install PKG...: "a|b" installs the first of a, b that the distribution has.
apt_install() {
  chosen=""
  for spec in "$@"; do
    pick=""
    for p in $(echo "$spec" | tr '|' ' '); do
      if apt-cache show "$p" >/dev/null 2>&1; then pick=$p; break; fi
    done
    [ -n "$pick" ] || die "none of the packages '$spec' exists in this base image's apt sources."
    chosen="$chosen $pick"
  done
  # shellcheck disable=SC2086
  apt-get install -y --no-install-recommends $chosen
}
