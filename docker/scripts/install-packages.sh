#!/bin/sh
# install-packages.sh PKG...: the distribution toolchain, verified by apt against the archive's signed index.
set -eu
. "$(dirname "$0")/lib.sh"
command -v apt-get >/dev/null 2>&1 || die "this base image has no apt-get: use a Debian or Ubuntu base (--base-image)."
apt-get update
apt_install "$@"
rm -rf /var/lib/apt/lists/*
