/**
 * build-python: the tfbuild-owned build venv (`python -m venv --system-site-packages DIR`, marked as tfbuild's the
 * moment it is made) and the pip install of the build packages the chosen python lacks, both exactly as the plan
 * shows them (the step's cmd/args/cwd/env, then pip's cmd/args/env). A venv finished earlier from the same base
 * interpreter is reused (pip then finds the packages already there); one made from another interpreter (another
 * --python, an upgraded python) or a half-made one is removed and made again; a directory tfbuild did not make is
 * refused, never deleted.
 */
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withFsErrors } from '../errors.js';
import type { BuildPythonStep } from '../plan/index.js';
import { isOwnedDir, makeOwnedDir } from '../state/owned.js';
import { createVenv, pipInstall, readPythonInfo } from '../tools/python.js';
import { getLogFile, type StepContext, type StepOutputs } from './context.js';

/** Written once the venv exists and pip has installed the packages into it: the base interpreter it was made from. */
const READY_MARKER = '.tfbuild-complete';

interface VenvBase {
  /** realpath of the interpreter the venv was made from. */
  base: string;
  version: string;
}

function readMarker(venvDir: string): VenvBase | null {
  try {
    const m = JSON.parse(readFileSync(join(venvDir, READY_MARKER), 'utf8')) as Partial<VenvBase>;
    return typeof m.base === 'string' && typeof m.version === 'string' ? { base: m.base, version: m.version } : null;
  } catch {
    // Missing, or an empty marker from before the base was recorded: not known to fit, so remade.
    return null;
  }
}

function realPathOf(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/**
 * True when an earlier run finished this step's venv from this step's base interpreter (resume checks it is still
 * there). With `version`, the base's version must match too (an interpreter upgraded in place).
 */
export function isBuildVenvReady(step: BuildPythonStep, version?: string): boolean {
  if (!isOwnedDir(step.venvDir) || !existsSync(step.python)) return false;
  const m = readMarker(step.venvDir);
  return m !== null && m.base === realPathOf(step.basePython) && (version === undefined || m.version === version);
}

export async function runBuildPythonStep(step: BuildPythonStep, ctx: StepContext): Promise<StepOutputs> {
  const logFile = getLogFile(ctx, 'build-python');
  ctx.currentLog = logFile;
  const dryRun = ctx.exec.dryRun;
  // A read: it runs under --dry-run too (and says early when the interpreter cannot make a venv).
  const base = await readPythonInfo(step.basePython, ctx.exec);
  if (!isBuildVenvReady(step, base.version)) {
    // Not ready, half-made or made from another interpreter: tfbuild's own dir is removed and made again.
    if (!dryRun) makeOwnedDir(step.venvDir, 'The build venv dir');
    ctx.setStatus(`python -m venv --system-site-packages ${step.venvDir}`);
    await createVenv({ python: step.cmd, dir: step.venvDir, args: step.args, cwd: step.cwd, env: step.env, logFile, signal: ctx.signal }, ctx.exec);
  }
  ctx.setStatus(`pip install ${step.packages.join(' ')}`);
  await pipInstall({ python: step.pip.cmd, wheel: step.packages.join(' '), args: step.pip.args, env: step.pip.env, cwd: step.cwd, logFile, signal: ctx.signal }, ctx.exec);
  const marker: VenvBase = { base: realPathOf(step.basePython) ?? step.basePython, version: base.version };
  if (!dryRun) withFsErrors(step.venvDir, () => writeFileSync(join(step.venvDir, READY_MARKER), JSON.stringify(marker) + '\n'));
  return { buildPython: step.python };
}
