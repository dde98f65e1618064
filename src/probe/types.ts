/**
 * HostFacts: everything tfbuild knows about a machine, as plain JSON. Produced by src/probe, saved by
 * `tfbuild doctor --json` (its `host` field), and read back by `--host-facts FILE` so a plan for a GPU box can be
 * made elsewhere. Bump `schemaVersion` on any incompatible change.
 */
import { z } from 'zod';

export const HOST_FACTS_SCHEMA_VERSION = 1;

/** The ISA extensions TensorFlow builds care about, by their /proc/cpuinfo names (the ISA table, src/plan/isa.ts). */
import { TF_ISA_FLAGS, type IsaFlag } from '../plan/isa.js';
export { TF_ISA_FLAGS, type IsaFlag };

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
  /**
   * Installed distributions, PEP 503-normalized name → version (what the recipe's python.buildPackages are judged
   * by). Missing in facts saved before it existed: then only numpy, wheel and pip are known.
   */
  packages?: Record<string, string>;
  /** Runs inside a venv/virtualenv (its packages are its own, not its base interpreter's). Missing in older files. */
  isVenv?: boolean;
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

// --- the schema a saved host description is validated with (--host-facts FILE; `doctor --json`'s `host`) --------

const nullable = <T extends z.ZodType>(t: T) => t.nullable();
const str = z.string();
const tool = { path: str, version: nullable(str), raw: str.optional() };

export const HostFactsSchema = z.object({
  schemaVersion: z.literal(HOST_FACTS_SCHEMA_VERSION),
  probedAt: str,
  hostname: str,
  os: z.object({
    platform: str,
    arch: str,
    kernel: str,
    distro: nullable(z.object({ id: str, versionId: str, name: str, like: z.array(str) })),
    packageManager: nullable(z.enum(['apt', 'dnf', 'yum', 'pacman', 'zypper', 'apk'])),
  }),
  cpu: z.object({
    model: str,
    cores: z.number().int().positive(),
    flags: z.array(str),
    isa: z.array(z.enum(TF_ISA_FLAGS)),
    copts: z.array(str),
    source: str,
  }),
  memory: z.object({ totalMiB: z.number().min(0), availableMiB: z.number().min(0) }),
  disk: nullable(z.object({ path: str, measured: str, freeGiB: z.number(), fsType: nullable(str), risky: z.boolean() })),
  locale: z.object({ lang: nullable(str), lcAll: nullable(str), utf8: z.boolean() }),
  pythons: z.array(z.object({
    path: str, realPath: str, version: str, numpy: nullable(str), pip: nullable(str), wheel: z.boolean(), venv: z.boolean(),
    headers: z.boolean(), sitePackages: nullable(str), packages: z.record(str, str).optional(), isVenv: z.boolean().optional(),
  })),
  compilers: z.array(z.object({ kind: z.enum(['gcc', 'clang']), version: str, path: str, cxxPath: nullable(str) })),
  bazel: nullable(z.object({ ...tool, kind: z.enum(['bazel', 'bazelisk']), unknownRelease: z.boolean() })),
  bazelisk: nullable(z.object(tool)),
  java: nullable(z.object({ ...tool, major: nullable(z.number().int()) })),
  git: nullable(z.object(tool)),
  containers: z.array(z.object({
    name: z.enum(['docker', 'podman']), path: str, version: nullable(str), works: z.boolean(),
    nvidia: z.object({ runtime: z.boolean(), cdi: z.boolean() }), problem: nullable(str),
  })),
  cuda: z.array(z.object({
    version: str, path: str, source: z.enum(['version.json', 'version.txt', 'nvcc']), nvcc: nullable(str), cudart: z.boolean(),
    cupti: z.boolean(), cuptiPath: nullable(str),
  })),
  cudnn: nullable(z.object({ version: str, major: z.number().int().min(0), header: str, libDir: nullable(str), path: str, inCudaLib64: z.boolean() })),
  driver: nullable(z.object({ version: str, cudaVersion: nullable(str), source: z.enum(['/proc/driver/nvidia/version', 'nvidia-smi']) })),
  gpus: z.array(z.object({
    index: z.number().int().min(0), name: str, computeCapability: nullable(str.regex(/^\d+\.\d+$/)),
    ccSource: nullable(z.enum(['nvidia-smi', 'name-table'])), memoryMiB: nullable(z.number()),
  })),
  problems: z.array(z.object({ probe: str, message: str })),
  skipped: z.array(z.enum(['gpu', 'containers'])).optional(),
});

// The schema and the interfaces above describe the same JSON: each must accept what the other produces.
type Parsed = z.infer<typeof HostFactsSchema>;
const sameShape: [Parsed extends HostFacts ? true : false, HostFacts extends Parsed ? true : false] = [true, true];
void sameShape;
