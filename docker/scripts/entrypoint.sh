#!/bin/sh
# Runs tfbuild headless (CI=1: nothing prompts; a missing decision fails naming its flag). The image holds no node
# and no tfbuild: tfbuild docker mounts its runtime read-only at /opt/tfbuild-runtime (the host's node with the C
# libraries it was built against, started through their own loader, so the image's older glibc does not matter).
set -eu
export CI=1
rt=${TFBUILD_RUNTIME:-/opt/tfbuild-runtime}
if ! [ -x "$rt/run" ]; then
  echo "tfbuild image: tfbuild's runtime is not mounted at $rt. Run this image through tfbuild docker, which mounts it." >&2
  exit 3
fi
# The host's uid may have no passwd entry here; bazel and pip only need a writable HOME.
if [ -z "${HOME:-}" ] || [ "$HOME" = "/" ] || ! [ -w "$HOME" ]; then
  export HOME=/work/.home
  mkdir -p "$HOME"
fi
exec "$rt/run" "$@"
