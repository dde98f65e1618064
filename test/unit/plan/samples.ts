/** Hand-made HostFacts and Recipe objects for plan tests (shapes from src/probe/types.ts and src/recipes/schema.ts). */
import type { HostFacts } from '../../../src/probe/types.js';
import { RecipeSchema, type Recipe, type RecipeInput } from '../../../src/recipes/schema.js';
import { BuildOptionsSchema, type BuildOptions, type BuildOptionsInput } from '../../../src/plan/options.js';

export function sampleFacts(over: Partial<HostFacts> = {}): HostFacts {
  return {
    schemaVersion: 1,
    probedAt: '2026-01-01T00:00:00Z',
    hostname: 'box',
    os: { platform: 'linux', arch: 'x64', kernel: '6.1', distro: null, packageManager: 'apt' },
    cpu: { model: 'x', cores: 8, flags: [], isa: ['sse4_1', 'sse4_2', 'avx', 'avx2', 'fma'], copts: [], source: '/proc/cpuinfo' },
    memory: { totalMiB: 32768, availableMiB: 8192 },
    disk: null,
    locale: { lang: 'C', lcAll: null, utf8: false },
    pythons: [
      { path: '/usr/bin/python3', realPath: '/usr/bin/python3.11', version: '3.11.2', numpy: null, pip: '23', wheel: true, venv: true, headers: true, sitePackages: '/usr/lib/python3/dist-packages' },
    ],
    compilers: [{ kind: 'gcc', version: '12.2.0', path: '/usr/bin/gcc', cxxPath: '/usr/bin/g++' }],
    bazel: { path: '/usr/bin/bazel', version: null, kind: 'bazel', unknownRelease: true },
    bazelisk: null,
    java: null,
    git: { path: '/usr/bin/git', version: '2.39' },
    containers: [],
    cuda: [{ version: '8.0', path: '/usr/local/cuda-8.0', source: 'version.txt', nvcc: '/usr/local/cuda-8.0/bin/nvcc', cudart: true, cupti: true, cuptiPath: null }],
    cudnn: { version: '6.0.21', major: 6, header: 'cudnn.h', libDir: '/usr/local/cuda-8.0/lib64', path: '/usr/local/cuda-8.0', inCudaLib64: true },
    driver: null,
    gpus: [{ index: 0, name: 'GeForce GTX 1080', computeCapability: '6.1', ccSource: 'name-table', memoryMiB: 8192 }],
    problems: [],
    ...over,
  };
}

export const R14: RecipeInput = {
  version: '1.4.0',
  line: 'r1.4',
  tags: { default: 'v1.4.1', known: ['v1.4.0', 'v1.4.1'] },
  tested: { python: '2.7, 3.3-3.6', compiler: 'GCC 4.8', bazel: '0.5.4', cudnn: '6', cuda: '8' },
  python: { range: '>=2.7 <3.7', preferred: '3.6', hermetic: false },
  compiler: { kind: 'gcc', range: '>=4.8 <6', gpuRange: '<6' },
  bazel: {
    tested: '0.5.4', range: '>=0.5.4 <0.10.0', useBazelversionFile: false,
    flagRules: [{ bazel: '>=0.9.0', flags: ['--incompatible_x=false'], reason: 'r' }],
  },
  jdk: { range: '8.x' },
  gpu: {
    cuda: { tested: '8.0', range: '>=8.0 <9' }, cudnn: { tested: '6.0.21', range: '>=6 <7' }, hermetic: false,
    computeCapabilities: { default: '3.5,5.2', min: '3.0' },
  },
  configure: {
    era: 'configure.py', boolFormat: '01', exitsZeroOnBazelFailure: true,
    env: [
      { name: 'PYTHON_BIN_PATH', value: '{python}' },
      { name: 'USE_DEFAULT_PYTHON_LIB_PATH', bool: true },
      { name: 'CC_OPT_FLAGS', value: '{ccOptFlags}' },
      { name: 'TF_NEED_CUDA', bool: 'gpu' },
      { name: 'TF_NEED_JEMALLOC', bool: true },
      { name: 'TF_NEED_GCP', bool: false },
      { name: 'TF_CUDA_VERSION', value: '{cudaVersion}', when: 'gpu' },
      { name: 'TF_CUDNN_VERSION', value: '{cudnnVersion}', when: 'gpu' },
      { name: 'CUDA_TOOLKIT_PATH', value: '{cudaPath}', when: 'gpu' },
      { name: 'TF_CUDA_COMPUTE_CAPABILITIES', value: '{computeCapabilities}', when: 'gpu' },
      { name: 'GCC_HOST_COMPILER_PATH', value: '{hostCompiler}', when: 'gpu' },
    ],
  },
  build: {
    era: 'E1', target: '//tensorflow/tools/pip_package:build_pip_package', flags: ['--config=opt'], gpuFlags: ['--config=cuda'],
    packaging: { kind: 'build_pip_package', script: 'bazel-bin/tensorflow/tools/pip_package/build_pip_package' },
    wheelName: { cpu: 'tensorflow', gpu: 'tensorflow_gpu' },
  },
  patches: ['nasm-mirror'],
  containers: { cpu: 'ubuntu16', gpu: 'cuda8' },
  verify: { era: 'graph' },
  estimates: { diskGiB: 20, cpuHours: 4, ramPerJobMiB: 2048 },
};

export function sampleRecipe(over: Partial<RecipeInput> = {}): Recipe {
  return RecipeSchema.parse({ ...R14, ...over });
}

export function sampleOptions(over: Partial<BuildOptionsInput> = {}): BuildOptions {
  return BuildOptionsSchema.parse({ version: 'r1.4', workdir: '/w', ...over });
}

export const PATH_ENV: { home: string; cwd: string; xdgCacheHome?: string } = { home: '/home/u', cwd: '/cwd' };
