/**
 * The fixture's knobs for interruption and OOM tests (issue 5): an action that SIGKILLs itself when more than N run
 * at once, and an action that sleeps so a build can be cancelled mid-action. Real bazel, via the bazel adapter.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterruptedError, ToolError } from '../../src/errors.js';
import { bazelBuild, bazelShutdown } from '../../src/tools/bazel.js';
import { copyFixtureTree } from '../helpers/fixture.js';
import { cpuConfigureEnv, runConfigure } from './fixture-support.js';
import { makeTempDir } from '../helpers/tmp.js';
import { createExec } from '../../src/exec/index.js';

const tmp = makeTempDir('tfb-fixture-knobs-');
const src = join(tmp, 'src');
const startupArgs = [`--output_user_root=${join(tmp, 'bazel-root')}`];
const oomDir = join(tmp, 'oom-markers');
const TARGET = '//tensorflow/tools/pip_package:build_pip_package';

beforeAll(() => {
  copyFixtureTree('r1.4', src);
  const r = runConfigure(src, cpuConfigureEnv('r1.4'));
  if (r.status !== 0) throw new Error(r.stdout + r.stderr);
});
afterAll(async () => {
  await bazelShutdown({ bazel: 'bazel', cwd: src, startupArgs }, createExec()).catch(() => undefined);
});

describe('FIXTURE_OOM_IF_JOBS_GT', () => {
  const knob = ['--action_env=FIXTURE_OOM_IF_JOBS_GT=1', `--action_env=FIXTURE_OOM_DIR=${oomDir}`];

  it('with --jobs=2 an action is killed by SIGKILL and the build fails like an OOM kill', async () => {
    const logFile = join(tmp, 'oom.log');
    const r = await bazelBuild({ bazel: 'bazel', cwd: src, startupArgs, logFile, reject: false, args: ['--config=opt', '--jobs=2', ...knob, TARGET] }, createExec());
    expect(r.exitCode).toBe(1);
    expect(r.summary.succeeded).toBe(false);
    const log = readFileSync(logFile, 'utf8');
    expect(log).toMatch(/Executing genrule \/\/tensorflow\/core\/kernels:heavy_\d failed: \(Killed\)/);
    expect(log).toMatch(/killing itself like the OOM killer/);
    // The adapter's default is to throw a ToolError whose hint points at the log.
    const e = await bazelBuild({ bazel: 'bazel', cwd: src, startupArgs, logFile, args: ['--config=opt', '--jobs=2', ...knob, TARGET] }, createExec()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).exitCode_).toBe(1);
    expect((e as ToolError).hint).toContain(logFile);
  });

  it('with --jobs=1 the same build succeeds', async () => {
    const r = await bazelBuild({ bazel: 'bazel', cwd: src, startupArgs, args: ['--config=opt', '--jobs=1', ...knob, TARGET] }, createExec());
    expect(r.summary.succeeded).toBe(true);
    expect(r.summary.actionsExecuted).toBeGreaterThan(0);
  });
});

describe('FIXTURE_SLOW_SECONDS', () => {
  it('a build cancelled mid-action stops quickly with InterruptedError, and the next build is not blocked', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const lines: string[] = [];
    const p = bazelBuild({
      bazel: 'bazel', cwd: src, startupArgs, signal: ac.signal,
      args: ['--config=opt', '--action_env=FIXTURE_SLOW_SECONDS=60', TARGET],
      onLine: (l) => {
        lines.push(l);
        // bazel 4 shows the running action in its progress line.
        if (/heavy_0/.test(l) && !ac.signal.aborted) setTimeout(() => ac.abort(), 1000);
      },
    }, createExec());
    await expect(p).rejects.toBeInstanceOf(InterruptedError);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(lines.some((l) => /heavy_0/.test(l))).toBe(true);
    // The server must not keep the 60 s action running: a normal build gets through well before it would end.
    const t0 = Date.now();
    const r = await bazelBuild({ bazel: 'bazel', cwd: src, startupArgs, args: ['--config=opt', TARGET] }, createExec());
    expect(r.summary.succeeded).toBe(true);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(Date.now() - t0).toBeLessThan(40_000);
  });
});
