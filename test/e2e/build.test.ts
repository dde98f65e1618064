/**
 * The pipeline end to end on the TF-shaped fixture with real git, bazel, python and pip, through the real CLI:
 * both release shapes, CPU-flag selection proven by the macros compiled into the wheel, the nasm patch, the
 * configure environment, a work dir with spaces and a non-UTF-8 locale.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISA_TABLE } from '../../src/plan/isa.js';
import { isaOf, parseCpuinfo } from '../../src/probe/cpu.js';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { runCli, stopBazelServers } from './build-cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const NASM = 'http://www.nasm.us/pub/nasm/releasebuilds/2.12.02/nasm-2.12.02.tar.bz2';
const root = makeTempDir('tfb-e2e-build-');
const cache = join(root, 'cache');
const env = { XDG_CACHE_HOME: cache, LANG: 'C', LC_ALL: 'C' };
let r14: FixtureRepo;
let r217: FixtureRepo;

function compiledIsa(python: string): string[] {
  const out = execFileSync(python, ['-c', 'import tensorflow.python as p; print(" ".join(p.compiled_isa()))'], { cwd: tmpdir(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.trim().split(/\s+/);
}

/** bazel refuses paths with spaces, so the clone of a spaced work dir lives in the cache dir: find it from the state. */
function srcOf(workdir: string): string {
  const st = JSON.parse(readFileSync(join(workdir, 'tfbuild-state.json'), 'utf8'));
  return st.steps.find((s: { id: string }) => s.id === 'source').outputs.srcDir;
}

beforeAll(() => {
  r14 = makeFixtureRepo('r1.4', { tmp: root });
  r217 = makeFixtureRepo('2.17', { tmp: root });
});
afterAll(() => stopBazelServers(join(cache, 'tfbuild', 'bazel')));

describe('tfbuild build on the r1.4-shaped fixture', () => {
  const workdir = join(root, 'work dir with spaces');
  const output = join(root, 'out');

  it('clones, patches, configures, builds with exactly --cpu-flags avx2,fma, packages, installs and verifies', async () => {
    const r = await runCli(['r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', r14.bareRepo, '--workdir', workdir, '--output', output, '--cpu-flags', 'avx2,fma'], { env });
    expect(r.stderr + r.stdout).not.toMatch(/FAIL/);
    expect(r.code).toBe(0);
    const wheels = readdirSync(output).filter((f) => f.endsWith('.whl'));
    expect(wheels).toEqual([expect.stringMatching(/^tensorflow-1\.4\.1-.*\.whl$/)]);
    expect(r.stdout + r.stderr).toContain('bazel cannot build in a path with spaces');
    expect(srcOf(workdir)).not.toMatch(/\s/);
    const meta = JSON.parse(readFileSync(join(output, `${wheels[0]}.tfbuild.json`), 'utf8'));
    expect(meta).toMatchObject({ tag: 'v1.4.1', commit: r14.commit, cpuFlags: ['avx2', 'fma'], gpu: false, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(meta.sha256).toBe(execFileSync('sha256sum', [join(output, wheels[0]!)], { encoding: 'utf8' }).split(' ')[0]);

    // The wheel's native library was compiled with AVX2 and FMA (and what -mavx2 implies), never AVX-512.
    const isa = compiledIsa(join(workdir, 'venv', 'bin', 'python'));
    expect(isa).toEqual(expect.arrayContaining(['AVX2', 'FMA', 'AVX', 'SSE4_2']));
    expect(isa).not.toContain('AVX512F');

    // configure saw the complete r1.4 env: 0/1 booleans, a UTF-8 locale despite LANG=C, stdin closed.
    const src = srcOf(workdir);
    const rec = JSON.parse(readFileSync(join(src, '.configure_env.json'), 'utf8'));
    expect(rec.env).toMatchObject({ TF_NEED_CUDA: '0', TF_NEED_JEMALLOC: '1', TF_NEED_GCP: '0', LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', CC_OPT_FLAGS: '-mavx2 -mfma' });
    expect(rec.stdin_isatty).toBe(false);

    // The nasm mirror was added once, the pinned sha256 kept.
    const ws = readFileSync(join(src, 'tensorflow', 'workspace.bzl'), 'utf8');
    expect(ws.split(NASM).length - 1).toBe(1);
    const original = readFileSync(join(r14.dir, 'tensorflow', 'workspace.bzl'), 'utf8');
    expect(ws.match(/sha256 = "[0-9a-f]+"/g)).toEqual(original.match(/sha256 = "[0-9a-f]+"/g));
  });

  it('tfbuild patch on the already patched tree reports it applied and changes nothing (idempotent)', async () => {
    const src = srcOf(workdir);
    const before = readFileSync(join(src, 'tensorflow', 'workspace.bzl'), 'utf8');
    const check = await runCli(['patch', 'r1.4', '--source', src, '--recipe', fixtureRecipe('r1.4'), '--check'], { env });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('nasm-mirror: already applied');
    const again = await runCli(['patch', 'r1.4', '--source', src, '--recipe', fixtureRecipe('r1.4')], { env });
    expect(again.code).toBe(0);
    expect(readFileSync(join(src, 'tensorflow', 'workspace.bzl'), 'utf8')).toBe(before);
    // And on a pristine checkout: --check says it would apply and leaves the file alone.
    const fresh = await runCli(['patch', 'r1.4', '--source', r14.dir, '--recipe', fixtureRecipe('r1.4'), '--check'], { env });
    expect(fresh.stdout).toContain('nasm-mirror: would apply');
    expect(readFileSync(join(r14.dir, 'tensorflow', 'workspace.bzl'), 'utf8')).not.toContain(NASM);
  });

  it('tfbuild verify checks the installed TensorFlow standalone, and fails on the wrong expected flags', async () => {
    const python = join(workdir, 'venv', 'bin', 'python');
    const ok = await runCli(['verify', '--python', python, '--expect-flags', 'avx2,fma', '--expect-version', '1.4.1'], { env });
    expect(ok.stdout).toContain('verify: OK');
    expect(ok.code).toBe(0);
    const bad = await runCli(['verify', '--python', python, '--expect-flags', 'none'], { env });
    expect(bad.code).toBe(5);
    expect(bad.stdout).toMatch(/avx2 was not asked for but the binary was compiled with it/);
  });

  it('the plan shows the verify step as the tfbuild verify line that, run as shown, checks what the step checked', async () => {
    const plan = await runCli(['plan', 'r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', r14.bareRepo, '--workdir', workdir, '--output', output, '--cpu-flags', 'avx2,fma', '--json'], { env });
    expect(plan.code, plan.stderr).toBe(0);
    const step = (JSON.parse(plan.stdout) as { steps: Array<{ kind: string; cmd: string; args: string[]; env: Record<string, string> }> }).steps.find((s) => s.kind === 'verify')!;
    expect(step.cmd).toBe('tfbuild');
    expect(step.args).toEqual(expect.arrayContaining(['--host-isa', '--era', 'graph', '--not-from', srcOf(workdir), '--no-strict-flags']));
    const shown = await runCli([...step.args, '--json'], { env: { ...env, ...step.env } });
    expect(shown.code, shown.stderr).toBe(0);
    const v = JSON.parse(shown.stdout) as { ok: boolean; compiledFlags: string[] };
    const state = JSON.parse(readFileSync(join(workdir, 'tfbuild-state.json'), 'utf8')) as { steps: Array<{ id: string; outputs: Record<string, string> }> };
    expect(v.ok).toBe(true);
    expect(v.compiledFlags.join(' ')).toBe(state.steps.find((s) => s.id === 'verify')!.outputs.compiledFlags);
  });

  it('tfbuild verify lists exactly the flags compiled into the wheel, the same in text and JSON', async () => {
    const python = join(workdir, 'venv', 'bin', 'python');
    const host = isaOf(parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8')).flags);
    // What the wheel's native library really saw (its macros), among the extensions r1.4's start-up check reports.
    const macros = compiledIsa(python);
    const truth = ISA_TABLE.filter((e) => e.auto && e.guardFromMajor === 1 && host.includes(e.cpuinfo) && macros.includes(e.macro.slice(2, -2)))
      .map((e) => e.name);
    expect(truth).toEqual(['sse4.2', 'avx', 'avx2', 'fma'].filter((n) => host.includes(n.replace('.', '_') as never)));
    const json = await runCli(['verify', '--python', python, '--json'], { env });
    const v = JSON.parse(json.stdout);
    expect(v.compiledFlags).toEqual(truth);
    // AVX-512F was not compiled in, and r1.4's check cannot say either way: never claimed as compiled.
    expect(v.compiledFlags).not.toContain('avx512f');
    expect(v.unknownFlags).toContain('avx512f');
    const text = await runCli(['verify', '--python', python], { env });
    const line = /compiled CPU flags: (.*?); not compiled: (.*?); cannot tell: (.*)$/m.exec(text.stdout);
    expect(line?.[1]?.split(' ')).toEqual(v.compiledFlags);
    expect(line?.[3]?.split(' ')).toEqual(v.unknownFlags);
    // --expect-flags avx512f is about avx512f only (not fma), and cannot be confirmed from r1.4's start-up line.
    const named = await runCli(['verify', '--python', python, '--expect-flags', 'avx512f'], { env });
    expect(named.code).toBe(5);
    expect(named.stdout).toMatch(/problem: avx512f cannot be confirmed here/);
    expect(named.stdout).not.toMatch(/problem: .*fma/);
  });

  it('a second run with nothing changed skips every finished step', async () => {
    const r = await runCli(['r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', r14.bareRepo, '--workdir', workdir, '--output', output, '--cpu-flags', 'avx2,fma', '--resume'], { env });
    expect(r.code).toBe(0);
    for (const id of ['patch', 'configure', 'bazel-build', 'package', 'install', 'verify']) expect(r.stdout).toMatch(new RegExp(`\\[${id}\\] skipped`));
    expect(readdirSync(output).filter((f) => f.endsWith('.whl'))).toHaveLength(1);
  });
});

describe('tfbuild build on the 2.17-shaped fixture (:wheel → wheel_house)', () => {
  it('builds with --cpu-flags none: no SSE4.2/AVX/AVX2/FMA macro in the wheel', async () => {
    const workdir = join(root, 'w217');
    const output = join(root, 'out217');
    const r = await runCli(['build', '2.17', '--recipe', fixtureRecipe('2.17'), '--repo', r217.bareRepo, '--workdir', workdir, '--output', output, '--cpu-flags', 'none'], { env });
    expect(r.stderr + r.stdout).not.toMatch(/FAIL/);
    expect(r.code).toBe(0);
    const wheels = readdirSync(output).filter((f) => f.endsWith('.whl'));
    expect(wheels).toHaveLength(1);
    expect(wheels[0]).toMatch(/^tensorflow(_cpu)?-2\.17\.0-/);
    const isa = compiledIsa(join(workdir, 'venv', 'bin', 'python'));
    for (const m of ['SSE4_2', 'AVX', 'AVX2', 'FMA', 'AVX512F']) expect(isa).not.toContain(m);
    expect(existsSync(join(output, `${wheels[0]}.tfbuild.json`))).toBe(true);
  });
});
