/** install: a new venv in the work dir (default), --install-into PYTHON, or nothing. Never sudo, never a system pip. */
import { existsSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { getExecContext } from '../exec/index.js';
import type { InstallStep } from '../plan/index.js';
import { createVenv, pipInstall, readPythonInfo, venvPython } from '../tools/python.js';
import { getLogFile, type StepContext, type StepOutputs } from './context.js';
import { EnvironmentError, withFsErrors } from '../errors.js';
import { isOwnedDir, makeOwnedDir } from '../state/owned.js';

/** Checked before the build: the interpreter runs and can make a venv / has pip (hours before install). */
export async function verifyInstallTarget(step: InstallStep): Promise<void> {
  if (step.mode === 'none') return;
  const info = await readPythonInfo(step.python);
  if (step.mode === 'venv' && !info.hasVenv) {
    throw new EnvironmentError(`${step.python} (${info.version}) has no venv/ensurepip module, so tfbuild cannot create the virtual environment to install into.`, {
      hint: 'Install it (sudo apt-get install -y python3-venv), pass another --python, or --no-install.',
    });
  }
  if (step.mode === 'into' && !info.hasPip) {
    throw new EnvironmentError(`${step.python} has no pip, so the wheel cannot be installed into it.`, {
      hint: 'Install pip for it, pass a venv python to --install-into, or leave --install-into out to get a new venv.',
    });
  }
}

/** Written into a venv tfbuild made once `python -m venv` has finished: without it the venv is half-made. */
const VENV_COMPLETE = '.tfbuild-complete';
/** Below this much free space, a failed venv creation is a full disk, whatever python printed. */
const LOW_DISK_BYTES = 256 * 1024 * 1024;

function freeBytes(dir: string): number | null {
  try {
    const st = statfsSync(dir);
    return st.bavail * st.bsize;
  } catch {
    return null;
  }
}

/**
 * The venv's python: reused when tfbuild finished making it (or it is a venv of the user's, without our marker);
 * a half-made venv of ours (a full disk, an interrupt) is removed and made again. A failure with the disk nearly
 * full is exit 3 saying so (Debian's venv blames a missing ensurepip for any ensurepip failure).
 */
async function ensureVenv(basePython: string, dir: string, ctx: StepContext): Promise<string> {
  const python = venvPython(dir);
  if (existsSync(python) && (existsSync(join(dir, VENV_COMPLETE)) || !isOwnedDir(dir))) return python;
  if (getExecContext().dryRun) return (await createVenv({ python: basePython, dir, signal: ctx.signal })).python;
  makeOwnedDir(dir, 'The venv dir');
  try {
    await createVenv({ python: basePython, dir, signal: ctx.signal });
  } catch (e) {
    const free = freeBytes(dir);
    if (free !== null && free < LOW_DISK_BYTES) {
      throw new EnvironmentError(`Cannot create the venv ${dir}: no space left on the device (ENOSPC; ${Math.round(free / 1024)} KiB free).`, {
        hint: 'Free some space (df -h), or point --workdir at a disk with room; the half-made venv is removed on the next run.',
        cause: e,
      });
    }
    throw e;
  }
  withFsErrors(dir, () => writeFileSync(join(dir, VENV_COMPLETE), ''));
  return python;
}

export async function runInstallStep(step: InstallStep, ctx: StepContext): Promise<StepOutputs> {
  if (step.mode === 'none') return {};
  const wheel = ctx.outputs.wheel ?? (getExecContext().dryRun ? '<the built wheel>.whl' : undefined);
  if (!wheel) throw new ConfigError('Nothing to install: the package step recorded no wheel.', { hint: 'Run the build without --resume.' });
  const logFile = getLogFile(ctx, 'install');
  ctx.currentLog = logFile;
  let python = step.python;
  if (step.mode === 'venv' && step.venvDir) python = await ensureVenv(step.python, step.venvDir, ctx);
  ctx.setStatus(`pip install ${wheel}`);
  await pipInstall({ python, wheel, noIndex: false, logFile, signal: ctx.signal });
  return { python };
}
