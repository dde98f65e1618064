/**
 * build-python: the tfbuild-owned build venv (`python -m venv --system-site-packages DIR`, marked as tfbuild's the
 * moment it is made) and the pip install of the build packages the chosen python lacks, both exactly as the plan
 * shows them. A venv finished earlier is reused (pip then finds the packages already there); a half-made one is
 * removed and made again; a directory tfbuild did not make is refused, never deleted.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withFsErrors } from '../errors.js';
import type { BuildPythonStep } from '../plan/index.js';
import { isOwnedDir, makeOwnedDir } from '../state/owned.js';
import { createVenv, pipInstall } from '../tools/python.js';
import { getLogFile, type StepContext, type StepOutputs } from './context.js';

/** Written once the venv exists and pip has installed the packages into it. */
const READY_MARKER = '.tfbuild-complete';

/** True when an earlier run finished this step's venv (resume checks it is still there). */
export function isBuildVenvReady(step: BuildPythonStep): boolean {
  return isOwnedDir(step.venvDir) && existsSync(join(step.venvDir, READY_MARKER)) && existsSync(step.python);
}

export async function runBuildPythonStep(step: BuildPythonStep, ctx: StepContext): Promise<StepOutputs> {
  const logFile = getLogFile(ctx, 'build-python');
  ctx.currentLog = logFile;
  const dryRun = ctx.exec.dryRun;
  if (!isBuildVenvReady(step)) {
    if (!dryRun) makeOwnedDir(step.venvDir, 'The build venv dir');
    ctx.setStatus(`python -m venv --system-site-packages ${step.venvDir}`);
    await createVenv({ python: step.basePython, dir: step.venvDir, args: step.args, signal: ctx.signal }, ctx.exec);
  }
  ctx.setStatus(`pip install ${step.packages.join(' ')}`);
  await pipInstall({ python: step.pip.cmd, wheel: step.packages.join(' '), args: step.pip.args, env: step.pip.env, logFile, signal: ctx.signal }, ctx.exec);
  if (!dryRun) withFsErrors(step.venvDir, () => writeFileSync(join(step.venvDir, READY_MARKER), ''));
  return { buildPython: step.python };
}
