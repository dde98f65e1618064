/** patch: check every patch first; conflicts stop the build with the files named and the tree untouched. */
import { existsSync } from 'node:fs';
import { formatCommand } from '../exec/index.js';
import { applyPatches } from '../patches/index.js';
import type { PatchStep } from '../plan/index.js';
import type { StepContext, StepOutputs } from './context.js';

export async function runPatchStep(step: PatchStep, ctx: StepContext): Promise<StepOutputs> {
  if (ctx.exec.dryRun && !existsSync(step.dir)) {
    ctx.exec.printDryRun(`# then: ${formatCommand([step.cmd, ...step.args])}`);
    return {};
  }
  const outcomes = await applyPatches(step.patches, step.dir, ctx.exec);
  const summary = outcomes.map((o) => `${o.id}: ${o.applied ? 'applied' : o.status}`).join(', ');
  ctx.setStatus(summary);
  return { patches: summary };
}
