# Shared helpers for the build-image scripts (POSIX sh: Ubuntu's and Debian's /bin/sh is dash).
# Trust is anchored in the publishers' signing keys: a key is used only when its fingerprint is the pinned one.

die() {
  echo "tfbuild image: $*" >&2
  exit 1
}

warn() {
  echo "tfbuild image: warning: $*" >&2
}

# mirrored URL: the URL under MIRROR (build-arg), laid out as host/path (what `wget --mirror` writes), or URL itself.
mirrored() {
  if [ -n "${MIRROR:-}" ]; then echo "${MIRROR%/}/${1#*://}"; else echo "$1"; fi
}

# download URL DEST: from the mirror when one is set; fails (status 1) without a message.
download() {
  curl -fsSL --retry 3 -o "$2" "$(mirrored "$1")"
}

# fetch URL SHA256 DEST [BUILD_ARG]: download and check against a pinned sha256, or stop. Nothing is used unverified.
fetch() {
  url=$1 sum=$2 dest=$3 arg=${4:-the checksum}
  [ -n "$url" ] || die "no URL to download ${dest}."
  [ -n "$sum" ] || die "no sha256 is known for ${url}. Pass the one you checked: --build-arg ${arg}=<sha256>."
  download "$url" "$dest" || die "download failed: $(mirrored "$url")"
  check_sha256 "$dest" "$sum" "$url"
}

# check_sha256 FILE SHA256 WHAT: stop (and delete FILE) on a mismatch.
check_sha256() {
  echo "$2  $1" | sha256sum -c - >/dev/null 2>&1 || {
    got=$(sha256sum "$1" | cut -d' ' -f1)
    rm -f "$1"
    die "sha256 mismatch for $3: expected $2, got ${got}."
  }
}

# trust_key URL FINGERPRINT KEYRING [KEY_SHA256]: download a publisher's public key and write KEYRING (binary, just
# that key) only if its primary key's fingerprint is FINGERPRINT (and the file's sha256 is KEY_SHA256, when given).
trust_key() {
  url=$1 want=$(echo "$2" | tr -d ' ' | tr 'a-f' 'A-F') keyring=$3 keysum=${4:-}
  [ -n "$want" ] || die "no fingerprint pinned for the key at ${url}."
  gh=$(mktemp -d)
  download "$url" "$gh/key" || die "download failed: $(mirrored "$url")"
  [ -z "$keysum" ] || check_sha256 "$gh/key" "$keysum" "the key file $(mirrored "$url")"
  gpg --batch --quiet --homedir "$gh" --import "$gh/key" 2>/dev/null || die "$(mirrored "$url") is not an OpenPGP public key."
  got=$(gpg --batch --homedir "$gh" --with-colons --fingerprint 2>/dev/null | awk -F: '$1 == "pub" { p = 1; next } $1 == "fpr" && p { print $10; p = 0 }')
  if [ "$got" != "$want" ]; then
    stop_gpg "$gh"
    die "the key at $(mirrored "$url") has fingerprint ${got:-none}, not the pinned ${want}: refusing it (a wrong key, or a mirror serving someone else's)."
  fi
  mkdir -p "$(dirname "$keyring")"
  gpg --batch --homedir "$gh" --export "$want" >"$keyring"
  chmod 0644 "$keyring"
  stop_gpg "$gh"
  echo "tfbuild image: key $want from $(mirrored "$url") matches the pinned fingerprint"
}

# stop_gpg HOME: stop the agent gpg 2 starts for a temporary home (gpg 1.4 has none), then remove the home.
stop_gpg() {
  gpgconf --homedir "$1" --kill gpg-agent >/dev/null 2>&1 || true
  rm -rf "$1"
}

# apt_source NAME KEYRING URI SUITE [COMPONENT]: an apt source trusted through KEYRING only. apt 1.4+ (Debian 9,
# Ubuntu 18.04) takes signed-by; older apt (Ubuntu 16.04 has 1.2) gets the keyring in trusted.gpg.d, which
# apt_sources_done removes again, so the image keeps no extra trust after the install.
apt_source() {
  name=$1 keyring=$2 uri=$(mirrored "$3") suite=$4 comp=${5:-}
  if dpkg --compare-versions "$(dpkg-query -W -f='${Version}' apt)" ge 1.4; then
    echo "deb [signed-by=$keyring] $uri $suite $comp" >"/etc/apt/sources.list.d/tfbuild-$name.list"
  else
    cp "$keyring" "/etc/apt/trusted.gpg.d/tfbuild-$name.gpg"
    echo "deb $uri $suite $comp" >"/etc/apt/sources.list.d/tfbuild-$name.list"
  fi
}

apt_sources_done() {
  rm -f /etc/apt/sources.list.d/tfbuild-*.list /etc/apt/trusted.gpg.d/tfbuild-*.gpg /usr/share/keyrings/tfbuild-*.gpg
  rm -rf /var/lib/apt/lists/*
}

# provenance KEY VALUE: what was downloaded and how it was verified (copied into each wheel's build info).
provenance() {
  d=${TFBUILD_IMAGE_DIR:-/opt/tfbuild-image}
  mkdir -p "$d"
  printf '%s=%s\n' "$1" "$2" >>"$d/provenance"
}

# apt_install PKG...: "a|b" installs the first of a, b that the distribution has.
apt_install() {
  chosen=""
  for spec in "$@"; do
    pick=""
    for p in $(echo "$spec" | tr '|' ' '); do
      # A name other packages only refer to (g++-5 on Debian 12) "exists" for apt-cache show, with no Package: stanza.
      if apt-cache show --no-all-versions "$p" 2>/dev/null | grep -q '^Package:'; then pick=$p; break; fi
    done
    [ -n "$pick" ] || die "none of the packages '$spec' exists in this base image's apt sources."
    chosen="$chosen $pick"
  done
  # shellcheck disable=SC2086
  apt-get install -y --no-install-recommends $chosen
}
