/** A complete, healthy HostFacts to vary per test (shape of a real probe of a Debian 12 GPU box). */
import type { HostFacts } from '../../../src/probe/types.js';

export function healthyFacts(over: Partial<HostFacts> = {}): HostFacts {
  return {
    schemaVersion: 1,
    probedAt: '2026-11-27T00:00:00.000Z',
    hostname: 'box',
    os: { platform: 'linux', arch: 'x64', kernel: '6.1.0', distro: { id: 'debian', versionId: '12', name: 'Debian GNU/Linux 12 (bookworm)', like: [] }, packageManager: 'apt' },
    cpu: { model: 'AMD EPYC', cores: 8, flags: ['sse4_2', 'avx', 'avx2', 'fma'], isa: ['sse4_2', 'avx', 'avx2', 'fma'], copts: ['-msse4.2', '-mavx', '-mavx2', '-mfma'], source: '/proc/cpuinfo' },
    memory: { totalMiB: 32768, availableMiB: 30000 },
    disk: { path: '/work', measured: '/work', freeGiB: 200, fsType: 'ext4', risky: false },
    locale: { lang: 'C.UTF-8', lcAll: null, utf8: true },
    pythons: [{ path: '/usr/bin/python3', realPath: '/usr/bin/python3.11', version: '3.11.2', numpy: '1.24.2', pip: '23.0.1', wheel: true, venv: true, headers: true, sitePackages: '/usr/lib/python3/dist-packages' }],
    compilers: [{ kind: 'gcc', version: '12.2.0', path: '/usr/bin/gcc', cxxPath: '/usr/bin/g++' }],
    bazel: { kind: 'bazel', path: '/usr/local/bin/bazel', version: '6.5.0', unknownRelease: false, raw: 'bazel 6.5.0' },
    bazelisk: null,
    java: null,
    git: { path: '/usr/bin/git', version: '2.39.5' },
    containers: [],
    cuda: [{ version: '12.2', path: '/usr/local/cuda', source: 'version.json', nvcc: '/usr/local/cuda/bin/nvcc', cudart: true, cupti: true, cuptiPath: '/usr/local/cuda/extras/CUPTI/lib64' }],
    cudnn: { version: '8.9.7', major: 8, header: '/usr/include/cudnn_version.h', libDir: '/usr/lib/x86_64-linux-gnu', path: '/usr', inCudaLib64: false },
    driver: { version: '535.129.03', cudaVersion: '12.2', source: '/proc/driver/nvidia/version' },
    gpus: [{ index: 0, name: 'NVIDIA A10G', computeCapability: '8.6', ccSource: 'nvidia-smi', memoryMiB: 23028 }],
    problems: [],
    ...over,
  };
}
