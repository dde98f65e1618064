/**
 * Toolchain generations: one build image per CUDA era (names shared with recipes' `containers` field).
 * Every generation starts FROM a plain distribution image: NVIDIA removed the end-of-life nvidia/cuda tags
 * (8.0, 9.x, 10.x, 11.0–11.7) from Docker Hub in 2023 (NVIDIA/nvidia-docker issues 1768 and 1790).
 * CUDA/cuDNN come from NVIDIA's apt repositories, pinned to exact package versions, or from installer files
 * the user copies into the build context (cuDNN downloads need an NVIDIA developer login).
 * Each generation also declares the toolchain facts its image will have (`declaredToolchain`), so that the
 * verdict of every recipe naming it can be checked against them without building anything.
 */
import { UsageError } from '../errors.js';
import { isVersionInRange as inRange } from '../recipes/rules.js';
import { CONTAINER_GENERATIONS, type GpuContainerGeneration } from '../recipes/containers.js';

// The names are the recipes' (src/recipes/containers.ts); this module adds what goes into each image.
export type GpuGenerationName = GpuContainerGeneration;
export type GenerationName = GpuGenerationName | `cpu-${GpuGenerationName}`;
export const GENERATION_NAMES: readonly GenerationName[] = CONTAINER_GENERATIONS;

/**
 * Where a cuDNN came from: cuDNN 7 and older was published only in NVIDIA's machine-learning repository
 * (compute/machine-learning/repos/ubuntuXXXX/x86_64), cuDNN 8+ in the CUDA repository itself.
 */
export type CudnnRepo = 'cuda' | 'machine-learning';

export interface CudaPins {
  /** "8.0" */
  version: string;
  /** Exact apt packages (name=version) of the toolkit; apt refuses anything else. */
  packages: string[];
  cudnn: { major: number; version: string; repo: CudnnRepo; packages: string[] };
}

export interface Generation {
  name: GenerationName;
  gpu: boolean;
  /** Default FROM; `--base-image` replaces it. */
  baseImage: string;
  ubuntu: string;
  /** Ubuntu codename (LLVM's apt repository is per codename). */
  codename: string;
  /** NVIDIA's repository folder for this Ubuntu: ubuntu1604, ubuntu1804, … */
  nvidiaRepo: string;
  /** apt before 1.5 (xenial has 1.2) fetches https sources only through apt-transport-https. */
  aptNeedsHttpsTransport: boolean;
  /** Distribution packages of the toolchain (names are the same on Debian for the CPU variants' needs). */
  compilerPackages: string[];
  /** clang majors from LLVM's own apt repository (Ubuntu's archive has none new enough for that era's recipes). */
  llvmClang: number[];
  pythonPackages: string[];
  python: string;
  jdkPackages: string[];
  /** bazel when no recipe names one (the recipe's bazel.tested wins). */
  bazelDefault: string;
  /** The CUDA/cuDNN pins this image installs (null for the cpu- twins). */
  cuda: CudaPins | null;
  /** Every CUDA/cuDNN pin set the generation offers; `chooseGeneration` takes the first a recipe accepts. */
  cudaOptions: CudaPins[];
  /** Versions of the distribution toolchain, as the image's apt archive has them (for `declaredToolchain`). */
  versions: { gcc: string; pythons: string[]; numpy: string; java: string | null };
}

interface Era {
  ubuntu: string;
  codename: string;
  compilerPackages: string[];
  llvmClang: number[];
  /** Extra python packages beyond python3 (focal's 3.8 is too old for 2.14). */
  extraPython: string[];
  jdkPackages: string[];
  bazelDefault: string;
  versions: Generation['versions'];
  cuda: CudaPins[];
}

// The same in every era: python3 from the base image's Ubuntu archive.
const PYTHON_PACKAGES = ['python3', 'python3-dev', 'python3-pip', 'python3-venv', 'python3-numpy', 'python3-wheel', 'python3-setuptools'];

// Package versions are the ones TensorFlow's own devel-gpu Dockerfiles of each era pinned
// (tensorflow/tools/docker*/Dockerfile.devel-gpu), which are the builds its docs list as tested; where one
// generation serves recipes with different CUDA/cuDNN ranges, it offers one pin set per range.
/** CUDA 8.0's development packages: the same under both of that generation's cuDNN pin sets. */
const CUDA_8_0_PACKAGES = ['cuda-command-line-tools-8-0=8.0.61-1', 'cuda-cublas-dev-8-0=8.0.61-1', 'cuda-cudart-dev-8-0=8.0.61-1',
  'cuda-cufft-dev-8-0=8.0.61-1', 'cuda-curand-dev-8-0=8.0.61-1', 'cuda-cusolver-dev-8-0=8.0.61-1', 'cuda-cusparse-dev-8-0=8.0.61-1'];
const ERAS: Record<GpuGenerationName, Era> = {
  'cuda8-ubuntu16.04': {
    ubuntu: '16.04',
    codename: 'xenial',
    compilerPackages: ['gcc-5', 'g++-5'],
    llvmClang: [],
    extraPython: [],
    jdkPackages: ['openjdk-8-jdk-headless'],
    bazelDefault: '0.5.4',
    versions: { gcc: '5.4.0', pythons: ['3.5.2'], numpy: '1.11.0', java: '1.8.0' },
    cuda: [
      {
        version: '8.0',
        packages: CUDA_8_0_PACKAGES,
        cudnn: { major: 6, version: '6.0.21', repo: 'machine-learning', packages: ['libcudnn6=6.0.21-1+cuda8.0', 'libcudnn6-dev=6.0.21-1+cuda8.0'] },
      },
      {
        // r1.0–r1.2 were built against cuDNN 5.1.
        version: '8.0',
        packages: CUDA_8_0_PACKAGES,
        cudnn: { major: 5, version: '5.1.10', repo: 'machine-learning', packages: ['libcudnn5=5.1.10-1+cuda8.0', 'libcudnn5-dev=5.1.10-1+cuda8.0'] },
      },
    ],
  },
  'cuda9-ubuntu16.04': {
    ubuntu: '16.04',
    codename: 'xenial',
    compilerPackages: ['gcc-5', 'g++-5'],
    llvmClang: [],
    extraPython: [],
    jdkPackages: ['openjdk-8-jdk-headless'],
    bazelDefault: '0.15.0',
    versions: { gcc: '5.4.0', pythons: ['3.5.2'], numpy: '1.11.0', java: '1.8.0' },
    cuda: [{
      version: '9.0',
      packages: ['cuda-command-line-tools-9-0=9.0.176-1', 'cuda-cublas-dev-9-0=9.0.176.4-1', 'cuda-cudart-dev-9-0=9.0.176-1',
        'cuda-cufft-dev-9-0=9.0.176-1', 'cuda-curand-dev-9-0=9.0.176-1', 'cuda-cusolver-dev-9-0=9.0.176-1',
        'cuda-cusparse-dev-9-0=9.0.176-1'],
      cudnn: { major: 7, version: '7.2.1.38', repo: 'machine-learning', packages: ['libcudnn7=7.2.1.38-1+cuda9.0', 'libcudnn7-dev=7.2.1.38-1+cuda9.0'] },
    }],
  },
  'cuda10-ubuntu18.04': {
    ubuntu: '18.04',
    codename: 'bionic',
    compilerPackages: ['gcc-7', 'g++-7'],
    llvmClang: [],
    extraPython: [],
    jdkPackages: ['openjdk-8-jdk-headless'],
    bazelDefault: '0.26.1',
    versions: { gcc: '7.5.0', pythons: ['3.6.9'], numpy: '1.13.3', java: '1.8.0' },
    cuda: [{
      version: '10.1',
      packages: ['cuda-command-line-tools-10-1=10.1.243-1', 'cuda-libraries-dev-10-1=10.1.243-1', 'cuda-nvcc-10-1=10.1.243-1'],
      cudnn: { major: 7, version: '7.6.5.32', repo: 'machine-learning', packages: ['libcudnn7=7.6.5.32-1+cuda10.1', 'libcudnn7-dev=7.6.5.32-1+cuda10.1'] },
    }],
  },
  'cuda11-ubuntu20.04': {
    ubuntu: '20.04',
    codename: 'focal',
    compilerPackages: ['gcc-9', 'g++-9'],
    // 2.13 and 2.14 build with clang 16–17; focal's archive stops at clang 12.
    llvmClang: [17],
    // 2.14 installs its wheel into python 3.9–3.11 (bazel builds with its own hermetic python); focal's python3 is 3.8.
    extraPython: ['python3.9', 'python3.9-dev', 'python3.9-venv'],
    jdkPackages: [],
    bazelDefault: '3.7.2',
    versions: { gcc: '9.4.0', pythons: ['3.8.10', '3.9.5'], numpy: '1.17.4', java: null },
    cuda: [
      {
        version: '11.2',
        packages: ['cuda-command-line-tools-11-2=11.2.2-1', 'cuda-libraries-dev-11-2=11.2.2-1', 'cuda-nvcc-11-2=11.2.152-1'],
        cudnn: { major: 8, version: '8.1.0.77', repo: 'cuda', packages: ['libcudnn8=8.1.0.77-1+cuda11.2', 'libcudnn8-dev=8.1.0.77-1+cuda11.2'] },
      },
      {
        // 2.12–2.14 need CUDA 11.8 and cuDNN 8.6+/8.7+.
        version: '11.8',
        packages: ['cuda-command-line-tools-11-8=11.8.0-1', 'cuda-libraries-dev-11-8=11.8.0-1', 'cuda-nvcc-11-8=11.8.89-1'],
        cudnn: { major: 8, version: '8.7.0.84', repo: 'cuda', packages: ['libcudnn8=8.7.0.84-1+cuda11.8', 'libcudnn8-dev=8.7.0.84-1+cuda11.8'] },
      },
    ],
  },
  'cuda12-ubuntu22.04': {
    ubuntu: '22.04',
    codename: 'jammy',
    compilerPackages: ['gcc', 'g++'],
    // 2.15 needs clang 16–17, 2.16/2.17 17–18, 2.18+ 18–19; jammy's archive has clang 14/15.
    llvmClang: [17, 18],
    extraPython: [],
    jdkPackages: [],
    bazelDefault: '6.5.0',
    versions: { gcc: '11.4.0', pythons: ['3.10.12'], numpy: '1.21.5', java: null },
    cuda: [{
      // 2.16/2.17 need CUDA ≥ 12.3 (TensorFlow's tested build: CUDA 12.3, cuDNN 8.9).
      version: '12.3',
      packages: ['cuda-command-line-tools-12-3=12.3.2-1', 'cuda-libraries-dev-12-3=12.3.2-1', 'cuda-nvcc-12-3=12.3.107-1'],
      cudnn: { major: 8, version: '8.9.7.29', repo: 'cuda', packages: ['libcudnn8=8.9.7.29-1+cuda12.2', 'libcudnn8-dev=8.9.7.29-1+cuda12.2'] },
    }],
  },
};

function toGeneration(name: GpuGenerationName, gpu: boolean): Generation {
  const era = ERAS[name];
  return {
    name: gpu ? name : `cpu-${name}`,
    gpu,
    baseImage: `docker.io/library/ubuntu:${era.ubuntu}`,
    ubuntu: era.ubuntu,
    codename: era.codename,
    nvidiaRepo: `ubuntu${era.ubuntu.replace('.', '')}`,
    aptNeedsHttpsTransport: era.ubuntu === '16.04',
    compilerPackages: era.compilerPackages,
    llvmClang: era.llvmClang,
    pythonPackages: [...PYTHON_PACKAGES, ...era.extraPython],
    python: 'python3',
    jdkPackages: era.jdkPackages,
    bazelDefault: era.bazelDefault,
    cuda: gpu ? era.cuda[0]! : null,
    cudaOptions: gpu ? era.cuda : [],
    versions: era.versions,
  };
}

export function isGenerationName(s: string): s is GenerationName {
  return (GENERATION_NAMES as readonly string[]).includes(s);
}

export function getGeneration(name: string): Generation {
  if (!isGenerationName(name)) {
    throw new UsageError(`Unknown container generation "${name}".`, { hint: `Known: ${GENERATION_NAMES.join(', ')}.` });
  }
  const gpu = !name.startsWith('cpu-');
  return toGeneration((gpu ? name : name.slice(4)) as GpuGenerationName, gpu);
}

export function listGenerations(): Generation[] {
  return GENERATION_NAMES.map(getGeneration);
}

/** CUDA/cuDNN version ranges of a recipe (recipe.gpu), when it builds against the system's CUDA. */
export interface CudaRanges {
  cuda: { range: string };
  cudnn: { range: string };
  hermetic: boolean;
}

/**
 * The generation a recipe names for a CPU or GPU build, with the CUDA/cuDNN pin set that recipe accepts
 * (hermetic-CUDA recipes download their own and take the default).
 */
export function chooseGeneration(containers: { cpu: string; gpu: string | null }, gpu: boolean, version: string, ranges?: CudaRanges | null): Generation {
  if (gpu && containers.gpu === null) {
    throw new UsageError(`The recipe for ${version} has no GPU build image.`, { hint: 'Drop --gpu, or pick a release with GPU support.' });
  }
  const g = getGeneration(gpu ? (containers.gpu as string) : containers.cpu);
  if (!g.gpu || !ranges || ranges.hermetic) return g;
  const fit = g.cudaOptions.find((c) => inRange(c.version, ranges.cuda.range) && inRange(c.cudnn.version, ranges.cudnn.range));
  return fit ? { ...g, cuda: fit } : g;
}

/** The toolchain an image of this generation has, in the shapes the host probe reports (paths as installed). */
export function declaredToolchain(g: Generation, bazelVersion: string): {
  /** The first is python3, with the archive's python3-numpy. */
  pythons: Array<{ path: string; version: string; numpy: string | null }>;
  compilers: Array<{ kind: 'gcc' | 'clang'; version: string; path: string; cxxPath: string }>;
  java: { version: string; major: number } | null;
  bazel: string;
  cuda: { version: string; path: string } | null;
  cudnn: { version: string; major: number } | null;
} {
  const gccMajor = g.versions.gcc.split('.')[0]!;
  return {
    pythons: g.versions.pythons.map((v, i) => ({ path: i === 0 ? '/usr/bin/python3' : `/usr/bin/python${v.split('.').slice(0, 2).join('.')}`, version: v, numpy: i === 0 ? g.versions.numpy : null })),
    compilers: [
      { kind: 'gcc', version: g.versions.gcc, path: `/usr/bin/gcc-${gccMajor}`, cxxPath: `/usr/bin/g++-${gccMajor}` },
      ...g.llvmClang.map((m) => ({ kind: 'clang' as const, version: `${m}.0.0`, path: `/usr/bin/clang-${m}`, cxxPath: `/usr/bin/clang++-${m}` })),
    ],
    java: g.jdkPackages.length > 0 && g.versions.java ? { version: g.versions.java, major: 8 } : null,
    bazel: bazelVersion,
    cuda: g.cuda ? { version: g.cuda.version, path: `/usr/local/cuda-${g.cuda.version}` } : null,
    cudnn: g.cuda ? { version: g.cuda.cudnn.version, major: g.cuda.cudnn.major } : null,
  };
}

/**
 * The image python a recipe builds with (passed to the build as --python): the first of the image's pythons in the
 * recipe's range that has numpy (python3, with the archive's python3-numpy), else, for a hermetic-python recipe
 * that only installs its wheel there, any in range.
 */
export function choosePython(g: Generation, recipe: { python: { range: string; hermetic: boolean } }): string | null {
  const pythons = declaredToolchain(g, '').pythons.filter((p) => inRange(p.version, recipe.python.range));
  const pick = pythons.find((p) => p.numpy !== null) ?? (recipe.python.hermetic ? pythons[0] : undefined);
  return pick?.path ?? null;
}
