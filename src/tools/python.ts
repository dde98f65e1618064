/**
 * python/pip/venv adapter. Installs go into a virtual environment or a python the user named; tfbuild never runs
 * `sudo pip` and never installs into an externally managed (PEP 668) system python behind the user's back.
 */
import { join } from 'node:path';
import { plainExec, type Exec, type RunResult, type TimeoutName } from '../exec/index.js';
import { EnvironmentError, ToolError } from '../errors.js';
import { forgetPythonInfo, readPythonInfo } from './python-info.js';

export { readPythonInfo, type PythonInfo } from './python-info.js';

export function venvPython(dir: string): string {
  return join(dir, 'bin', 'python');
}

const VENV_HINT = 'Install the venv module: sudo apt-get install -y python3-venv (or python3.X-venv for that version), or pass another --python.';

/** `python -m venv DIR` → the venv's python. EnvironmentError when the interpreter lacks venv/ensurepip. */
export async function createVenv(
  spec: { python: string; dir: string; signal?: AbortSignal; args?: readonly string[]; cwd?: string; env?: Record<string, string>; logFile?: string },
  x: Exec,
): Promise<{ python: string }> {
  const info = await readPythonInfo(spec.python, x);
  if (!info.hasVenv) {
    throw new EnvironmentError(`${spec.python} (${info.version}) has no venv/ensurepip module, so it cannot create a virtual environment.`, {
      hint: VENV_HINT,
    });
  }
  const r = await x.run({
    cmd: spec.python,
    // A plan's step gives its whole argv (e.g. --system-site-packages for the build venv).
    args: spec.args ? [...spec.args] : ['-m', 'venv', spec.dir],
    effect: 'write',
    timeout: 'install',
    reject: false,
    title: `python -m venv ${spec.dir}`,
    signal: spec.signal,
    // A plan's step runs where and with what it shows.
    ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
    ...(spec.env !== undefined ? { env: spec.env } : {}),
    ...(spec.logFile !== undefined ? { logFile: spec.logFile } : {}),
  });
  if (r.dryRun) return { python: venvPython(spec.dir) };
  if (r.exitCode !== 0) {
    const text = r.tail.join('\n');
    // Debian: "The virtual environment was not successfully created because ensurepip is not available."
    if (/ensurepip is not available|No module named (?:venv|ensurepip)/.test(text)) {
      throw new EnvironmentError(`${spec.python} cannot create a virtual environment: ensurepip is not available.`, {
        hint: VENV_HINT,
        details: r.tail.slice(-5),
      });
    }
    throw new ToolError(`python -m venv ${spec.dir} exited with code ${r.exitCode}.`, {
      command: r.command, exitCode: r.exitCode, signal: r.signal, tail: r.tail,
      hint: `Check that ${spec.dir} is writable and not an existing non-venv directory.`,
    });
  }
  return { python: venvPython(spec.dir) };
}

export interface PipInstallSpec {
  /** The whole argv after the python, as a plan gives it (the wheel already in it); the flags below are then unused. */
  args?: readonly string[];
  /** The exact environment a plan gives (default: no version check, no user site). */
  env?: Record<string, string>;
  python: string;
  wheel: string;
  /** Offline: never reach an index (default true). */
  noIndex?: boolean;
  noDeps?: boolean;
  /** `--force-reinstall`: replace an installed wheel of the same version (a rebuild with other flags). */
  reinstall?: boolean;
  /** Directories of wheels to satisfy dependencies from (`--find-links`). */
  findLinks?: readonly string[];
  logFile?: string;
  signal?: AbortSignal;
  /** Where pip runs (a plan's step: its cwd). */
  cwd?: string;
}

/** `python -m pip install [--no-index] [--no-deps] WHEEL`. Never with sudo. */
export async function pipInstall(spec: PipInstallSpec, x: Exec): Promise<RunResult> {
  const args = spec.args ? [...spec.args] : ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input'];
  if (!spec.args) {
    if (spec.noIndex ?? true) args.push('--no-index');
    if (spec.noDeps) args.push('--no-deps');
    if (spec.reinstall) args.push('--force-reinstall');
    for (const d of spec.findLinks ?? []) args.push('--find-links', d);
    args.push(spec.wheel);
  }
  const r = await x.run({
    cmd: spec.python,
    args,
    effect: 'write',
    timeout: 'install',
    reject: false,
    env: spec.env ?? { PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONNOUSERSITE: '1' },
    title: `pip install ${spec.wheel}`,
    logFile: spec.logFile,
    signal: spec.signal,
    ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
  });
  // What it has installed (numpy, wheel, pip itself) may differ now.
  if (!r.dryRun) forgetPythonInfo(spec.python);
  if (r.dryRun || r.exitCode === 0) return r;
  const text = r.tail.join('\n');
  if (/externally-managed-environment/.test(text)) {
    throw new EnvironmentError(`${spec.python} is an externally managed system python (PEP 668): pip refuses to install into it.`, {
      hint: 'Install into a virtual environment instead (the default), or pass --install-into with a venv python. Never use sudo pip.',
    });
  }
  if (/No module named pip/.test(text)) {
    throw new EnvironmentError(`${spec.python} has no pip.`, {
      hint: 'Install it (sudo apt-get install -y python3-pip) or let tfbuild create a venv, which brings its own pip.',
    });
  }
  const hint = /is not a supported wheel on this platform/.test(text)
    ? 'The wheel was built for another python or platform: build with the same python you install into (--python).'
    : /No matching distribution|Could not find a version/.test(text)
      ? 'A dependency is not available offline: install it first, or pass --no-deps.'
      : 'Read the pip output above; re-run with the same python to reproduce.';
  throw new ToolError(`pip install ${spec.wheel} exited with code ${r.exitCode}.`, {
    command: r.command, exitCode: r.exitCode, signal: r.signal, tail: r.tail, hint,
    logFile: spec.logFile,
  });
}

export interface RunPythonSpec {
  python: string;
  code: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeout?: TimeoutName | number;
  /** Throw a ToolError on a non-zero exit (default false: verify inspects the failure). */
  reject?: boolean;
  hint?: string;
}

/** `python -c CODE`, stdout/stderr captured. A failed snippet is a value (exitCode ≠ 0) unless `reject`. */
export async function runPython(spec: RunPythonSpec, x: Exec = plainExec): Promise<RunResult> {
  return x.run({
    cmd: spec.python,
    args: ['-c', spec.code],
    effect: 'read',
    timeout: spec.timeout ?? 'query',
    reject: spec.reject ?? false,
    title: `${spec.python} -c …`,
    hint: spec.hint ?? 'Run the same python snippet by hand to see the full traceback.',
    cwd: spec.cwd,
    env: spec.env,
  });
}
