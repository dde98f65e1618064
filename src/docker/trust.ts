/**
 * The publishers' signing keys the build images trust, pinned by fingerprint (docker/scripts/lib.sh trust_key
 * refuses any other key). They are Dockerfile ARGs so that a rehearsal mirror can pin its own test key instead
 * (`--image-build-arg NAME=FPR`, documented as test-only in docker/README.md).
 */
export const TRUST_PINS = {
  /** NVIDIA's CUDA repository key (3bf863cc.pub) since NVIDIA's 2022 key rotation. */
  NVIDIA_CUDA_KEY_FPR: 'EB693B3035CD5710E231E123A4B469963BF863CC',
  /**
   * NVIDIA's pre-2022 key (7fa2af80.pub): the machine-learning repository (cuDNN ≤ 7) was still signed with it after
   * the rotation. Trusted for that repository alone, with the key file's sha256 that NVIDIA's own Dockerfiles pinned.
   */
  NVIDIA_ML_KEY_FPR: 'AE09FE4BBD223A84B2CCFCE3F60F4B3D7FA2AF80',
  NVIDIA_ML_KEY_SHA256: 'd1be581509378368edeec8c1eb2958702feedf3bc3d17011adbf24efacce4ab5',
  /** LLVM's apt repository key (llvm-snapshot.gpg.key), for the clang versions Ubuntu's archive lacks. */
  LLVM_KEY_FPR: '6084F3CF814B57C1CF12EFD515CF4D18AF4F7421',
  /** Bazel's release key (bazel-release.pub.gpg), which signs each release file's .sig. */
  BAZEL_KEY_FPR: '71A1D0EFCFEB6281FD0437C93D5919B448457EE0',
} as const;


/**
 * `--mirror URL`: every download of the image build (NVIDIA's repositories and keys, LLVM's repository, Bazel's
 * releases and key) is read from URL/<host>/<path> instead of https://<host>/<path>, the layout `wget --mirror`
 * writes. Keys and signatures are still checked against the pins above; only Ubuntu's own archive is not mirrored
 * (use a --base-image whose apt sources point at your Ubuntu mirror).
 */
export function mirrorBuildArg(mirror: string | undefined): Record<string, string> {
  return mirror ? { MIRROR: mirror.replace(/\/+$/, '') } : {};
}
