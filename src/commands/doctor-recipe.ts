/**
 * The `doctor VERSION` plug-in: the recipe (src/recipes), its checks (src/checks/recipe.ts) and the build verdict
 * (src/plan/verdict.ts). Loaded only when a version is given.
 */
import { ConfigError } from '../errors.js';
import { resolveRecipe } from '../recipes/index.js';
import type { HostFacts } from '../probe/types.js';
import type { CheckContext, CheckResult } from '../checks/types.js';

export interface RecipeContext {
  recipeJson: unknown;
  checks: (ctx: CheckContext) => CheckResult[];
  verdict: (host: HostFacts, opts: { gpu: boolean; cudaPath?: string }) => unknown;
  formatVerdict: (verdict: unknown) => string;
}

type RecipeChecksModule = { recipeChecks: (ctx: CheckContext, recipe: unknown) => CheckResult[] };
type VerdictModule = { computeVerdict: (facts: HostFacts, recipe: unknown, opts: unknown) => unknown; formatVerdict?: (v: unknown) => string };

async function importOptional<T>(specifier: string, what: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new ConfigError(`tfbuild doctor VERSION needs ${what}, which this build of tfbuild does not have yet.`, {
        hint: 'Run tfbuild doctor without a version for the host checks; tfbuild recipes lists what each version needs.',
      });
    }
    throw e;
  }
}

/** A verdict's own text when its module offers one, else its summary fields. */
function fallbackFormat(v: unknown): string {
  if (v === null || typeof v !== 'object') return `Verdict: ${String(v)}`;
  const o = v as Record<string, unknown>;
  const head = [o.status, o.kind, o.summary, o.message].filter((x) => typeof x === 'string').join(': ');
  const next = [o.nextCommand, o.next].find((x) => typeof x === 'string');
  return [`Verdict: ${head || JSON.stringify(v)}`, ...(next ? [`Next: ${String(next)}`] : [])].join('\n');
}

export async function loadRecipeContext(version: string, recipeFile?: string): Promise<RecipeContext> {
  const { recipe, tag } = resolveRecipe(version, recipeFile ? { recipeFile } : {});
  // Specifiers in variables: these modules are written in parallel by another engineer (issue 3).
  const checksSpec = '../checks/recipe.js';
  const verdictSpec = '../plan/verdict.js';
  const [checksMod, verdictMod] = await Promise.all([
    importOptional<RecipeChecksModule>(checksSpec, 'the recipe checks (src/checks/recipe.ts)'),
    importOptional<VerdictModule>(verdictSpec, 'the build verdict (src/plan/verdict.ts)'),
  ]);
  return {
    recipeJson: { ...recipe, tag },
    checks: (ctx) => checksMod.recipeChecks(ctx, recipe),
    verdict: (host, opts) => verdictMod.computeVerdict(host, recipe, opts),
    formatVerdict: (v) => (verdictMod.formatVerdict ? verdictMod.formatVerdict(v) : fallbackFormat(v)),
  };
}
