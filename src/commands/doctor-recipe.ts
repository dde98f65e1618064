/**
 * The `doctor VERSION` part: the recipe (src/recipes), its checks (src/checks/recipe.ts) and the build verdict, which
 * comes from prepare() (the one road plan and build take), so doctor's verdict is theirs. doctor imports this module
 * only when a version is given, so a plain `doctor` does not pay for loading the recipe catalog.
 */
import { resolveRecipe } from '../recipes/index.js';
import type { Recipe } from '../recipes/schema.js';
import { recipeChecks } from '../checks/recipe.js';
import type { Verdict } from '../plan/verdict.js';
import { TfbuildError } from '../errors.js';
import type { HostFacts } from '../probe/types.js';
import type { CheckContext, CheckResult } from '../checks/types.js';

export interface RecipeContext {
  recipe: Recipe;
  tag: string;
  recipeJson: unknown;
  checks: (ctx: CheckContext) => CheckResult[];
  /** prepare() in plan mode (never asks, never writes) on the facts doctor probed: its verdict, and what became of the plan. */
  prepare: (host: HostFacts, o: DoctorPlanOptions) => Promise<DoctorVerdict>;
  formatVerdict: (verdict: Verdict) => string;
}

export interface DoctorPlanOptions {
  version: string | undefined;
  gpu: boolean;
  cudaPath?: string;
  cudnnPath?: string;
  recipeFile?: string;
  env: NodeJS.ProcessEnv;
}

export interface DoctorVerdict {
  /** null when prepare() stopped before a verdict (e.g. an invalid config file). */
  verdict: Verdict | null;
  /** One line: the plan plan/build would make here, or why none can be made. */
  plan: string;
}

/** Runs prepare() as `tfbuild plan` would for these options; a plan that cannot be made is a line, not a failure. */
async function prepareForDoctor(recipe: Recipe, host: HostFacts, o: DoctorPlanOptions): Promise<DoctorVerdict> {
  const { prepare } = await import('./prepare.js');
  const version = o.version ?? recipe.line;
  let verdict: Verdict | null = null;
  try {
    const p = await prepare({
      version, mode: 'plan', print: () => undefined, env: o.env, facts: host, onVerdict: (v) => { verdict = v; },
      flags: { gpu: o.gpu, ...(o.cudaPath ? { cudaPath: o.cudaPath } : {}), ...(o.cudnnPath ? { cudnnPath: o.cudnnPath } : {}), ...(o.recipeFile ? { recipe: o.recipeFile } : {}) },
    });
    const plan = p.route === 'native' && p.plan
      ? `Plan: native, ${p.plan.steps.length} steps (tfbuild plan ${version} shows each command).`
      : p.route === 'container' ? `Plan: the container route (${p.dockerCommand ?? `tfbuild docker ${version}`}).` : 'Plan: none (no build was chosen).';
    return { verdict: p.verdict, plan };
  } catch (e) {
    if (!(e instanceof TfbuildError)) throw e;
    // The refusal as plan/build print it: its message, the commands or reasons it names, and what to do.
    const details = e.details.filter((d) => !d.startsWith('why: ')).map((d) => `\n  ${d}`).join('');
    // The hint names tfbuild build/plan's options (doctor has no --yes): said so.
    return { verdict, plan: `Plan: not made here: ${e.message}${details}${e.hint ? `\n  With tfbuild build ${version} (or plan): ${e.hint}` : ''}` };
  }
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
    prepare: (host, o) => prepareForDoctor(recipe, host, o),
    formatVerdict: (v) => formatVerdict(v, `${recipe.line} (${tag})`),
  };
}
