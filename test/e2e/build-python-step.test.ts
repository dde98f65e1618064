/**
 * The build-python executor with a real python and pip: the venv is made once, marked as tfbuild's, reused by a
 * second run (pip then finds the package already there, no index needed), remade when half-made, and a directory
 * tfbuild did not make is refused (exit 6) and left as it was. Debian's /usr/bin/python3 has python3-wheel, which
 * the --system-site-packages venv sees, so pip needs no index here.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/errors.js';
import { createExec } from '../../src/exec/index.js';
import { createPlan, type BuildPythonStep } from '../../src/plan/index.js';
import { isBuildVenvReady, runBuildPythonStep } from '../../src/steps/build-python.js';
import type { StepContext } from '../../src/steps/context.js';
import { makeTempDir } from '../helpers/tmp.js';
import { PATH_ENV, R14, sampleFacts, sampleOptions, sampleRecipe } from '../unit/plan/samples.js';

function stepIn(workdir: string): BuildPythonStep {
  const plan = createPlan({
    facts: sampleFacts({ pythons: [{ path: '/usr/bin/python3', realPath: '/usr/bin/python3.11', version: '3.11.2', numpy: null, pip: '23', wheel: false, venv: true, headers: true, sitePackages: null }] }),
    recipe: sampleRecipe({ python: { ...R14.python, range: '>=3.0', buildPackages: [{ name: 'wheel' }] } }),
    recipeFile: null, tag: 'v1.4.1', pathEnv: PATH_ENV, options: sampleOptions({ workdir, install: { mode: 'none' } }),
  });
  const step = plan.steps[0];
  if (step?.kind !== 'build-python') throw new Error('no build-python step planned');
  return step;
}

function ctxIn(dir: string): StepContext {
  return { signal: new AbortController().signal, emit: () => undefined, outputs: {}, logDir: dir, runId: 't', setStatus: () => undefined, currentLog: null, exec: createExec() } as unknown as StepContext;
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
