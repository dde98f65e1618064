/**
 * Resume trusts what a step produced, not only the state file's word: a step recorded as done is skipped only when
 * its products are still there. A fresh clone after `<workdir>/src` was deleted has no patches applied and no
 * configure output, so patch and configure run again; a deleted wheel or venv is made again.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Exec } from '../exec/index.js';
import { applyPatches } from '../patches/index.js';
import type { Step } from '../plan/index.js';
import { isBuildVenvReady } from './build-python.js';
import type { StepOutputs } from './context.js';

/** True when what `step` recorded in `outputs` is still in place. */
export async function areProductsIntact(step: Step, outputs: StepOutputs, x: Exec): Promise<boolean> {
  switch (step.kind) {
    case 'patch': {
      if (step.patches.length === 0) return true;
      const outcomes = await applyPatches(step.patches, step.dir, x, { checkOnly: true }).catch(() => null);
      return outcomes !== null && outcomes.every((o) => o.status === 'already-applied');
    }
    case 'configure': {
      const rc = outputs.bazelrc;
      return rc === undefined || existsSync(isAbsolute(rc) ? rc : join(step.cwd, rc));
    }
    case 'package':
      return outputs.wheel === undefined || existsSync(outputs.wheel);
    case 'install':
      return outputs.python === undefined || existsSync(outputs.python);
    case 'build-python':
      return isBuildVenvReady(step);
    default:
      return true;
  }
}
