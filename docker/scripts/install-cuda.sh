#!/bin/sh
# install-cuda.sh CUDA_VERSION NVIDIA_REPO CUDNN_REPO TOOLKIT_PKG... -- CUDNN_PKG...
#   NVIDIA_REPO  ubuntu1604, ubuntu1804, …: the folder under NVIDIA's compute/cuda/repos and
#                compute/machine-learning/repos
#   CUDNN_REPO   cuda (cuDNN 8+) or machine-learning (cuDNN 7 and older were only published there)
# Files the user put in local/ come first (NVIDIA's cuDNN downloads need a developer login):
#   local/cuda_*_linux*.run          CUDA runfile installer (toolkit only)
#   local/cudnn-*.tgz|*.tar.xz       cuDNN archive (include/ and lib64/ or lib/)
# Otherwise NVIDIA's apt repositories, each trusted only through its signing key, checked by fingerprint:
#   CUDA repository              3bf863cc.pub, NVIDIA_CUDA_KEY_FPR (NVIDIA's CUDA key since the 2022 rotation)
#   machine-learning repository  7fa2af80.pub, NVIDIA_ML_KEY_FPR and NVIDIA_ML_KEY_SHA256 (the pre-2022 key,
#                                which still signs that repository; trusted for it alone)
# with every package pinned to an exact version. The sources and keys are removed again after the install.
set -eu
. "$(dirname "$0")/lib.sh"
ver=$1 repo=$2 cudnn_repo=$3
shift 3
toolkit=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do toolkit="$toolkit $1"; shift; done
[ $# -gt 0 ] && shift
cudnn="$*"
local_dir="$(dirname "$0")/local"
nvidia=https://developer.download.nvidia.com/compute
cuda_uri="$nvidia/cuda/repos/$repo/x86_64"
ml_uri="$nvidia/machine-learning/repos/$repo/x86_64"

sources=""
add_cuda_repo() {
  case " $sources " in *" cuda "*) return 0 ;; esac
  trust_key "$cuda_uri/3bf863cc.pub" "${NVIDIA_CUDA_KEY_FPR:-}" /usr/share/keyrings/tfbuild-nvidia-cuda.gpg
  apt_source nvidia-cuda /usr/share/keyrings/tfbuild-nvidia-cuda.gpg "$cuda_uri" /
  sources="$sources cuda"
}
add_ml_repo() {
  trust_key "$ml_uri/7fa2af80.pub" "${NVIDIA_ML_KEY_FPR:-}" /usr/share/keyrings/tfbuild-nvidia-ml.gpg "${NVIDIA_ML_KEY_SHA256:-}"
  apt_source nvidia-ml /usr/share/keyrings/tfbuild-nvidia-ml.gpg "$ml_uri" /
  sources="$sources ml"
}

runfile=$(ls "$local_dir"/cuda_*_linux*.run 2>/dev/null | head -n1 || true)
archive=$(ls "$local_dir"/cudnn-*.tgz "$local_dir"/cudnn-*.tar.xz 2>/dev/null | head -n1 || true)
[ -n "$runfile" ] || add_cuda_repo
if [ -z "$archive" ]; then
  if [ "$cudnn_repo" = machine-learning ]; then add_ml_repo; else add_cuda_repo; fi
fi
if [ -n "$sources" ]; then
  apt-get update || die "apt-get update failed for NVIDIA's repositories (${sources# }): see the lines above."
fi

if [ -n "$runfile" ]; then
  sh "$runfile" --silent --toolkit --override --toolkitpath="/usr/local/cuda-$ver"
else
  # shellcheck disable=SC2086
  apt-get install -y --no-install-recommends $toolkit
  echo "cuda:$toolkit" | sed 's/  */ /g' >>/opt/tfbuild-image/packages
fi
[ -e /usr/local/cuda ] || ln -sfn "/usr/local/cuda-$ver" /usr/local/cuda

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
  # shellcheck disable=SC2086
  apt-get install -y --no-install-recommends $cudnn
  echo "cudnn ($cudnn_repo repository): $cudnn" >>/opt/tfbuild-image/packages
  # The packages install under /usr; configure scripts of TensorFlow 1.x look inside the CUDA tree, as NVIDIA's
  # installers laid it out (TensorFlow's own devel-gpu images linked it the same way).
  mkdir -p /usr/local/cuda/include /usr/local/cuda/lib64
  for f in /usr/include/cudnn*.h /usr/include/x86_64-linux-gnu/cudnn*.h /usr/lib/x86_64-linux-gnu/libcudnn*; do
    [ -e "$f" ] || continue
    case "$f" in *.h) ln -sf "$f" /usr/local/cuda/include/ ;; *) ln -sf "$f" /usr/local/cuda/lib64/ ;; esac
  done
fi
apt_sources_done
[ -x /usr/local/cuda/bin/nvcc ] || die "nvcc is missing after installing CUDA $ver."
