/**
 * With a VERSION, doctor shows the host's general checks next to the recipe's. A general fix can contradict the
 * recipe ("install cudnn9-cuda-13" while r1.4 needs cuDNN 6 with CUDA 8): where a recipe check covers the same
 * thing, the general check keeps its finding but gives up its fix, pointing at the recipe's instead.
 */
import type { CheckResult } from './types.js';

/** General check id → the recipe check that decides the same question. */
const COVERED_BY: Record<string, string> = {
  'gpu.cuda': 'recipe.cuda',
  'gpu.cudnn': 'recipe.cudnn',
  compiler: 'recipe.compiler',
  bazel: 'recipe.bazel',
  python: 'recipe.python',
  java: 'recipe.jdk',
};

export function reconcileFixes(general: readonly CheckResult[], recipe: readonly CheckResult[]): CheckResult[] {
  const recipeIds = new Set(recipe.map((r) => r.id));
  return general.map((c) => {
    const by = COVERED_BY[c.id];
    if (by === undefined || !recipeIds.has(by) || c.fix === null) return c;
    return { ...c, fix: null, message: `${c.message} (for this release, see ${by})` };
  });
}
