/**
 * `tfbuild doctor` through the compiled CLI (node bin/tfbuild.js), on this machine and on fake GPU hosts.
 * What this image really has: shared/ENVIRONMENT.md (CUDA 13.0 + cupti, gcc 12 + 11, python 3.11; no cuDNN/driver/GPU).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/commands/doctor.js';
import { formatChecksPlain, formatChecksTable } from '../../src/checks/format.js';
import { makeFakeGpuHost, type FakeGpuHost } from '../helpers/fake-gpu.js';
import { makeTempDir } from '../helpers/tmp.js';

const bin = new URL('../../bin/tfbuild.js', import.meta.url).pathname;
// No /proc/driver/nvidia here anyway; pointing elsewhere keeps a dev box with a GPU from changing the answers.
const noDriver = { TFBUILD_PROC_DRIVER: '/nonexistent/nvidia-version' };
// The suite runs many files at once on 2 cores: give each probe family room, except where a timeout is the point.
const roomy = { TFBUILD_PROBE_TIMEOUT_MS: '15000' };

function doctor(args: string[], env: NodeJS.ProcessEnv = { ...process.env, ...noDriver }) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [bin, 'doctor', ...args], { env: { TFBUILD_PROBE_TIMEOUT_MS: roomy.TFBUILD_PROBE_TIMEOUT_MS, ...env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}
function json(args: string[], env?: NodeJS.ProcessEnv): { code: number | null; report: DoctorReport; ms: number } {
  const r = doctor(['--json', ...args], env);
  return { code: r.code, report: JSON.parse(r.stdout) as DoctorReport, ms: r.ms };
}
const check = (rep: DoctorReport, id: string) => rep.checks.find((c) => c.id === id);

describe('tfbuild doctor on this machine', () => {
  it('--json: one object with the documented fields; exit 0 exactly when nothing fails', () => {
    const { code, report } = json([]);
    expect(report.schemaVersion).toBe(1);
    expect(Array.isArray(report.host.cpu.flags)).toBe(true);
    expect(report.host.cuda).toContainEqual(expect.objectContaining({ version: '13.0', path: '/usr/local/cuda' }));
    expect(report.host.cudnn).toBeNull();
    expect(report.host.driver).toBeNull();
    expect(report.host.gpus).toEqual([]);
    expect(report.host.compilers).toContainEqual(expect.objectContaining({ kind: 'gcc', version: expect.stringMatching(/^12\./), path: expect.any(String) }));
    expect(report.host.pythons.some((p) => p.version.startsWith('3.11.'))).toBe(true);
    expect(report.host.bazel).toMatchObject({ unknownRelease: true });
    for (const c of report.checks) {
      expect(Object.keys(c).sort()).toEqual(['fix', 'id', 'message', 'status']);
      expect(['pass', 'warn', 'fail']).toContain(c.status);
    }
    expect(report.checks.some((c) => c.id.startsWith('gpu.'))).toBe(false);
    expect(code).toBe(report.checks.some((c) => c.status === 'fail') ? 3 : 0);
  });

  it('--gpu: finds the toolkit and cupti, fails on cuDNN, driver and GPU with exact fixes, exits 3', () => {
    const { code, report } = json(['--gpu']);
    expect(code).toBe(3);
    expect(check(report, 'gpu.cuda')).toMatchObject({ status: 'pass', message: expect.stringContaining('CUDA 13.0 at /usr/local/cuda') });
    expect(check(report, 'gpu.cupti')?.status).toBe('pass');
    expect(check(report, 'gpu.cudnn')).toMatchObject({ status: 'fail', fix: expect.stringContaining('apt-get install -y cudnn9-cuda-13') });
    expect(check(report, 'gpu.driver')).toMatchObject({ status: 'fail', fix: expect.stringContaining('580.65.06') });
    expect(check(report, 'gpu.devices')?.status).toBe('fail');
    expect(check(report, 'gpu.capability')?.status).toBe('warn');
    // podman works here (no docker daemon): the container route is reported, and GPU passthrough is not configured.
    expect(check(report, 'containers')).toMatchObject({ status: 'pass', message: expect.stringContaining('podman') });
    expect(check(report, 'containers.gpu')).toMatchObject({ status: 'warn', fix: expect.stringContaining('nvidia-ctk cdi generate') });
  });

  it('text output when not a TTY: plain STATUS lines, fixes, summary, no colour codes', () => {
    const r = doctor(['--gpu']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^Host: Debian GNU\/Linux 12/m);
    expect(r.stdout).toMatch(/^FAIL gpu\.cudnn: no cuDNN found/m);
    expect(r.stdout).toMatch(/^ {5}fix: .*cudnn9-cuda-13/m);
    expect(r.stdout).toMatch(/^PASS gpu\.cupti: libcupti in \/usr\/local\/cuda/m);
    expect(r.stdout).toMatch(/^\d+ failed, \d+ warnings, \d+ passed$/m);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('an unknown flag is a usage error (exit 2) naming it', () => {
    const r = doctor(['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('--cuda-path to nowhere is a failing finding (exit 3), not a crash', () => {
    const { code, report } = json(['--cuda-path', '/nowhere/cuda']);
    expect(code).toBe(3);
    expect(check(report, 'cuda-path')).toMatchObject({ status: 'fail', message: '--cuda-path /nowhere/cuda does not exist' });
  });

  it('an unreadable TFBUILD_CPUINFO is a finding', () => {
    const { report } = json([], { ...process.env, ...noDriver, TFBUILD_CPUINFO: '/nonexistent/cpuinfo' });
    expect(check(report, 'probe.cpu')).toMatchObject({ status: 'warn', message: expect.stringContaining('TFBUILD_CPUINFO') });
  });

  it('doctor VERSION adds the recipe checks, recipe and verdict; an unknown version is a config error (4)', () => {
    const { report } = json(['r2.12']);
    expect(report.recipe).toMatchObject({ line: 'r2.12' });
    expect(report.verdict).toMatchObject({ kind: expect.any(String), nextCommand: expect.stringContaining('r2.12') });
    expect(report.checks.some((c) => c.id.startsWith('recipe.'))).toBe(true);
    const text = doctor(['r2.12']);
    expect(text.stdout).toMatch(/^Verdict for r2\.12/m);
    expect(text.stdout).toMatch(/^Next: tfbuild /m);
    const bad = doctor(['r9.9']);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain('No recipe for TensorFlow r9.9');
  });
});

describe('doctor VERSION goes through prepare()', () => {
  it('its verdict is the one plan makes from the same facts, and a plan that cannot be made is a line, not a failure', async () => {
    // r1.4 on this Debian 12 host: the container verdict, and plan/build refuse without --yes.
    const { report } = json(['r1.4']);
    expect(report.verdict?.kind).toBe('container');
    const facts = join(makeTempDir('tfb-doctor-facts-'), 'host.json');
    writeFileSync(facts, JSON.stringify(report.host));
    const { prepare } = await import('../../src/commands/prepare.js');
    let planned: unknown = null;
    const e = await prepare({ version: 'r1.4', flags: { hostFacts: facts }, mode: 'plan', print: () => undefined, env: { ...process.env, CI: '1' }, onVerdict: (v) => { planned = v; } })
      .catch((x: unknown) => x);
    expect(planned).toEqual(report.verdict);
    expect((e as Error).message).toContain('A native build of r1.4 is not practical on this host.');
    const text = doctor(['r1.4']);
    expect(text.stdout).toMatch(/^Verdict for r1\.4 \(v1\.4\.1\): container/m);
    expect(text.stdout).toContain('Plan: not made here: A native build of r1.4 is not practical on this host.');
    // The exit code is the checks' (3: a recipe check fails here), never an error of the plan.
    expect(text.code).toBe(3);
    expect(text.stderr).toBe('');
  });

  it('a version whose plan needs consent here: doctor names what the run would download and install first, as plan does', () => {
    // r2.12 on this host: bazel 4.2.3 is outside its range, and pyenv's python 3.11 lacks wheel (and numpy < 2).
    const text = doctor(['2.12']);
    expect(text.stdout).toMatch(/^Plan: not made here: r2\.12 needs bazel >=5\.1\.1 <=5\.99\.0; this host has bazel 4\.2\.3 at \S+: it would first download bazel 5\.3\.0 \(sha256-verified\) into tfbuild's cache; \S+ lacks numpy<2, wheel: the build would first install them into a build venv of tfbuild's own with:$/m);
    expect(text.stdout).toMatch(/^ {2}\S+ -m venv --system-site-packages \S+\/build-python$/m);
    expect(text.stdout).toMatch(/^ {2}\S+\/build-python\/bin\/python -m pip install .*'numpy<2' wheel$/m);
    expect(text.stdout).toMatch(/^ {2}With tfbuild build 2\.12 \(or plan\): Pass --yes to let tfbuild do both/m);
  });
});

describe('tfbuild doctor --gpu on fake GPU hosts', () => {
  let fake: FakeGpuHost | undefined;
  afterEach(() => {
    fake?.cleanup();
    fake = undefined;
  });

  it('toolkit + matching cuDNN + new driver + GPUs: every GPU check passes', () => {
    fake = makeFakeGpuHost({ cuda: { version: '13.0', nvcc: 'nvcc/13.0-this-machine.txt' }, cudnn: { header: 'cudnn/cudnn_version-v9.h', libMajor: 9 } });
    const { report } = json(['--gpu', '--cuda-path', fake.cudaPath!, '--cudnn-path', fake.cudnnPath!], fake.env);
    const gpuChecks = report.checks.filter((c) => c.id.startsWith('gpu.'));
    expect(gpuChecks.map((c) => [c.id, c.status])).toEqual([
      ['gpu.cuda', 'pass'], ['gpu.cudnn', 'pass'], ['gpu.cupti', 'pass'], ['gpu.driver', 'pass'], ['gpu.devices', 'pass'], ['gpu.capability', 'pass'],
    ]);
    expect(check(report, 'gpu.cuda')?.message).toContain(fake.cudaPath!);
    expect(report.host.gpus.map((g) => g.computeCapability)).toEqual(['7.0', '8.9']);
  });

  it('an old driver for the toolkit, and a cuDNN of the wrong era, fail with the reason', () => {
    fake = makeFakeGpuHost({ smi: 'old-driver', procDriver: null, cuda: { version: '12.2' }, cudnn: { header: 'cudnn/cudnn-v7.h', libMajor: 7 } });
    const { code, report } = json(['--gpu', '--cuda-path', fake.cudaPath!, '--cudnn-path', fake.cudnnPath!], fake.env);
    expect(code).toBe(3);
    expect(check(report, 'gpu.driver')).toMatchObject({ status: 'fail', message: expect.stringContaining('470.256.02 (supports CUDA ≤ 11.4) is too old for CUDA 12.2') });
    expect(check(report, 'gpu.cudnn')).toMatchObject({ status: 'fail', message: expect.stringContaining('cuDNN 7.1.4') });
    expect(check(report, 'gpu.capability')).toMatchObject({ status: 'pass', message: expect.stringContaining('Tesla K80: 3.7 (from name table') });
  });

  it('a hanging nvidia-smi: doctor still answers, with the hang as a finding', () => {
    fake = makeFakeGpuHost({ smi: 'hang' });
    const { report, ms } = json(['--gpu'], { ...fake.env, TFBUILD_PROBE_TIMEOUT_MS: '3000' });
    // 3 s family limit (the default); the rest is node start-up and the other probes on a loaded 2-core machine.
    expect(ms).toBeLessThan(12_000);
    expect(report.checks.filter((c) => c.id.startsWith('probe.nvidia')).map((c) => c.message).join('\n')).toMatch(/did not (answer|finish) within \d+ ms/);
    expect(report.host.gpus).toEqual([]);
  });

  it('garbage from nvidia-smi: a finding, and no invented GPUs', () => {
    fake = makeFakeGpuHost({ smi: 'garbage' });
    const { report } = json(['--gpu'], fake.env);
    expect(report.host.gpus).toEqual([]);
    expect(report.checks.some((c) => c.id.startsWith('probe.') && /nvidia-smi/.test(c.message))).toBe(true);
    expect(check(report, 'gpu.devices')?.status).toBe('fail');
  });
});

describe('rendering', () => {
  const results = [
    { id: 'git', status: 'pass' as const, message: 'git 2.39.5 at /usr/bin/git', fix: null },
    { id: 'gpu.cudnn', status: 'fail' as const, message: 'no cuDNN found', fix: 'sudo apt-get install -y cudnn9-cuda-13' },
  ];
  it('table: colour only when asked, fixes shown for non-passing rows', () => {
    const coloured = formatChecksTable(results, { color: true, width: 100 });
    expect(coloured).toContain('\u001b[31mFAIL\u001b[39m');
    const plain = formatChecksTable(results, { color: false, width: 100 });
    expect(plain).not.toContain('\u001b[');
    expect(plain).toContain('cudnn9-cuda-13');
    expect(plain).toMatch(/┌|\+/);
  });
  it('plain lines carry the fix under the finding', () => {
    expect(formatChecksPlain(results)).toBe('PASS git: git 2.39.5 at /usr/bin/git\nFAIL gpu.cudnn: no cuDNN found\n     fix: sudo apt-get install -y cudnn9-cuda-13\n');
  });
});
