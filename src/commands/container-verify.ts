/**
 * After a container build: the plan's install and verify steps ran in the build container (the wheel's python is
 * the image's). Whether this host can run the wheel as well is checked here with the install guard, and said.
 */
import { shellQuote } from '../exec/index.js';
import { verifyWheelRunsHere } from '../steps/wheel-guard.js';
import type { Prepared } from './prepare.js';

export async function checkWheelOnHost(wheel: string, p: Prepared, say: (l: string) => void): Promise<boolean> {
  const where = p.options.install.mode === 'none' ? 'The wheel was not installed (--no-install).' : 'The install and verify steps ran in the build container, with the image\'s python.';
  say(where);
  const refusals: string[] = [];
  for (const py of p.facts.pythons) {
    try {
      await verifyWheelRunsHere(wheel, py.path);
      say(`This host can run the wheel too: tfbuild install ${shellQuote(wheel)} --python ${shellQuote(py.path)}`);
      return true;
    } catch (e) {
      refusals.push(`${py.path}: ${(e as Error).message}`);
    }
  }
  say(`This host cannot run the wheel as it is (${refusals[0] ?? 'no python found here'}); use it in ${p.container?.generation.name ?? 'the image'} or on a matching host.`);
  return false;
}
