/**
 * PURE: the install and verify steps of a plan, for the python that makes the venv (or receives the wheel). The
 * native plan ends with them; the container route also makes them for this host (ids `host-install`,
 * `host-verify`), to install and verify the wheel the build container made.
 */
import { join } from 'node:path';
import { CHILD_LOCALE, sortEnv } from './configure-env.js';
import type { BuildOptions } from './options.js';
import { resolvePath, type PathEnv } from './paths.js';
import type { InstallStep, VerifyStep } from './types.js';
import { formatVerifyArgs } from './verify-args.js';

const PIP_INSTALL_ARGS = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '{wheel}'];

export interface InstallStepsInput {
  install: BuildOptions['install'];
  /** The python that makes the venv (mode venv). */
  python: string;
  workdir: string;
  /** The venv when install.venvDir is not given. */
  defaultVenvDir?: string;
  pathEnv: PathEnv;
  /** The wheel's version (getTagVersion). */
  version: string;
  cpuFlags: string[];
  /** The CPU the wheel must run on (the install guard and verify take it from the plan's facts). */
  hostIsa: string[];
  /** The receiving python's version as the plan's facts list it (null: read when the step runs, said so). */
  guardPythonVersion: string | null;
  gpu: boolean;
  /** A GPU must be visible to the verify: only where the plan's host has an NVIDIA driver. */
  requireGpu: boolean;
  era: VerifyStep['era'];
  /** The source tree: TensorFlow imported from there would prove nothing. */
  forbidPrefix: string | null;
  /** Step ids and title prefix (the container route's host steps). */
  ids?: { install: string; verify: string };
  where?: string;
}

export function planInstallSteps(i: InstallStepsInput): [InstallStep, VerifyStep] {
  const { install, python, workdir } = i;
  const locale = { ...CHILD_LOCALE };
  const where = i.where ?? '';
  const venvDir = install.mode === 'venv' ? resolvePath(i.pathEnv, install.venvDir ?? i.defaultVenvDir ?? join(workdir, 'venv')) : null;
  const target = install.mode === 'venv' ? join(venvDir ?? '', 'bin', 'python') : install.mode === 'into' ? install.python : null;
  // Every decision of the check is here: the executor uses these fields as they are. An expected flag this TF's
  // start-up check cannot report on (AVX-512F under r1.x) is a note, not a failure, since the build chose the flags.
  const verify = {
    expectVersion: i.version, expectFlags: i.cpuFlags, hostIsa: [...i.hostIsa], gpu: i.gpu,
    requireGpu: i.requireGpu, strictFlags: false, era: i.era, forbidPrefix: i.forbidPrefix,
  };
  return [{
    id: i.ids?.install ?? 'install', kind: 'install', title: install.mode === 'none' ? `Install${where}: skipped (--no-install)` : `Install the wheel${where} for ${target}`,
    cmd: install.mode === 'venv' ? python : install.mode === 'into' ? install.python : 'true',
    args: install.mode === 'venv' ? ['-m', 'venv', venvDir ?? ''] : install.mode === 'into' ? PIP_INSTALL_ARGS : [],
    cwd: workdir, env: { ...locale }, pathPrepend: [], mode: install.mode, python: install.mode === 'into' ? install.python : python,
    venvDir, targetPython: target,
    // The wheel and its runtime dependencies (numpy, protobuf, …) from the index pip is configured with: a fresh venv
    // has none of them, and TensorFlow does not import without them. A wheel with no dependencies needs no index.
    pip: target === null ? null : {
      cmd: target,
      args: PIP_INSTALL_ARGS,
      env: sortEnv({ ...locale, PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONNOUSERSITE: '1' }),
    },
    // The install guard's inputs are the plan's facts (the venv's python is its base python's version).
    guard: target === null ? null : { hostIsa: [...i.hostIsa], pythonVersion: i.guardPythonVersion },
  }, {
    id: i.ids?.verify ?? 'verify', kind: 'verify', title: target ? `Verify the installed TensorFlow${where} (${target})` : `Verify${where}: skipped (nothing installed)`,
    // Runs in-process from this step's fields; the command shown is the `tfbuild verify` that checks the same.
    cmd: target ? 'tfbuild' : 'true',
    args: target ? formatVerifyArgs({ ...verify, python: target }) : [],
    cwd: join(workdir, 'verify'), env: { ...locale }, pathPrepend: [],
    python: target, ...verify,
  }];
}
