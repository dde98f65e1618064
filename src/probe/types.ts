/**
 * HostFacts: everything tfbuild knows about a machine, as plain JSON. Produced by src/probe, saved by
 * `tfbuild doctor --json` (its `host` field), and read back by `--host-facts FILE` so a plan for a GPU box can be
 * made elsewhere. Bump `schemaVersion` on any incompatible change.
 */
export const HOST_FACTS_SCHEMA_VERSION = 1;

/** The ISA extensions TensorFlow builds care about, by their /proc/cpuinfo names (the ISA table, src/plan/isa.ts). */
import type { IsaFlag } from '../plan/isa.js';
export { TF_ISA_FLAGS, type IsaFlag } from '../plan/isa.js';

export interface OsFacts {
  platform: string; // process.platform
  arch: string; // x64, arm64
  kernel: string;
  distro: { id: string; versionId: string; name: string; like: string[] } | null;
  packageManager: 'apt' | 'dnf' | 'yum' | 'pacman' | 'zypper' | 'apk' | null;
}

export interface CpuFacts {
  model: string;
  /** Logical CPUs. */
  cores: number;
  /** Every flag of the first processor in cpuinfo. */
  flags: string[];
  /** The subset of TF_ISA_FLAGS present. */
  isa: IsaFlag[];
  /** Compiler flags for `isa` (e.g. -msse4.2 -mavx -mavx2 -mfma). */
  copts: string[];
  /** Where the flags were read from (TFBUILD_CPUINFO overrides /proc/cpuinfo). */
  source: string;
}

export interface MemoryFacts {
  totalMiB: number;
  availableMiB: number;
}

export interface DiskFacts {
  /** The directory asked about (the work dir) and the existing ancestor actually measured. */
  path: string;
  measured: string;
  freeGiB: number;
  fsType: string | null;
  /** NFS, overlay, tmpfs…: bazel's output base is slow or unsafe there. */
  risky: boolean;
}

export interface LocaleFacts {
  lang: string | null;
  lcAll: string | null;
  utf8: boolean;
}

export interface PythonFacts {
  path: string;
  /** Resolved real path (pyenv shims and symlinks de-duplicated). */
  realPath: string;
  version: string;
  numpy: string | null;
  pip: string | null;
  wheel: boolean;
  venv: boolean;
  /** Python.h present (python3-dev). */
  headers: boolean;
  sitePackages: string | null;
}

export interface CompilerFacts {
  kind: 'gcc' | 'clang';
  version: string;
  path: string;
  /** The C++ driver beside it (g++-12 for gcc-12), if any. */
  cxxPath: string | null;
}

export interface ToolFacts {
  path: string;
  version: string | null;
  raw?: string;
}

export interface BazelFacts extends ToolFacts {
  /** 'bazel' binary or a 'bazelisk' wrapper on PATH as bazel. */
  kind: 'bazel' | 'bazelisk';
  /** Debian's bazel-bootstrap prints `bazel no_version`: a real bazel whose release is unknown. */
  unknownRelease: boolean;
  /**
   * For a bazel that reports no release: the upstream release of the distribution package that installed it
   * (Debian's bazel-bootstrap 4.2.3+ds-9 → "4.2.3"), read from the package database; null/absent when unknown.
   */
  packageRelease?: string | null;
}

export interface JavaFacts extends ToolFacts {
  major: number | null;
}

export interface ContainerEngineFacts {
  name: 'docker' | 'podman';
  path: string;
  version: string | null;
  /** The daemon/socket answers (docker info / podman info). */
  works: boolean;
  /** NVIDIA container runtime / toolkit or CDI spec present. */
  nvidia: { runtime: boolean; cdi: boolean };
  problem: string | null;
}

export interface CudaFacts {
  version: string; // "13.0", "8.0"
  path: string;
  /** Where the version came from. */
  source: 'version.json' | 'version.txt' | 'nvcc';
  nvcc: string | null;
  cudart: boolean;
  cupti: boolean;
  cuptiPath: string | null;
}

export interface CudnnFacts {
  version: string; // "6.0.21", "8.9.7"
  major: number;
  /** Header that gave the version. */
  header: string;
  /** Directory of libcudnn.so*, if found. */
  libDir: string | null;
  /** Root (the --cudnn-path or the CUDA root it was found under). */
  path: string;
  /** libcudnn sits in <cuda>/lib64, where old TensorFlow configure looks. */
  inCudaLib64: boolean;
}

export interface DriverFacts {
  version: string;
  /** Highest CUDA version the driver supports, as nvidia-smi prints it. */
  cudaVersion: string | null;
  source: '/proc/driver/nvidia/version' | 'nvidia-smi';
}

export interface GpuFacts {
  index: number;
  name: string;
  /** "8.6"; null when neither nvidia-smi nor the name table knows. */
  computeCapability: string | null;
  ccSource: 'nvidia-smi' | 'name-table' | null;
  memoryMiB: number | null;
}

export interface ProbeProblem {
  probe: string;
  message: string;
}

export interface HostFacts {
  schemaVersion: typeof HOST_FACTS_SCHEMA_VERSION;
  probedAt: string;
  hostname: string;
  os: OsFacts;
  cpu: CpuFacts;
  memory: MemoryFacts;
  disk: DiskFacts | null;
  locale: LocaleFacts;
  pythons: PythonFacts[];
  compilers: CompilerFacts[];
  bazel: BazelFacts | null;
  bazelisk: ToolFacts | null;
  java: JavaFacts | null;
  git: ToolFacts | null;
  containers: ContainerEngineFacts[];
  cuda: CudaFacts[];
  cudnn: CudnnFacts | null;
  driver: DriverFacts | null;
  gpus: GpuFacts[];
  /** Probes that failed or timed out: each became a finding, never a crash. */
  problems: ProbeProblem[];
  /**
   * Fact families not probed because the caller did not need them (a CPU build skips `gpu`: cuda, cudnn, driver,
   * gpus). Their fields are empty, which here means "not asked", not "absent". Missing when everything was probed.
   */
  skipped?: SkippableFamily[];
}

/** `gpu` = CUDA toolkits, cuDNN, driver and GPUs; `containers` = docker/podman. */
export type SkippableFamily = 'gpu' | 'containers';
