/**
 * The `doctor VERSION` part: the recipe (src/recipes), its checks (src/checks/recipe.ts) and the build verdict
 * (src/plan/verdict.ts). doctor imports this module only when a version is given, so a plain `doctor` does not
 * pay for loading the recipe catalog.
 */
import { resolveRecipe } from '../recipes/index.js';
import type { Recipe } from '../recipes/schema.js';
import { recipeChecks } from '../checks/recipe.js';
import { computeVerdict, type Verdict, type VerdictOptions } from '../plan/verdict.js';
import type { HostFacts } from '../probe/types.js';
import type { CheckContext, CheckResult } from '../checks/types.js';

export interface RecipeContext {
  recipe: Recipe;
  tag: string;
  recipeJson: unknown;
  checks: (ctx: CheckContext) => CheckResult[];
  verdict: (host: HostFacts, opts: VerdictOptions) => Verdict;
  formatVerdict: (verdict: Verdict) => string;
}

const KIND_TEXT: Record<Verdict['kind'], string> = {
  native: 'builds natively on this host as it is',
  'native-after-fixes': 'builds natively after the fixes below',
  container: 'build it in a container (this host cannot provide what it needs)',
  impossible: 'cannot be built as asked',
};

export function formatVerdict(v: Verdict, label: string): string {
  const lines = [`Verdict for ${label}: ${v.kind} (${KIND_TEXT[v.kind]})`];
  for (const r of v.reasons) lines.push(`  - ${r}`);
  if (v.fixes.length > 0) {
    lines.push('Fixes:');
    for (const f of v.fixes) lines.push(`  ${f}`);
  }
  lines.push(`Next: ${v.nextCommand}`);
  return lines.join('\n');
}

export async function loadRecipeContext(version: string, recipeFile?: string): Promise<RecipeContext> {
  const { recipe, tag } = resolveRecipe(version, recipeFile ? { recipeFile } : {});
  return {
    recipe,
    tag,
    recipeJson: { tag, ...recipe },
    checks: (ctx) => recipeChecks(ctx, recipe),
    verdict: (host, opts) => computeVerdict(host, recipe, opts),
    formatVerdict: (v) => formatVerdict(v, `${recipe.line} (${tag})`),
  };
}
