#!/bin/sh
# install-llvm.sh CODENAME MAJOR...: clang-MAJOR and lld-MAJOR from LLVM's own apt repository (apt.llvm.org), for
# eras whose Ubuntu archive has no clang new enough. The repository is trusted only through LLVM's signing key,
# checked against LLVM_KEY_FPR; source and key are removed after the install.
set -eu
. "$(dirname "$0")/lib.sh"
codename=$1
shift
if [ $# -eq 0 ]; then
  echo "tfbuild image: no clang from LLVM asked for (LLVM_CLANG is empty)."
  exit 0
fi
trust_key https://apt.llvm.org/llvm-snapshot.gpg.key "${LLVM_KEY_FPR:-}" /usr/share/keyrings/tfbuild-llvm.gpg
pkgs=""
for m in "$@"; do
  apt_source "llvm-$m" /usr/share/keyrings/tfbuild-llvm.gpg "https://apt.llvm.org/$codename/" "llvm-toolchain-$codename-$m" main
  pkgs="$pkgs clang-$m lld-$m"
done
apt-get update || die "apt-get update failed for LLVM's repository: see the lines above."
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $pkgs
apt_sources_done
for m in "$@"; do command -v "clang-$m" >/dev/null 2>&1 || die "clang-$m is missing after the install."; done
