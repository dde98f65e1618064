/**
 * After a container build: the plan's install and verify steps ran in the build container, with the image's
 * python. When this host can run the wheel too (the install guard: its CPU has the ISA compiled in, a python here
 * has the wheel's cpXY tag), the wheel is installed into a venv of that python in the work dir and verified here,
 * and the output says which python it was; otherwise it says why not. A host-side failure is reported, not fatal:
 * the wheel was built and verified in the container.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createExec, shellQuote } from '../exec/index.js';
import { verifyWheelRunsHere } from '../steps/wheel-guard.js';
import { createVenv, venvPython } from '../tools/python.js';
import { forgetPythonInfo } from '../tools/python-info.js';
import { installWheel } from './install.js';
import type { Prepared } from './prepare.js';
import { verifyInstalled } from './verify.js';

export type HostInstall = { installed: true; python: string } | { installed: false; reason: string };

export async function installOnHost(wheel: string, p: Prepared, workdir: string, say: (l: string) => void): Promise<HostInstall> {
  if (p.options.install.mode === 'none') {
    say('The wheel was not installed (--no-install); on a host that can run it: tfbuild install ' + shellQuote(wheel));
    return { installed: false, reason: '--no-install' };
  }
  say('The install and verify steps ran in the build container, with the image\'s python.');
  // The container's answers about same-named pythons are gone; these are this host's.
  forgetPythonInfo();
  const refusals: string[] = [];
  // This host's runner (the container's is gone with its container).
  const x = createExec({ secrets: p.secrets });
  for (const py of p.facts.pythons) {
    try {
      await verifyWheelRunsHere(wheel, py.path);
    } catch (e) {
      refusals.push(`${py.path}: ${(e as Error).message}`);
      continue;
    }
    const venv = join(workdir, 'host-venv');
    try {
      if (!existsSync(venvPython(venv))) await createVenv({ python: py.path, dir: venv }, x);
      await installWheel({ wheel, python: venvPython(venv) }, x);
      // The plan's own verify expectations (version, era), checked against this host.
      const step = p.plan?.steps.find((s) => s.kind === 'verify');
      const expect = step?.kind === 'verify' ? { ...(step.expectVersion ? { expectVersion: step.expectVersion } : {}), era: step.era } : {};
      const v = await verifyInstalled({ python: venvPython(venv), gpu: p.options.gpu, ...expect });
      if (!v.ok) throw new Error(v.problems.join('; ') || 'verification failed');
      say(`Installed and verified on this host as well: ${venvPython(venv)} (a venv of ${py.path}).`);
      return { installed: true, python: venvPython(venv) };
    } catch (e) {
      say(`This host could run the wheel (${py.path}), but installing or verifying it here failed: ${(e as Error).message}. Try: tfbuild install ${shellQuote(wheel)} --python PYTHON`);
      return { installed: false, reason: (e as Error).message };
    }
  }
  const reason = refusals[0] ?? 'no python found on this host';
  say(`The wheel is not installed on this host, which cannot run it (${reason}); the verify in the container stands.`);
  return { installed: false, reason };
}
