#!/bin/sh
# install-cuda.sh CUDA_VERSION REPO TOOLKIT_PKG... -- CUDNN_PKG...
# Files the user put in local/ come first (NVIDIA's cuDNN downloads need a developer login):
#   local/cuda_*_linux*.run          CUDA runfile installer (toolkit only)
#   local/cudnn-*.tgz|*.tar.xz       cuDNN archive (include/ and lib64/ or lib/)
#   local/cuda-keyring_*_all.deb     NVIDIA's repository key package, trusted as given
# Otherwise the apt repository developer.download.nvidia.com/compute/cuda/repos/REPO/x86_64 is used with
# packages pinned to exact versions, after verifying cuda-keyring against CUDA_KEYRING_SHA256.
set -eu
. "$(dirname "$0")/lib.sh"
ver=$1 repo=$2
shift 2
toolkit=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do toolkit="$toolkit $1"; shift; done
[ $# -gt 0 ] && shift
cudnn="$*"
local_dir="$(dirname "$0")/local"
base="https://developer.download.nvidia.com/compute/cuda/repos/$repo/x86_64"

use_repo() {
  [ -f /usr/share/keyrings/cuda-archive-keyring.gpg ] && return 0
  keyring=$(ls "$local_dir"/cuda-keyring_*_all.deb 2>/dev/null | head -n1 || true)
  if [ -z "$keyring" ]; then
    keyring=/tmp/cuda-keyring.deb
    fetch "$base/cuda-keyring_1.1-1_all.deb" "${CUDA_KEYRING_SHA256:-}" "$keyring" CUDA_KEYRING_SHA256
  fi
  dpkg -i "$keyring"
  apt-get update
}

runfile=$(ls "$local_dir"/cuda_*_linux*.run 2>/dev/null | head -n1 || true)
if [ -n "$runfile" ]; then
  sh "$runfile" --silent --toolkit --override --toolkitpath="/usr/local/cuda-$ver"
  ln -sfn "/usr/local/cuda-$ver" /usr/local/cuda
else
  use_repo
  # shellcheck disable=SC2086
  apt-get install -y --no-install-recommends $toolkit
  [ -e /usr/local/cuda ] || ln -sfn "/usr/local/cuda-$ver" /usr/local/cuda
fi

archive=$(ls "$local_dir"/cudnn-*.tgz "$local_dir"/cudnn-*.tar.xz 2>/dev/null | head -n1 || true)
if [ -n "$archive" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT # die() exits before the rm below; the image layer must not keep the unpacked archive
  tar -xf "$archive" -C "$tmp"
  top=$(find "$tmp" -name 'cudnn*.h' -path '*include*' | head -n1)
  [ -n "$top" ] || die "no cudnn*.h in $archive: is it a cuDNN archive for Linux x86_64?"
  root=$(dirname "$(dirname "$top")")
  cp -P "$root"/include/cudnn*.h /usr/local/cuda/include/
  if [ -d "$root/lib64" ]; then cp -P "$root"/lib64/libcudnn* /usr/local/cuda/lib64/; else cp -P "$root"/lib/libcudnn* /usr/local/cuda/lib64/; fi
  rm -rf "$tmp"
else
  use_repo
  # shellcheck disable=SC2086
  apt-get install -y --no-install-recommends $cudnn
fi
rm -rf /var/lib/apt/lists/*
[ -x /usr/local/cuda/bin/nvcc ] || die "nvcc is missing after installing CUDA $ver."
