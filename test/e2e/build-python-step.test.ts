/**
 * The build-python executor with a real python and pip: the venv is made once, marked as tfbuild's, reused by a
 * second run (pip then finds the package already there, no index needed), remade when half-made or made from another
 * interpreter, run with exactly the plan's argv, cwd and env, and a directory
 * tfbuild did not make is refused (exit 6) and left as it was. Debian's /usr/bin/python3 has python3-wheel, which
 * the --system-site-packages venv sees, so pip needs no index here.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/errors.js';
import { createExec } from '../../src/exec/index.js';
import { createPlan, type BuildPythonStep } from '../../src/plan/index.js';
import { isBuildVenvReady, runBuildPythonStep } from '../../src/steps/build-python.js';
import type { StepContext } from '../../src/steps/context.js';
import { makeTempDir } from '../helpers/tmp.js';
import { PATH_ENV, R14, sampleFacts, sampleOptions, sampleRecipe } from '../unit/plan/samples.js';

function stepIn(workdir: string, python = '/usr/bin/python3'): BuildPythonStep {
  const plan = createPlan({
    facts: sampleFacts({ pythons: [{ path: python, realPath: python === '/usr/bin/python3' ? '/usr/bin/python3.11' : python, version: '3.11.2', numpy: null, pip: '23', wheel: false, venv: true, headers: true, sitePackages: null }] }),
    recipe: sampleRecipe({ python: { ...R14.python, range: '>=3.0', buildPackages: [{ name: 'wheel' }] } }),
    recipeFile: null, tag: 'v1.4.1', pathEnv: PATH_ENV, options: sampleOptions({ workdir, install: { mode: 'none' } }),
  });
  const step = plan.steps[0];
  if (step?.kind !== 'build-python') throw new Error('no build-python step planned');
  return step;
}

type Spawned = { argv: string[]; cwd: string | undefined; effect: string; env: Readonly<Record<string, string | undefined>> | undefined };

function ctxIn(dir: string, spawned: Spawned[] = []): StepContext {
  const exec = createExec({ onSpawn: (argv, cwd, effect, env) => spawned.push({ argv, cwd, effect, env }) });
  return { signal: new AbortController().signal, emit: () => undefined, outputs: {}, logDir: dir, runId: 't', setStatus: () => undefined, currentLog: null, exec } as unknown as StepContext;
}

describe('build-python step (real python -m venv and pip)', () => {
  it('makes the marked venv once, reuses it, and remakes a half-made one', async () => {
    const w = makeTempDir('tfb-buildpy-step-');
    const step = stepIn(w);
    expect(await runBuildPythonStep(step, ctxIn(w))).toEqual({ buildPython: join(w, 'build-python', 'bin', 'python') });
    expect(isBuildVenvReady(step)).toBe(true);
    expect(readdirSync(step.venvDir)).toEqual(expect.arrayContaining(['.tfbuild-owned', '.tfbuild-complete', 'pyvenv.cfg', 'bin']));
    const made = statSync(join(step.venvDir, 'pyvenv.cfg')).mtimeMs;
    await runBuildPythonStep(step, ctxIn(w));
    expect(statSync(join(step.venvDir, 'pyvenv.cfg')).mtimeMs).toBe(made);
    // An interrupted first run: marked but not complete → removed and made again.
    rmSync(join(step.venvDir, '.tfbuild-complete'));
    writeFileSync(join(step.venvDir, 'leftover'), '');
    expect(isBuildVenvReady(step)).toBe(false);
    await runBuildPythonStep(step, ctxIn(w));
    expect(existsSync(join(step.venvDir, 'leftover'))).toBe(false);
    expect(isBuildVenvReady(step)).toBe(true);
  }, 120_000);

  it('runs exactly the plan: the venv argv with the step cwd and env, pip with its own env', async () => {
    const w = makeTempDir('tfb-buildpy-exact-');
    const step = stepIn(w);
    const spawned: Spawned[] = [];
    await runBuildPythonStep(step, ctxIn(w, spawned));
    const writes = spawned.filter((s) => s.effect === 'write');
    expect(writes.map((s) => s.argv)).toEqual([[step.cmd, ...step.args], [step.pip.cmd, ...step.pip.args]]);
    expect(writes[0]).toMatchObject({ cwd: step.cwd, env: step.env });
    expect(writes[1]?.env).toEqual(step.pip.env);
  }, 120_000);

  it('a venv made from another interpreter (another --python) is made again from this one, not reused', async () => {
    const w = makeTempDir('tfb-buildpy-base-');
    // A second interpreter: a copy of the system python is one (its venv's pyvenv.cfg says home = the copy's dir).
    const other = join(w, 'other', 'bin', 'python3');
    mkdirSync(dirname(other), { recursive: true });
    copyFileSync(realpathSync('/usr/bin/python3'), other);
    chmodSync(other, 0o755);
    const first = stepIn(w, other);
    await runBuildPythonStep(first, ctxIn(w));
    expect(readFileSync(join(first.venvDir, 'pyvenv.cfg'), 'utf8')).toContain(`home = ${dirname(other)}`);
    const second = stepIn(w);
    expect(second.venvDir).toBe(first.venvDir);
    expect(isBuildVenvReady(first)).toBe(true);
    expect(isBuildVenvReady(second)).toBe(false);
    await runBuildPythonStep(second, ctxIn(w));
    expect(readFileSync(join(second.venvDir, 'pyvenv.cfg'), 'utf8')).toContain('home = /usr/bin');
    expect(isBuildVenvReady(second)).toBe(true);
    // The version counts too (an interpreter upgraded in place): a marker recording another version is not ready.
    expect(isBuildVenvReady(second, '3.0.0')).toBe(false);
  }, 180_000);

  it("refuses a directory it did not make (exit 6) and leaves it as it was", async () => {
    const w = makeTempDir('tfb-buildpy-foreign-');
    const step = stepIn(w);
    mkdirSync(step.venvDir, { recursive: true });
    writeFileSync(join(step.venvDir, 'thesis.tex'), 'mine');
    const e = await runBuildPythonStep(step, ctxIn(w)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).exitCode).toBe(6);
    expect(readdirSync(step.venvDir)).toEqual(['thesis.tex']);
  });
});
