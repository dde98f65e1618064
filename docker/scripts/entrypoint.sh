#!/bin/sh
# Runs tfbuild headless: no TTY prompts (CI=1), the generation's compilers as CC/CXX when present.
set -eu
pick() {
  for c in $1; do
    if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
  done
  return 0
}
: "${CC:=$(pick "${TFBUILD_CC_CANDIDATES:-gcc}")}"
: "${CXX:=$(pick "${TFBUILD_CXX_CANDIDATES:-g++}")}"
export CC CXX CI=1
# The host's uid may have no passwd entry here; bazel and pip only need a writable HOME.
if [ -z "${HOME:-}" ] || [ "$HOME" = "/" ] || ! [ -w "$HOME" ]; then
  export HOME=/work/.home
  mkdir -p "$HOME"
fi
exec tfbuild "$@"
