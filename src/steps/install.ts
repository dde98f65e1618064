/** install: a new venv in the work dir (default), --install-into PYTHON, or nothing. Never sudo, never a system pip. */
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { getExecContext } from '../exec/index.js';
import { withWheel, type InstallStep } from '../plan/index.js';
import { createVenv, pipInstall, readPythonInfo, venvPython } from '../tools/python.js';
import { getLogFile, type StepContext, type StepOutputs } from './context.js';
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
  if (step.mode === 'venv' && step.venvDir && !existsSync(venvPython(step.venvDir))) {
    await createVenv({ python: step.python, dir: step.venvDir, signal: ctx.signal });
  }
  // The plan's pip command, as shown: offline, this wheel only.
  const pip = step.pip ?? { cmd: step.targetPython ?? step.python, args: ['-m', 'pip', 'install', '--no-index', '--no-deps', '{wheel}'], env: {} };
  ctx.setStatus(`pip install ${wheel}`);
  await pipInstall({ python: pip.cmd, wheel, args: withWheel(pip.args, wheel), env: pip.env, logFile, signal: ctx.signal });
  return { python: pip.cmd };
}
