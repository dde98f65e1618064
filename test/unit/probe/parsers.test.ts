import { describe, expect, it } from 'vitest';
import { readFixture } from '../../helpers/fake-gpu.js';
import { parseNvccVersion } from '../../../src/tools/nvcc.js';
import { parseCudnnHeader } from '../../../src/probe/cudnn.js';
import { parseProcDriverVersion } from '../../../src/probe/nvidia.js';
import { isUnknownFieldError, parseGpuCsv, parseSmiTable } from '../../../src/tools/nvidia-smi.js';
import { capabilityFromName } from '../../../src/probe/gpu-capabilities.js';
import { coptsFor, isaOf, normaliseFlag, parseCpuinfo } from '../../../src/probe/cpu.js';
import { packageManagerFor, parseOsRelease } from '../../../src/probe/os.js';
import { parseMeminfo } from '../../../src/probe/memory.js';
import { fsTypeAt, parseMounts } from '../../../src/probe/disk.js';
import { parseClangVersion, parseGccVersion } from '../../../src/tools/compilers.js';
import { parseBazelVersion } from '../../../src/probe/tools-version.js';
import { parseGitVersion } from '../../../src/tools/git.js';
import { parseJavaMajor, parseJavaVersion } from '../../../src/tools/java.js';
import { parseEngineVersion, daemonJsonHasNvidia } from '../../../src/tools/containers.js';
import { parseCudaVersionJson, parseCudaVersionTxt } from '../../../src/probe/cuda.js';
import { isUtf8Locale, probeLocale } from '../../../src/probe/locale.js';
import { parsePythonInfo, toPythonFacts, toPythonInfo } from '../../../src/tools/python-info.js';

describe('nvcc --version (recorded outputs, CUDA 8 → 13)', () => {
  it.each([
    ['nvcc/8.0.txt', '8.0', '8.0.44'],
    ['nvcc/10.1.txt', '10.1', '10.1.243'],
    ['nvcc/11.0.txt', '11.0', '11.0.221'],
    ['nvcc/11.1.txt', '11.1', '11.1.105'],
    ['nvcc/11.5.txt', '11.5', '11.5.119'],
    ['nvcc/12.1.txt', '12.1', '12.1.105'],
    ['nvcc/13.0-this-machine.txt', '13.0', '13.0.88'],
  ])('%s → %s', (file, version, full) => {
    expect(parseNvccVersion(readFixture(file))).toEqual({ version, full });
  });
  it('rejects output without a release line', () => {
    expect(parseNvccVersion('nvcc: command not found')).toBeNull();
  });
});

describe('cuDNN headers', () => {
  it.each([
    ['cudnn/cudnn-v6.h', '6.0.21', 6],
    ['cudnn/cudnn-v7.h', '7.1.4', 7],
    ['cudnn/cudnn_version-v8.h', '8.9.7', 8],
    ['cudnn/cudnn_version-v9.h', '9.1.0', 9],
  ])('%s → %s', (file, version, major) => {
    expect(parseCudnnHeader(readFixture(file))).toEqual({ version, major });
  });
  it("cuDNN 8+'s cudnn.h has no version defines", () => {
    expect(parseCudnnHeader(readFixture('cudnn/cudnn-v8-stub.h'))).toBeNull();
  });
});

describe('/proc/driver/nvidia/version', () => {
  it.each([
    ['driver/proc-580-closed.txt', '580.173.02'],
    ['driver/proc-565-open.txt', '565.57.01'],
    ['driver/proc-384.txt', '384.98'],
    ['driver/proc-580-open-h200.txt', '580.159.04'],
  ])('%s → %s', (file, v) => {
    expect(parseProcDriverVersion(readFixture(file))).toBe(v);
  });
  it('returns null for unrelated text', () => {
    expect(parseProcDriverVersion('hello\nworld')).toBeNull();
  });
});

describe('nvidia-smi', () => {
  it('parses the compute_cap CSV', () => {
    expect(parseGpuCsv(readFixture('nvidia-smi/query-2gpu.csv'))).toEqual([
      { index: 0, name: 'NVIDIA TITAN V', memoryMiB: 12288, computeCapability: '7.0' },
      { index: 1, name: 'NVIDIA RTX 5880 Ada Generation', memoryMiB: 49140, computeCapability: '8.9' },
    ]);
  });
  it('parses the CSV recorded on a real H200', () => {
    expect(parseGpuCsv(readFixture('nvidia-smi/query-h200.csv'))).toEqual([{ index: 0, name: 'NVIDIA H200', memoryMiB: 143771, computeCapability: '9.0' }]);
  });
  it('parses the old-driver CSV without compute_cap', () => {
    const rows = parseGpuCsv(readFixture('nvidia-smi/query-old-driver.csv'));
    expect(rows.map((r) => [r.name, r.memoryMiB, r.computeCapability])).toEqual([
      ['Tesla K80', 11441, null],
      ['Tesla K80', 11441, null],
    ]);
  });
  it('treats [N/A] memory and compute_cap as unknown', () => {
    expect(parseGpuCsv('0, NVIDIA A100-SXM4-40GB, [N/A], [N/A]\n')[0]).toEqual({ index: 0, name: 'NVIDIA A100-SXM4-40GB', memoryMiB: null, computeCapability: null });
  });
  it('throws on garbage instead of inventing GPUs', () => {
    expect(() => parseGpuCsv('Segmentation fault\n%%%')).toThrow(/unexpected nvidia-smi line/);
  });
  it('recognises the old-driver field error', () => {
    const stdout = readFixture('nvidia-smi/query-old-driver-error.txt');
    expect(isUnknownFieldError({ ok: false, exitCode: 2, stdout, stderr: '', timedOut: false, problem: 'x' })).toBe(true);
  });
  it.each([
    ['nvidia-smi/table-470.txt', '470.256.02', '11.4'],
    ['nvidia-smi/table-580.txt', '580.126.09', '13.0'],
    ['nvidia-smi/table-580-h200.txt', '580.159.04', '13.0'],
  ])('table %s → driver %s, CUDA %s', (file, driver, cudaVersion) => {
    expect(parseSmiTable(readFixture(file))).toEqual({ driver, cudaVersion });
  });
  it('name table gives capabilities for drivers that cannot', () => {
    expect(capabilityFromName('Tesla K80')).toBe('3.7');
    expect(capabilityFromName('NVIDIA A10G')).toBe('8.6');
    expect(capabilityFromName('NVIDIA A100-SXM4-40GB')).toBe('8.0');
    expect(capabilityFromName('Tesla T4')).toBe('7.5');
    expect(capabilityFromName('GeForce GTX 1080 Ti')).toBe('6.1');
    expect(capabilityFromName('NVIDIA H100 80GB HBM3')).toBe('9.0');
    expect(capabilityFromName('Matrox G200')).toBeNull();
  });
});

describe('/proc/cpuinfo', () => {
  it('this machine (AMD EPYC, AVX-512) → every TF flag up to avx512_vnni', () => {
    const p = parseCpuinfo(readFixture('cpuinfo/amd-epyc-avx512-this-machine.txt'));
    expect(p.model).toBe('AMD EPYC');
    expect(p.processors).toBe(2);
    expect(isaOf(p.flags)).toEqual(['sse4_1', 'sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl', 'avx512_vnni']);
  });
  it('Coffee Lake i7-8700: AVX2 and FMA, no AVX-512', () => {
    const p = parseCpuinfo(readFixture('cpuinfo/intel-i7-8700-avx2.txt'));
    expect(p.processors).toBe(12);
    const isa = isaOf(p.flags);
    expect(isa).toEqual(['sse4_1', 'sse4_2', 'avx', 'avx2', 'fma']);
    expect(coptsFor(isa)).toEqual(['-msse4.1', '-msse4.2', '-mavx', '-mavx2', '-mfma']);
  });
  it('Sandy Bridge Xeon E5-2670: AVX but no AVX2/FMA', () => {
    const isa = isaOf(parseCpuinfo(readFixture('cpuinfo/intel-xeon-e5-2670-avx.txt')).flags);
    expect(isa).toEqual(['sse4_1', 'sse4_2', 'avx']);
    expect(coptsFor(isa)).toEqual(['-msse4.1', '-msse4.2', '-mavx']);
  });
  it('arm64 (Features line): no x86 copts', () => {
    const p = parseCpuinfo(readFixture('cpuinfo/arm64-neoverse-n1.txt'));
    expect(p.processors).toBe(4);
    expect(p.flags).toContain('asimd');
    expect(isaOf(p.flags)).toEqual([]);
  });
  it('normalises other spellings to cpuinfo names', () => {
    expect(['SSE4.2', 'sse4.1', 'AVX512VNNI', 'fma3'].map(normaliseFlag)).toEqual(['sse4_2', 'sse4_1', 'avx512_vnni', 'fma']);
  });
});

describe('os-release, meminfo, mounts, locale', () => {
  it('Debian 12 (this image) → apt', () => {
    const d = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n');
    expect(d).toEqual({ id: 'debian', versionId: '12', name: 'Debian GNU/Linux 12 (bookworm)', like: [] });
    expect(packageManagerFor(d)).toBe('apt');
  });
  it('family through ID_LIKE, yum on EL7', () => {
    expect(packageManagerFor({ id: 'rocky', versionId: '9.3', name: 'Rocky', like: ['rhel', 'centos', 'fedora'] })).toBe('dnf');
    expect(packageManagerFor({ id: 'centos', versionId: '7', name: 'CentOS 7', like: ['rhel', 'fedora'] })).toBe('yum');
    expect(packageManagerFor({ id: 'pop', versionId: '22.04', name: 'Pop', like: ['ubuntu', 'debian'] })).toBe('apt');
    expect(packageManagerFor({ id: 'manjaro', versionId: '', name: 'Manjaro', like: ['arch'] })).toBe('pacman');
    expect(packageManagerFor({ id: 'opensuse-leap', versionId: '15.5', name: 'Leap', like: ['suse', 'opensuse'] })).toBe('zypper');
    expect(packageManagerFor({ id: 'nixos', versionId: '', name: 'NixOS', like: [] })).toBeNull();
  });
  it('meminfo with and without MemAvailable', () => {
    expect(parseMeminfo('MemTotal:       24685536 kB\nMemFree:         1000000 kB\nMemAvailable:   24201216 kB\n')).toEqual({ totalMiB: 24107, availableMiB: 23634 });
    expect(parseMeminfo('MemTotal: 2048000 kB\nMemFree: 1024 kB\nBuffers: 1024 kB\nCached: 2048 kB\n')).toEqual({ totalMiB: 2000, availableMiB: 4 });
  });
  it('longest mount prefix wins; escaped spaces decoded', () => {
    const m = parseMounts('/dev/vda / ext4 rw 0 0\ntmpfs /tmp tmpfs rw 0 0\nserver:/x /mnt/my\\040nfs nfs4 rw 0 0\noverlay /var/lib/c overlay rw 0 0\n');
    expect(fsTypeAt(m, '/work/main')).toBe('ext4');
    expect(fsTypeAt(m, '/tmp/build')).toBe('tmpfs');
    expect(fsTypeAt(m, '/mnt/my nfs/tf')).toBe('nfs4');
    expect(fsTypeAt(m, '/tmpfoo')).toBe('ext4');
  });
  it('UTF-8 detection and LC_ALL precedence', () => {
    expect(isUtf8Locale('en_US.UTF-8')).toBe(true);
    expect(isUtf8Locale('C.utf8')).toBe(true);
    expect(isUtf8Locale('en_US.ISO-8859-1')).toBe(false);
    expect(probeLocale({ LANG: 'C.UTF-8', LC_ALL: 'POSIX' }).utf8).toBe(false);
    expect(probeLocale({}).utf8).toBe(false);
  });
});

describe('tool version lines', () => {
  it('gcc -dumpfullversion -dumpversion and clang --version', () => {
    expect(parseGccVersion('12.2.0\n')).toBe('12.2.0');
    expect(parseGccVersion('5\n')).toBe('5');
    expect(parseGccVersion('gcc: fatal error: no input files')).toBeNull();
    expect(parseClangVersion('Debian clang version 14.0.6\nTarget: x86_64-pc-linux-gnu\n')).toBe('14.0.6');
    expect(parseClangVersion('Ubuntu clang version 18.1.3 (1ubuntu1)\n')).toBe('18.1.3');
  });
  it("bazel --version, including Debian's no_version", () => {
    expect(parseBazelVersion('bazel no_version\n')).toEqual({ version: null, unknownRelease: true });
    expect(parseBazelVersion('bazel 6.4.0\n')).toEqual({ version: '6.4.0', unknownRelease: false });
    expect(parseBazelVersion('bazel 0.5.4- (@non-git)\n')).toEqual({ version: '0.5.4', unknownRelease: false });
    expect(parseBazelVersion('Extracting Bazel installation...')).toBeNull();
  });
  it('git, java, docker, podman', () => {
    expect(parseGitVersion('git version 2.39.5\n')).toBe('2.39.5');
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15\n')).toBe('17.0.15');
    expect(parseJavaMajor('1.8.0_292')).toBe(8);
    expect(parseJavaMajor('17.0.15')).toBe(17);
    expect(parseJavaMajor('21')).toBe(21);
    expect(parseEngineVersion('Docker version 28.2.2, build e6534b4')).toBe('28.2.2');
    expect(parseEngineVersion('podman version 4.3.1')).toBe('4.3.1');
    expect(daemonJsonHasNvidia('{"runtimes":{"nvidia":{"path":"nvidia-container-runtime","runtimeArgs":[]}}}')).toBe(true);
    expect(daemonJsonHasNvidia('{"log-driver":"json-file"}')).toBe(false);
    expect(daemonJsonHasNvidia('not json')).toBe(false);
  });
  it('CUDA version.json and version.txt', () => {
    expect(parseCudaVersionJson('{"cuda":{"name":"CUDA SDK","version":"11.8.20220929"}}')).toBe('11.8');
    expect(parseCudaVersionJson('{')).toBeNull();
    expect(parseCudaVersionTxt('CUDA Version 10.1.243\n')).toBe('10.1');
  });
  it("the python info script's JSON line, as probe facts and as install info", () => {
    const line = '{"version": "3.11.2", "executable": "/usr/bin/python3.11", "numpy": null, "hasPip": true, "pip": "23.0.1", "wheel": true, "venv": true, "isVenv": false, "headers": true, "sitePackages": "/usr/local/lib/python3.11/dist-packages", "purelib": "/usr/local/lib/python3.11/dist-packages", "externallyManaged": true}';
    const i = parsePythonInfo('some warning on stdout\n' + line)!;
    expect(toPythonFacts(i, '/usr/bin/python3', '/usr/bin/python3.11')).toEqual({
      path: '/usr/bin/python3', realPath: '/usr/bin/python3.11', version: '3.11.2', numpy: null, pip: '23.0.1', wheel: true, venv: true, headers: true,
      sitePackages: '/usr/local/lib/python3.11/dist-packages', packages: {}, isVenv: false,
    });
    // Installed distributions (normalized names): what recipes' python.buildPackages are judged by.
    const withPkgs = parsePythonInfo(line.replace('}', ', "packages": {"numpy": "1.24.2", "keras-preprocessing": "1.1.2", "bad": 3}}'))!;
    expect(toPythonFacts(withPkgs, '/x', '/x').packages).toEqual({ numpy: '1.24.2', 'keras-preprocessing': '1.1.2' });
    expect(toPythonInfo(i, 'python3')).toMatchObject({ python: 'python3', major: 3, minor: 11, abiTag: 'cp311', hasPip: true, pipVersion: '23.0.1', hasVenv: true, isVenv: false, externallyManaged: true });
    // pip that imports but has no metadata: there, version unknown (doctor keeps null, install says 'unknown').
    const noMeta = parsePythonInfo(line.replace('"pip": "23.0.1"', '"pip": null'))!;
    expect(toPythonFacts(noMeta, '/x', '/x').pip).toBeNull();
    expect(toPythonInfo(noMeta, '/x')).toMatchObject({ hasPip: true, pipVersion: 'unknown' });
    // The old probe line (no hasPip/purelib): pip's version implies pip; sitePackages stands in for purelib.
    const old = parsePythonInfo('{"version": "2.7.18", "executable": "/usr/bin/python2.7", "numpy": null, "pip": "20.3.4", "wheel": false, "venv": false, "headers": false, "sitePackages": "/usr/lib/python2.7/site-packages"}')!;
    expect(toPythonInfo(old, 'python2')).toMatchObject({ hasPip: true, abiTag: 'cp27', sitePackages: '/usr/lib/python2.7/site-packages' });
    expect(parsePythonInfo('{"version": "x"}')).toBeNull();
    expect(parsePythonInfo('Traceback (most recent call last):')).toBeNull();
  });
});
