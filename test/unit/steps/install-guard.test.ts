/**
 * The install step's wheel guard checks the wheel against the plan's facts (the step's guard, shown in the plan), not
 * against a probe of this host: a plan that says its python is 3.9 refuses a cp311 wheel although the real
 * /usr/bin/python3 here is 3.11, and a plan whose CPU has no AVX2 refuses an AVX2 wheel whatever this CPU has.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExec } from '../../../src/exec/index.js';
import { EnvironmentError } from '../../../src/errors.js';
import { createPlan, formatPlan, type InstallStep, type Plan } from '../../../src/plan/index.js';
import { runInstallStep } from '../../../src/steps/install.js';
import type { StepContext } from '../../../src/steps/context.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { PATH_ENV, sampleFacts, sampleOptions, sampleRecipe } from '../plan/samples.js';

const HOST_PY = sampleFacts().pythons[0]!;

function planFor(facts = sampleFacts()): Plan {
  return createPlan({ facts, recipe: sampleRecipe(), recipeFile: null, tag: 'v1.4.1', options: sampleOptions({ install: { mode: 'into', python: '/usr/bin/python3' } }), pathEnv: PATH_ENV });
}
const installOf = (p: Plan) => p.steps.find((s): s is InstallStep => s.kind === 'install')!;

/** A wheel file for cp311 with its build info naming `cpuFlags`. */
function wheelWith(cpuFlags: string[]): string {
  const dir = makeTempDir('tfb-guard-');
  const wheel = join(dir, 'tensorflow-1.4.1-cp311-cp311-linux_x86_64.whl');
  writeFileSync(wheel, 'not really a zip: the guard refuses before pip reads it');
  writeFileSync(`${wheel}.tfbuild.json`, JSON.stringify({ tfbuild: 1, wheel: 'w', cpuFlags }));
  return wheel;
}

async function install(step: InstallStep, wheel: string): Promise<unknown> {
  const logDir = makeTempDir('tfb-guard-logs-');
  const ctx = { exec: createExec(), outputs: { wheel }, logDir, runId: 't', setStatus: () => undefined, currentLog: null, signal: new AbortController().signal, emit: () => undefined } as unknown as StepContext;
  return runInstallStep(step, ctx).catch((e: unknown) => e);
}

describe('install step guard: the plan\'s facts, shown in the plan', () => {
  it('carries the host ISA and the receiving python\'s version from the facts, and the plan text says so', () => {
    const p = planFor();
    expect(installOf(p).guard).toEqual({ hostIsa: ['sse4_1', 'sse4_2', 'avx', 'avx2', 'fma'], pythonVersion: '3.11' });
    expect(formatPlan(p)).toContain("before pip, refuses a wheel whose build info needs CPU flags beyond [sse4_1, sse4_2, avx, avx2, fma] or whose tag is not cp311 (the plan's host facts)");
    const none = createPlan({ facts: sampleFacts(), recipe: sampleRecipe(), recipeFile: null, tag: 'v1.4.1', options: sampleOptions({ install: { mode: 'none' } }), pathEnv: PATH_ENV });
    expect(installOf(none).guard).toBeNull();
  });

  it('refuses a cp311 wheel for a plan whose python is 3.9, although this host\'s python is 3.11', async () => {
    const step = installOf(planFor(sampleFacts({ pythons: [{ ...HOST_PY, version: '3.9.2' }] })));
    expect(step.guard?.pythonVersion).toBe('3.9');
    const e = await install(step, wheelWith([]));
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as Error).message).toMatch(/built for cp311, but \/usr\/bin\/python3 \(3\.9\) needs cp39/);
  });

  it('refuses an AVX2 wheel for a plan whose CPU lacks AVX2, whatever this CPU has', async () => {
    const step = installOf(planFor(sampleFacts({ cpu: { ...sampleFacts().cpu, isa: ['sse4_1', 'sse4_2'] } })));
    const e = await install(step, wheelWith(['avx2']));
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as Error).message).toMatch(/compiled for avx2/);
    expect((e as EnvironmentError).details.join('\n')).toContain("CPU flags read from the plan's host facts: sse4_1 sse4_2");
  });
});
