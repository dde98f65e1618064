/**
 * The checks `tfbuild doctor VERSION` adds to the generic ones: one per need of the recipe (python, compiler for
 * nvcc, bazel, JDK, CUDA, cuDNN, GPU, disk), from the same assessment the verdict uses, so the two never disagree.
 */
import { assessNeeds, type Need } from '../plan/verdict.js';
import type { Recipe } from '../recipes/schema.js';
import { installCommand } from './fix.js';
import { fail, pass, warn, type CheckContext, type CheckResult } from './types.js';

function fixFor(ctx: CheckContext, need: Extract<Need, { ok: false }>, recipe: Recipe): string {
  if (need.packages && (need.packages.apt?.length || need.packages.dnf?.length || need.packages.pacman?.length)) {
    const cmd = installCommand(ctx.facts, need.packages);
    // NVIDIA's packages come from its CUDA repository, not the distribution's.
    return need.id === 'cuda' || need.id === 'cudnn' ? `${cmd}   # from NVIDIA's CUDA repository` : cmd;
  }
  if (need.fix !== null) return need.fix;
  return `tfbuild docker ${recipe.line}${ctx.gpu ? ' --gpu' : ''}   # not installable on this host: build in a container`;
}

export function recipeChecks(ctx: CheckContext, recipe: Recipe): CheckResult[] {
  const { needs, impossible, notes } = assessNeeds(ctx.facts, recipe, { gpu: ctx.gpu });
  const out: CheckResult[] = [];
  for (const reason of impossible) {
    out.push(fail(`recipe.${recipe.line}.impossible`, reason, ctx.gpu ? `tfbuild doctor ${recipe.line}   # a CPU-only build, or a newer release (tfbuild recipes)` : 'tfbuild recipes'));
  }
  for (const need of needs) {
    const id = `recipe.${need.id}`;
    if (need.ok) out.push(pass(id, need.message));
    // Too little disk is a warning (the work dir can move elsewhere); every other unmet need blocks a native build.
    else if (need.id === 'disk') out.push(warn(id, need.reason, fixFor(ctx, need, recipe)));
    else out.push(fail(id, need.reason, fixFor(ctx, need, recipe)));
  }
  notes.forEach((n, i) => out.push(n.level === 'warn' ? warn(`recipe.note.${i}`, n.text, null) : pass(`recipe.note.${i}`, n.text)));
  return out;
}
