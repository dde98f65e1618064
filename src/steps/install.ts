/** install: a new venv in the work dir (default), --install-into PYTHON, or nothing. Never sudo, never a system pip. */
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { getExecContext } from '../exec/index.js';
import type { InstallStep } from '../plan/index.js';
import { createVenv, pipInstall, readPythonInfo, venvPython } from '../tools/python.js';
import { getLogFile, type StepContext, type StepOutputs } from './context.js';
import { verifyWheelRunsHere } from './wheel-guard.js';
import { EnvironmentError } from '../errors.js';

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

export async function runInstallStep(step: InstallStep, ctx: StepContext): Promise<StepOutputs> {
  if (step.mode === 'none') return {};
  const wheel = ctx.outputs.wheel ?? (getExecContext().dryRun ? '<the built wheel>.whl' : undefined);
  if (!wheel) throw new ConfigError('Nothing to install: the package step recorded no wheel.', { hint: 'Run the build without --resume.' });
  const logFile = getLogFile(ctx, 'install');
  ctx.currentLog = logFile;
  let python = step.python;
  if (step.mode === 'venv' && step.venvDir) {
    python = existsSync(venvPython(step.venvDir)) ? venvPython(step.venvDir) : (await createVenv({ python: step.python, dir: step.venvDir, signal: ctx.signal })).python;
  }
  // The same refusal as `tfbuild install`: a wheel this CPU or python cannot run is not installed (--no-install skips).
  if (!getExecContext().dryRun) {
    await verifyWheelRunsHere(wheel, python, {
      hint: `The wheel is kept in the output dir. For another machine, build with --no-install and run tfbuild install ${wheel} there; for this one, build with --cpu-flags auto.`,
    });
  }
  ctx.setStatus(`pip install ${wheel}`);
  await pipInstall({ python, wheel, noIndex: false, logFile, signal: ctx.signal });
  return { python };
}
