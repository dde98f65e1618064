#!/bin/sh
# Runs tfbuild headless (CI=1: nothing prompts; a missing decision fails naming its flag).
set -eu
export CI=1
# The host's uid may have no passwd entry here; bazel and pip only need a writable HOME.
if [ -z "${HOME:-}" ] || [ "$HOME" = "/" ] || ! [ -w "$HOME" ]; then
  export HOME=/work/.home
  mkdir -p "$HOME"
fi
exec tfbuild "$@"
