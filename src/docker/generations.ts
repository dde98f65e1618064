/**
 * Toolchain generations: one build image per CUDA era (names shared with recipes' `containers` field).
 * Every generation starts FROM a plain distribution image: NVIDIA removed the end-of-life nvidia/cuda tags
 * (8.0, 9.x, 10.x, 11.0–11.7) from Docker Hub in 2023 (NVIDIA/nvidia-docker issues 1768 and 1790).
 * CUDA/cuDNN come from NVIDIA's apt repository, pinned to exact package versions, or from installer files
 * the user copies into the build context (cuDNN downloads need an NVIDIA developer login).
 */
import { UsageError } from '../errors.js';
import { CONTAINER_GENERATIONS, type GpuContainerGeneration } from '../recipes/containers.js';

// The names are the recipes' (src/recipes/containers.ts); this module adds what goes into each image.
export type GpuGenerationName = GpuContainerGeneration;
export type GenerationName = GpuGenerationName | `cpu-${GpuGenerationName}`;
export const GENERATION_NAMES: readonly GenerationName[] = CONTAINER_GENERATIONS;

export interface CudaPins {
  /** "8.0" */
  version: string;
  /** NVIDIA apt repository folder: ubuntu1604, ubuntu1804, … */
  repo: string;
  /** Exact apt packages (name=version) of the toolkit; apt refuses anything else. */
  packages: string[];
  cudnn: { major: number; version: string; packages: string[] };
}

export interface Generation {
  name: GenerationName;
  gpu: boolean;
  /** Default FROM; `--base-image` replaces it. */
  baseImage: string;
  /** glibc of that base: Node 20's official binaries need ≥ 2.28 (so the host's node runs only on 20.04+). */
  glibc: string;
  /** Distribution packages of the toolchain (names are the same on Debian for the CPU variants' needs). */
  compilerPackages: string[];
  pythonPackages: string[];
  python: string;
  jdkPackages: string[];
  /** bazel when no recipe names one (the recipe's bazel.tested wins). */
  bazelDefault: string;
  cuda: CudaPins | null;
}

interface Era {
  ubuntu: string;
  glibc: string;
  compilerPackages: string[];
  jdkPackages: string[];
  bazelDefault: string;
  cuda: CudaPins;
}

// The same in every era: python3 from the base image's Ubuntu archive.
const PYTHON_PACKAGES = ['python3', 'python3-dev', 'python3-pip', 'python3-venv', 'python3-numpy', 'python3-wheel', 'python3-setuptools'];

// Package versions are the ones TensorFlow's own devel-gpu Dockerfiles of each era pinned
// (tensorflow/tools/docker*/Dockerfile.devel-gpu), which are the builds its docs list as tested.
const ERAS: Record<GpuGenerationName, Era> = {
  'cuda8-ubuntu16.04': {
    ubuntu: '16.04',
    glibc: '2.23',
    compilerPackages: ['gcc-5', 'g++-5'],
    jdkPackages: ['openjdk-8-jdk-headless'],
    bazelDefault: '0.5.4',
    cuda: {
      version: '8.0',
      repo: 'ubuntu1604',
      packages: ['cuda-command-line-tools-8-0=8.0.61-1', 'cuda-cublas-dev-8-0=8.0.61-1', 'cuda-cudart-dev-8-0=8.0.61-1',
        'cuda-cufft-dev-8-0=8.0.61-1', 'cuda-curand-dev-8-0=8.0.61-1', 'cuda-cusolver-dev-8-0=8.0.61-1',
        'cuda-cusparse-dev-8-0=8.0.61-1'],
      cudnn: { major: 6, version: '6.0.21', packages: ['libcudnn6=6.0.21-1+cuda8.0', 'libcudnn6-dev=6.0.21-1+cuda8.0'] },
    },
  },
  'cuda9-ubuntu16.04': {
    ubuntu: '16.04',
    glibc: '2.23',
    compilerPackages: ['gcc-5', 'g++-5'],
    jdkPackages: ['openjdk-8-jdk-headless'],
    bazelDefault: '0.15.0',
    cuda: {
      version: '9.0',
      repo: 'ubuntu1604',
      packages: ['cuda-command-line-tools-9-0=9.0.176-1', 'cuda-cublas-dev-9-0=9.0.176.4-1', 'cuda-cudart-dev-9-0=9.0.176-1',
        'cuda-cufft-dev-9-0=9.0.176-1', 'cuda-curand-dev-9-0=9.0.176-1', 'cuda-cusolver-dev-9-0=9.0.176-1',
        'cuda-cusparse-dev-9-0=9.0.176-1'],
      cudnn: { major: 7, version: '7.2.1.38', packages: ['libcudnn7=7.2.1.38-1+cuda9.0', 'libcudnn7-dev=7.2.1.38-1+cuda9.0'] },
    },
  },
  'cuda10-ubuntu18.04': {
    ubuntu: '18.04',
    glibc: '2.27',
    compilerPackages: ['gcc-7', 'g++-7'],
    jdkPackages: ['openjdk-8-jdk-headless'],
    bazelDefault: '0.26.1',
    cuda: {
      version: '10.1',
      repo: 'ubuntu1804',
      packages: ['cuda-command-line-tools-10-1=10.1.243-1', 'cuda-libraries-dev-10-1=10.1.243-1', 'cuda-nvcc-10-1=10.1.243-1'],
      cudnn: { major: 7, version: '7.6.5.32', packages: ['libcudnn7=7.6.5.32-1+cuda10.1', 'libcudnn7-dev=7.6.5.32-1+cuda10.1'] },
    },
  },
  'cuda11-ubuntu20.04': {
    ubuntu: '20.04',
    glibc: '2.31',
    compilerPackages: ['gcc-9', 'g++-9'],
    jdkPackages: [],
    bazelDefault: '3.7.2',
    cuda: {
      version: '11.2',
      repo: 'ubuntu2004',
      packages: ['cuda-command-line-tools-11-2=11.2.2-1', 'cuda-libraries-dev-11-2=11.2.2-1', 'cuda-nvcc-11-2=11.2.152-1'],
      cudnn: { major: 8, version: '8.1.0.77', packages: ['libcudnn8=8.1.0.77-1+cuda11.2', 'libcudnn8-dev=8.1.0.77-1+cuda11.2'] },
    },
  },
  'cuda12-ubuntu22.04': {
    ubuntu: '22.04',
    glibc: '2.35',
    compilerPackages: ['clang', 'lld', 'gcc', 'g++'],
    jdkPackages: [],
    bazelDefault: '6.1.0',
    cuda: {
      version: '12.2',
      repo: 'ubuntu2204',
      packages: ['cuda-command-line-tools-12-2=12.2.2-1', 'cuda-libraries-dev-12-2=12.2.2-1', 'cuda-nvcc-12-2=12.2.140-1'],
      cudnn: { major: 8, version: '8.9.4.25', packages: ['libcudnn8=8.9.4.25-1+cuda12.2', 'libcudnn8-dev=8.9.4.25-1+cuda12.2'] },
    },
  },
};

function toGeneration(name: GpuGenerationName, gpu: boolean): Generation {
  const era = ERAS[name];
  return {
    name: gpu ? name : `cpu-${name}`,
    gpu,
    baseImage: `docker.io/library/ubuntu:${era.ubuntu}`,
    glibc: era.glibc,
    compilerPackages: era.compilerPackages,
    pythonPackages: PYTHON_PACKAGES,
    python: 'python3',
    jdkPackages: era.jdkPackages,
    bazelDefault: era.bazelDefault,
    cuda: gpu ? era.cuda : null,
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

/** The generation a recipe names for a CPU or GPU build. */
export function chooseGeneration(containers: { cpu: string; gpu: string | null }, gpu: boolean, version: string): Generation {
  if (gpu && containers.gpu === null) {
    throw new UsageError(`The recipe for ${version} has no GPU build image.`, { hint: 'Drop --gpu, or pick a release with GPU support.' });
  }
  return getGeneration(gpu ? (containers.gpu as string) : containers.cpu);
}

/** True when the official Node 20 linux-x64 binary (built against glibc 2.28) runs on this generation's base. */
export function runsOfficialNode(g: Generation): boolean {
  const [maj = 0, min = 0] = g.glibc.split('.').map(Number);
  return maj > 2 || (maj === 2 && min >= 28);
}
