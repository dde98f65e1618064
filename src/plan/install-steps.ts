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
  hostIsa: string[];
  gpu: boolean;
  era: VerifyStep['era'];
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
  }, {
    id: i.ids?.verify ?? 'verify', kind: 'verify', title: target ? `Verify the installed TensorFlow${where} (${target})` : `Verify${where}: skipped (nothing installed)`,
    // Runs in-process from this step's fields; the equivalent command line is `tfbuild verify` with them.
    cmd: target ? 'tfbuild' : 'true',
    args: target ? ['verify', '--python', target, '--expect-version', i.version, '--expect-flags', i.cpuFlags.length > 0 ? i.cpuFlags.join(',') : 'none', ...(i.gpu ? ['--gpu'] : [])] : [],
    cwd: join(workdir, 'verify'), env: { ...locale }, pathPrepend: [],
    python: target, expectVersion: i.version, expectFlags: i.cpuFlags, hostIsa: i.hostIsa, gpu: i.gpu, era: i.era,
  }];
}
