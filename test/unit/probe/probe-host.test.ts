/**
 * The real probe on this machine (CI runs the same Debian 12 image: shared/ENVIRONMENT.md), then the same probe
 * against fakes for what cannot exist here (GPU, driver, cuDNN) and against bad input.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { addContainerFacts, buildProbeSkips, probeHost } from '../../../src/probe/index.js';
import type { HostFacts } from '../../../src/probe/types.js';
import { makeFakeGpuHost, PROBE_FIXTURES, type FakeGpuHost } from '../../helpers/fake-gpu.js';
import { makeTempDir } from '../../helpers/tmp.js';

// Many test files run at once on 2 cores: room for each family, except in the test about timeouts.
const ROOMY = 15_000;
let real: HostFacts | undefined;
async function realFacts(): Promise<HostFacts> {
  real ??= await probeHost({ env: { ...process.env, TFBUILD_PROC_DRIVER: '/nonexistent/proc-driver' }, timeoutMs: ROOMY });
  return real;
}

describe('probeHost on this machine', () => {
  it('finds CUDA 13.0 at /usr/local/cuda with cudart and cupti', async () => {
    const f = await realFacts();
    const cuda = f.cuda.find((c) => c.path === '/usr/local/cuda');
    expect(cuda).toMatchObject({ version: '13.0', cudart: true, cupti: true, nvcc: '/usr/local/cuda/bin/nvcc' });
    // /usr/local/cuda-13.0 is the same toolkit (symlink target): reported once.
    expect(f.cuda.filter((c) => c.version === '13.0')).toHaveLength(1);
  });

  it('finds gcc 12 and gcc-11, each once', async () => {
    const f = await realFacts();
    const gcc = f.compilers.filter((c) => c.kind === 'gcc');
    expect(gcc.map((c) => c.version.split('.')[0]).sort()).toEqual(['11', '12']);
    expect(gcc.find((c) => c.version.startsWith('12.'))?.cxxPath).toMatch(/g\+\+/);
  });

  it('finds python 3.11 interpreters, de-duplicated by real path, with what each has', async () => {
    const f = await realFacts();
    expect(f.pythons.length).toBeGreaterThan(0);
    expect(new Set(f.pythons.map((p) => p.realPath)).size).toBe(f.pythons.length);
    const system = f.pythons.find((p) => p.realPath === '/usr/bin/python3.11');
    expect(system).toMatchObject({ wheel: true, headers: true });
    expect(system?.version).toMatch(/^3\.11\./);
  });

  it('finds no cuDNN, no driver and no GPU', async () => {
    const f = await realFacts();
    expect(f.cudnn).toBeNull();
    expect(f.driver).toBeNull();
    expect(f.gpus).toEqual([]);
  });

  it("reads Debian's bazel without starting a server, and git, java, OS, CPU, disk", async () => {
    const f = await realFacts();
    expect(f.bazel).toMatchObject({ kind: 'bazel', path: '/usr/bin/bazel', unknownRelease: true, version: null });
    expect(f.git?.version).toMatch(/^2\.\d+/);
    expect(f.java?.major).toBeGreaterThanOrEqual(8);
    expect(f.os).toMatchObject({ platform: 'linux', packageManager: 'apt', distro: { id: 'debian', versionId: '12' } });
    expect(f.cpu.source).toBe('/proc/cpuinfo');
    expect(f.cpu.cores).toBeGreaterThan(0);
    expect(f.cpu.isa.every((x) => f.cpu.flags.includes(x))).toBe(true);
    expect(f.memory.totalMiB).toBeGreaterThan(0);
    expect(f.disk?.freeGiB).toBeGreaterThan(0);
    expect(f.problems).toEqual([]);
  });

  it('sees the docker client without a daemon, and podman', async () => {
    const f = await realFacts();
    const docker = f.containers.find((c) => c.name === 'docker');
    expect(docker).toMatchObject({ works: false, problem: expect.stringContaining('no docker daemon socket') });
    expect(docker?.version).toMatch(/^\d+\.\d+/);
    expect(f.containers.find((c) => c.name === 'podman')).toMatchObject({ works: true, version: expect.stringMatching(/^4\./) });
  });
});

describe('probeHost with fakes and bad input', () => {
  let fake: FakeGpuHost | undefined;
  afterEach(() => {
    fake?.cleanup();
    fake = undefined;
  });

  it('reads a fake GPU host: nvidia-smi on PATH, driver file, toolkit and cuDNN trees', async () => {
    fake = makeFakeGpuHost({ cuda: { version: '13.0', nvcc: 'nvcc/13.0-this-machine.txt' }, cudnn: { header: 'cudnn/cudnn_version-v9.h', libMajor: 9 } });
    const f = await probeHost({ env: fake.env, cudaPath: fake.cudaPath!, cudnnPath: fake.cudnnPath!, timeoutMs: ROOMY });
    expect(f.cuda[0]).toMatchObject({ path: fake.cudaPath, version: '13.0', source: 'version.json', cupti: true });
    expect(f.cudnn).toMatchObject({ version: '9.1.0', major: 9, path: fake.cudnnPath, libDir: join(fake.cudnnPath!, 'lib64'), inCudaLib64: false });
    expect(f.driver).toEqual({ version: '580.173.02', cudaVersion: '13.0', source: '/proc/driver/nvidia/version' });
    expect(f.gpus).toEqual([
      { index: 0, name: 'NVIDIA TITAN V', computeCapability: '7.0', ccSource: 'nvidia-smi', memoryMiB: 12288 },
      { index: 1, name: 'NVIDIA RTX 5880 Ada Generation', computeCapability: '8.9', ccSource: 'nvidia-smi', memoryMiB: 49140 },
    ]);
    expect(f.problems).toEqual([]);
  });

  it('skip: a CPU build probes no GPU stack and no container engine, and says so; containers can be added later', async () => {
    fake = makeFakeGpuHost({ cuda: { version: '13.0', nvcc: 'nvcc/13.0-this-machine.txt' }, cudnn: { header: 'cudnn/cudnn_version-v9.h', libMajor: 9 } });
    const marker = join(fake.binDir, 'smi-ran');
    const smi = join(fake.binDir, 'nvidia-smi');
    writeFileSync(smi, `#!/bin/sh\ntouch "${marker}"\n` + readFileSync(smi, 'utf8').replace(/^#!.*\n/, ''), { mode: 0o755 });
    const f = await probeHost({ env: fake.env, cudaPath: fake.cudaPath!, cudnnPath: fake.cudnnPath!, timeoutMs: ROOMY, skip: buildProbeSkips(false) });
    expect(f.skipped).toEqual(['containers', 'gpu']);
    expect(f).toMatchObject({ cuda: [], cudnn: null, driver: null, gpus: [], containers: [] });
    expect(existsSync(marker)).toBe(false);
    expect(f.pythons.length).toBeGreaterThan(0);
    const withEngines = await addContainerFacts(f, { env: fake.env, timeoutMs: ROOMY });
    expect(withEngines.skipped).toEqual(['gpu']);
    expect(withEngines.containers.map((c) => c.name)).toContain('podman');
    // --gpu builds probe the GPU stack (the fake nvidia-smi ran).
    const g = await probeHost({ env: fake.env, cudaPath: fake.cudaPath!, cudnnPath: fake.cudnnPath!, timeoutMs: ROOMY, skip: buildProbeSkips(true) });
    expect(g.skipped).toEqual(['containers']);
    expect(g.gpus).toHaveLength(2);
    expect(existsSync(marker)).toBe(true);
    // doctor skips nothing, and says nothing about it.
    expect('skipped' in (await probeHost({ env: fake.env, timeoutMs: ROOMY }))).toBe(false);
  });

  it('falls back to the name table when an old driver rejects compute_cap; driver from nvidia-smi when /proc has none', async () => {
    fake = makeFakeGpuHost({ smi: 'old-driver', procDriver: null, cuda: { version: '8.0', versionFile: 'txt', cupti: 'extras' }, cudnn: { header: 'cudnn/cudnn-v6.h', libMajor: 6, inCudaLib64: true } });
    const f = await probeHost({ env: fake.env, cudaPath: fake.cudaPath!, cudnnPath: fake.cudnnPath!, timeoutMs: ROOMY });
    expect(f.driver).toEqual({ version: '470.256.02', cudaVersion: '11.4', source: 'nvidia-smi' });
    expect(f.gpus.map((g) => [g.name, g.computeCapability, g.ccSource])).toEqual([
      ['Tesla K80', '3.7', 'name-table'],
      ['Tesla K80', '3.7', 'name-table'],
    ]);
    expect(f.cuda[0]).toMatchObject({ version: '8.0', source: 'version.txt', cuptiPath: join(fake.cudaPath!, 'extras', 'CUPTI', 'lib64') });
    expect(f.cudnn).toMatchObject({ version: '6.0.21', header: join(fake.cudnnPath!, 'include', 'cudnn.h'), inCudaLib64: true });
  });

  it('a hanging nvidia-smi becomes a problem within the family timeout, never a hang', async () => {
    fake = makeFakeGpuHost({ smi: 'hang' });
    const t0 = Date.now();
    const f = await probeHost({ env: fake.env, timeoutMs: 2000 });
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(5000);
    expect(f.problems).toContainEqual({ probe: 'nvidia-smi', message: `${fake.binDir}/nvidia-smi did not answer within 1000 ms and was stopped` });
    expect(f.gpus).toEqual([]);
    // nvidia-smi is stopped before the family deadline, so the driver read from /proc survives, and other families are unaffected.
    expect(f.driver?.version).toBe('580.173.02');
    expect(f.cuda.some((c) => c.path === '/usr/local/cuda')).toBe(true);
  });

  it('garbage from nvidia-smi is a clear finding, not GPUs', async () => {
    fake = makeFakeGpuHost({ smi: 'garbage' });
    const f = await probeHost({ timeoutMs: ROOMY, env: fake.env });
    expect(f.gpus).toEqual([]);
    const msgs = f.problems.map((p) => p.message).join('\n');
    expect(msgs).toMatch(/unexpected nvidia-smi line|no "Driver Version"/);
    expect(f.driver?.version).toBe('580.173.02');
  });

  it('nvidia-smi without a driver (exit 9) is reported with its own words', async () => {
    fake = makeFakeGpuHost({ smi: 'no-driver', procDriver: null });
    const f = await probeHost({ timeoutMs: ROOMY, env: fake.env });
    expect(f.driver).toBeNull();
    expect(f.problems.map((p) => p.message).join('\n')).toMatch(/exited with code 9: NVIDIA-SMI has failed/);
  });

  it('a virtualenv on PATH is its own interpreter (own packages), listed once, run through its own bin/python', async () => {
    const dir = makeTempDir('tfbuild-venv-');
    try {
      execFileSync('/usr/bin/python3', ['-m', 'venv', '--without-pip', join(dir, 'venv')]);
      const f = await probeHost({ timeoutMs: ROOMY, env: { ...process.env, PATH: `${join(dir, 'venv', 'bin')}:${process.env.PATH ?? ''}` } });
      const inVenv = f.pythons.filter((p) => p.path.startsWith(dir));
      expect(inVenv).toHaveLength(1);
      expect(inVenv[0]).toMatchObject({ realPath: join(dir, 'venv', 'bin', 'python3'), pip: null, sitePackages: expect.stringContaining(join(dir, 'venv')) });
      expect(f.pythons.find((p) => p.realPath === '/usr/bin/python3.11')?.pip).not.toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("podman-docker's `docker` script is reported once, as podman", async () => {
    const dir = makeTempDir('tfbuild-podman-docker-');
    try {
      // What Debian's podman-docker installs as /usr/bin/docker.
      writeFileSync(join(dir, 'docker'), '#!/bin/sh\n[ -e /etc/containers/nodocker ] || echo "Emulate Docker CLI using podman." >&2\nexec /usr/bin/podman "$@"\n', { mode: 0o755 });
      const f = await probeHost({ timeoutMs: ROOMY, env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` } });
      expect(f.containers.map((c) => c.name)).toEqual(['podman']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a docker daemon answering on DOCKER_HOST with an nvidia runtime: works, nvidia.runtime', async () => {
    const dir = makeTempDir('tfbuild-docker-');
    const sock = join(dir, 'docker.sock');
    // The Engine API's GET /info, trimmed to the fields read (https://docs.docker.com/reference/api/engine/).
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/info' ? JSON.stringify({ ServerVersion: '28.2.2', Runtimes: { runc: { path: 'runc' }, nvidia: { path: 'nvidia-container-runtime' } } }) : '{}');
    });
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const f = await probeHost({ timeoutMs: ROOMY, env: { ...process.env, DOCKER_HOST: `unix://${sock}` } });
      expect(f.containers.find((c) => c.name === 'docker')).toMatchObject({ works: true, nvidia: { runtime: true }, problem: null });
    } finally {
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a tmpfs work dir is measured and flagged as risky', async () => {
    const f = await probeHost({ timeoutMs: ROOMY, workdir: '/dev/shm/tfbuild-not-created-yet' });
    expect(f.disk).toMatchObject({ path: '/dev/shm/tfbuild-not-created-yet', measured: '/dev/shm', fsType: 'tmpfs', risky: true });
  });

  it('--cuda-path and --cudnn-path to nowhere are findings', async () => {
    const f = await probeHost({ timeoutMs: ROOMY, cudaPath: '/nowhere/cuda', cudnnPath: '/nowhere/cudnn', env: { ...process.env, TFBUILD_PROC_DRIVER: '/nonexistent' } });
    expect(f.problems).toEqual(expect.arrayContaining([
      { probe: 'cuda-path', message: '--cuda-path /nowhere/cuda does not exist' },
      { probe: 'cudnn-path', message: '--cudnn-path /nowhere/cudnn does not exist' },
    ]));
    expect(f.cuda.some((c) => c.path === '/usr/local/cuda')).toBe(true);
  });

  it('--cuda-path to a directory without a toolkit is a finding', async () => {
    const dir = makeTempDir('tfbuild-notcuda-');
    try {
      const f = await probeHost({ timeoutMs: ROOMY, cudaPath: dir });
      expect(f.problems).toContainEqual({ probe: 'cuda-path', message: `--cuda-path ${dir} holds no CUDA toolkit (no version.json, version.txt or bin/nvcc)` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('TFBUILD_CPUINFO reproduces another host; an unreadable one is a finding', async () => {
    const other = await probeHost({ timeoutMs: ROOMY, env: { ...process.env, TFBUILD_CPUINFO: join(PROBE_FIXTURES, 'cpuinfo/intel-xeon-e5-2670-avx.txt') } });
    expect(other.cpu).toMatchObject({ model: 'Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz', cores: 4, isa: ['sse4_1', 'sse4_2', 'avx'], copts: ['-msse4.1', '-msse4.2', '-mavx'] });
    const bad = await probeHost({ timeoutMs: ROOMY, env: { ...process.env, TFBUILD_CPUINFO: '/nonexistent/cpuinfo' } });
    expect(bad.problems).toContainEqual({ probe: 'cpu', message: 'cannot read /nonexistent/cpuinfo (ENOENT): check TFBUILD_CPUINFO' });
    expect(bad.cpu.isa).toEqual([]);
    const dir = makeTempDir('tfbuild-cpuinfo-');
    try {
      writeFileSync(join(dir, 'cpuinfo'), 'this is not cpuinfo\n');
      const junk = await probeHost({ timeoutMs: ROOMY, env: { ...process.env, TFBUILD_CPUINFO: join(dir, 'cpuinfo') } });
      expect(junk.problems.find((p) => p.probe === 'cpu')?.message).toMatch(/does not look like \/proc\/cpuinfo/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
