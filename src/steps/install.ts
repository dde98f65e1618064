/** install: a new venv in the work dir (default), --install-into PYTHON, or nothing. Never sudo, never a system pip. */
import { existsSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Exec } from '../exec/index.js';
import { withWheel, type InstallStep } from '../plan/index.js';
import { createVenv, pipInstall, readPythonInfo, runPython, venvPython } from '../tools/python.js';
import { getLogFile, type StepContext, type StepOutputs } from './context.js';
import { verifyWheelRunsHere } from './wheel-guard.js';
import { EnvironmentError, withFsErrors } from '../errors.js';
import { isOwnedDir, makeOwnedDir } from '../state/owned.js';

/** Checked before the build: the interpreter runs and can make a venv / has pip (hours before install). */
export async function verifyInstallTarget(step: InstallStep, x: Exec): Promise<void> {
  if (step.mode === 'none') return;
  const info = await readPythonInfo(step.python, x);
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
  if (step.mode === 'into') await verifyInstallable(step.python, x);
}

// Where pip would put the wheel, and whether the python is a system one pip refuses (PEP 668: an
// EXTERNALLY-MANAGED file in the stdlib dir, unless the python runs in a venv).
export const INSTALLABLE = [
  'import json, os, sys, sysconfig',
  'lib = sysconfig.get_paths()["purelib"]',
  'marker = os.path.join(sysconfig.get_paths()["stdlib"], "EXTERNALLY-MANAGED")',
  'venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)',
  'probe = lib',
  'while not os.path.exists(probe) and os.path.dirname(probe) != probe: probe = os.path.dirname(probe)',
  'print(json.dumps({"lib": lib, "managed": (not venv) and os.path.exists(marker), "writable": os.access(probe, os.W_OK)}))',
].join('\n');

/** --install-into PYTHON: refused before the build when pip could not install into it (hours later). */
export async function verifyInstallable(python: string, x?: Exec): Promise<void> {
  const r = await runPython({ python, code: INSTALLABLE, env: { PYTHONNOUSERSITE: '1' } }, x);
  let v: { lib: string; managed: boolean; writable: boolean };
  try {
    v = JSON.parse(r.stdout.trim()) as typeof v;
  } catch {
    return; // a python this old or odd answers nothing useful: pip's own error stays the judge
  }
  if (v.managed) {
    throw new EnvironmentError(`${python} is an externally managed system python (PEP 668): pip refuses to install into it.`, {
      hint: `Leave --install-into out (tfbuild makes a venv), or pass a venv's python: ${python} -m venv DIR, then --install-into DIR/bin/python.`,
    });
  }
  if (!v.writable) {
    throw new EnvironmentError(`${python} installs packages into ${v.lib}, which this user cannot write.`, {
      hint: 'Pass a python you own (a venv: python3 -m venv DIR, then --install-into DIR/bin/python), or leave --install-into out. Never sudo pip.',
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
  if (ctx.exec.dryRun) return (await createVenv({ python: basePython, dir, signal: ctx.signal }, ctx.exec)).python;
  makeOwnedDir(dir, 'The venv dir');
  try {
    await createVenv({ python: basePython, dir, signal: ctx.signal }, ctx.exec);
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
  const wheel = ctx.outputs.wheel ?? (ctx.exec.dryRun ? '<the built wheel>.whl' : undefined);
  if (!wheel) throw new ConfigError('Nothing to install: the package step recorded no wheel.', { hint: 'Run the build without --resume.' });
  const logFile = getLogFile(ctx, 'install');
  ctx.currentLog = logFile;
  if (step.mode === 'venv' && step.venvDir) await ensureVenv(step.python, step.venvDir, ctx);
  // The plan's pip command, exactly as shown (a plan saved before the field existed: the same command).
  const pip = step.pip ?? { cmd: step.targetPython ?? step.python, args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '{wheel}'], env: {} };
  // The same refusal as `tfbuild install`, from the plan's facts (the step's guard, shown in the plan): a wheel the
  // plan's CPU or python cannot run is not installed (--no-install skips).
  if (!ctx.exec.dryRun) {
    await verifyWheelRunsHere(wheel, pip.cmd, {
      exec: ctx.exec,
      ...(step.guard ? { host: step.guard } : {}),
      hint: `The wheel is kept in the output dir. For another machine, build with --no-install and run tfbuild install ${wheel} there; for this one, build with --cpu-flags auto.`,
    });
  }
  ctx.setStatus(`pip install ${wheel}`);
  await pipInstall({ python: pip.cmd, wheel, args: withWheel(pip.args, wheel), env: pip.env, logFile, signal: ctx.signal }, ctx.exec);
  return { python: pip.cmd };
}
