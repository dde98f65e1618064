/**
 * The recipe catalog: recipes/r*.yaml, validated and cached, and resolution of whatever a user calls a release
 * ("r1.4", "1.4", "1.4.1", "v1.4.1") to one recipe and one git tag.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { formatProblem, loadRecipeFile, readPatchIds, recipesDir, type RecipeProblem } from './load.js';
import { checkCatalogRules } from './rules.js';
import type { Recipe } from './schema.js';

export { CONTAINER_GENERATIONS, CPU_CONTAINER_GENERATIONS, GPU_CONTAINER_GENERATIONS } from './containers.js';
export { formatProblem, loadRecipeFile, parseRecipeText, patchesDir, recipesDir } from './load.js';
export type { RecipeLoadResult, RecipeProblem } from './load.js';
export { RecipeSchema, TEMPLATE_VARS } from './schema.js';
export type { Recipe, RecipeInput } from './schema.js';

let cache: { dir: string; recipes: Recipe[] } | null = null;

/** Every recipe file in `dir`, validated alone and together; throws ConfigError listing every problem. */
export function loadCatalog(dir: string = recipesDir()): Recipe[] {
  if (cache?.dir === dir) return cache.recipes;
  const files = readdirSync(dir)
    .filter((f) => /^r\d+\.\d+\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f));
  const patchIds = readPatchIds();
  const problems: RecipeProblem[] = [];
  const loaded: { file: string; recipe: Recipe }[] = [];
  for (const file of files) {
    const r = loadRecipeFile(file, patchIds);
    problems.push(...r.errors);
    if (r.value) loaded.push({ file, recipe: r.value });
  }
  problems.push(...checkCatalogRules(loaded));
  if (files.length === 0) problems.push({ file: dir, path: '', message: 'no recipe files (r*.yaml)' });
  if (problems.length > 0) {
    throw new ConfigError(`The recipe catalog in ${dir} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}).`, {
      details: problems.map(formatProblem),
      hint: 'Fix the listed fields; schema/recipe.schema.json describes every field.',
    });
  }
  const recipes = loaded.map((l) => l.recipe).sort((a, b) => compareVersions(a.version, b.version));
  cache = { dir, recipes };
  return recipes;
}

/**
 * One shipped recipe by line, validated alone: naming a release reads one file, not the 38 of the catalog (~50 ms
 * against ~600 ms on a 2-core box). The cross-file rules (no line or tag claimed twice) hold for the shipped
 * catalog by test (test/unit/recipes/catalog.test.ts). Null when no such file, or it names another line: the
 * catalog then explains.
 */
function loadShippedRecipe(line: string, dir: string = recipesDir()): Recipe | null {
  if (cache?.dir === dir) return cache.recipes.find((r) => r.line === line) ?? null;
  const file = path.join(dir, `${line}.yaml`);
  if (!existsSync(file)) return null;
  const r = loadRecipeFile(file);
  if (r.value === null) {
    throw new ConfigError(`The recipe ${file} is invalid (${r.errors.length} problem${r.errors.length === 1 ? '' : 's'}).`, {
      details: r.errors.map(formatProblem),
      hint: 'Fix the listed fields; schema/recipe.schema.json describes every field.',
    });
  }
  return r.value.line === line ? r.value : null;
}

export interface ParsedVersion {
  major: number;
  minor: number;
  /** The patch release and pre-release suffix asked for, e.g. "1" or "0-rc1"; null when only the line was named. */
  patch: string | null;
}

const VERSION_RE = /^[rv]?(\d+)\.(\d+)(?:\.(\d+)(-?rc\d+)?)?$/i;

/** "r1.4" | "1.4" | "1.4.1" | "v1.4.1" | "v2.0.0-rc1" → parts; null when it is not a version at all. */
export function parseVersionRequest(input: string): ParsedVersion | null {
  const m = VERSION_RE.exec(input.trim());
  if (!m) return null;
  const patch = m[3] === undefined ? null : `${m[3]}${m[4] ? (m[4].startsWith('-') ? m[4] : `-${m[4]}`) : ''}`;
  return { major: Number(m[1]), minor: Number(m[2]), patch: patch?.toLowerCase() ?? null };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The `count` releases nearest to major.minor in release order (neighbours on both sides of a gap), oldest first. */
export function findClosestRecipes(catalog: readonly Recipe[], major: number, minor: number, count = 3): Recipe[] {
  const sorted = [...catalog].sort((a, b) => compareVersions(a.version, b.version));
  const lineOf = (r: Recipe) => r.line.slice(1).split('.').map(Number) as [number, number];
  const below = sorted.filter((r) => { const [M, m] = lineOf(r); return M < major || (M === major && m < minor); }).reverse();
  const above = sorted.filter((r) => { const [M, m] = lineOf(r); return M > major || (M === major && m > minor); });
  const picked: Recipe[] = [];
  for (let i = 0; picked.length < count && (i < below.length || i < above.length); i++) {
    const lo = below[i];
    const hi = above[i];
    if (lo) picked.push(lo);
    if (hi && picked.length < count) picked.push(hi);
  }
  return picked.sort((a, b) => compareVersions(a.version, b.version));
}

function pickTag(recipe: Recipe, parsed: ParsedVersion | null, input: string): string {
  if (parsed === null || parsed.patch === null) return recipe.tags.default;
  const tag = `v${parsed.major}.${parsed.minor}.${parsed.patch}`;
  if (recipe.tags.known.includes(tag)) return tag;
  throw new ConfigError(`TensorFlow ${input} is not a known release of ${recipe.line}.`, {
    details: [`known tags of ${recipe.line}: ${recipe.tags.known.join(', ')} (default ${recipe.tags.default})`],
    hint: `Name one of the known tags, or just "${recipe.line}" for ${recipe.tags.default}. If the tag exists upstream, add it to tags.known in recipes/${recipe.line}.yaml.`,
  });
}

/**
 * Resolve a release name to its recipe and git tag. With `opts.recipeFile` the user's own recipe (YAML or JSON) is
 * validated like a shipped one and used instead of the catalog; `version` may then be empty.
 */
export function resolveRecipe(version: string, opts: { recipeFile?: string } = {}): { recipe: Recipe; tag: string } {
  const parsed = parseVersionRequest(version);
  if (opts.recipeFile !== undefined) {
    const r = loadRecipeFile(opts.recipeFile);
    if (r.value === null) {
      throw new ConfigError(`Recipe file ${opts.recipeFile} is invalid (${r.errors.length} problem${r.errors.length === 1 ? '' : 's'}).`, {
        details: r.errors.map(formatProblem),
        hint: 'Fix the listed fields (schema/recipe.schema.json describes them), or start from a shipped recipe: tfbuild recipes show VERSION --json.',
      });
    }
    const recipe = r.value;
    if (version.trim() === '' || parsed === null) return { recipe, tag: recipe.tags.default };
    if (`r${parsed.major}.${parsed.minor}` !== recipe.line) {
      throw new ConfigError(`Recipe file ${opts.recipeFile} is for ${recipe.line}, not ${version}.`, {
        hint: `Ask for ${recipe.line} (or one of ${recipe.tags.known.join(', ')}), or pass a recipe for ${version}.`,
      });
    }
    return { recipe, tag: pickTag(recipe, parsed, version) };
  }
  if (parsed !== null) {
    const one = loadShippedRecipe(`r${parsed.major}.${parsed.minor}`);
    if (one !== null) return { recipe: one, tag: pickTag(one, parsed, version) };
  }
  const catalog = loadCatalog();
  if (parsed === null) {
    throw new ConfigError(`"${version}" is not a TensorFlow version.`, {
      hint: `Name a release like r1.4, 1.4, 1.4.1 or v1.4.1; known lines: ${catalog[0]?.line ?? ''} … ${catalog.at(-1)?.line ?? ''} (tfbuild recipes).`,
    });
  }
  const recipe = catalog.find((r) => r.line === `r${parsed.major}.${parsed.minor}`);
  if (recipe === undefined) {
    const closest = findClosestRecipes(catalog, parsed.major, parsed.minor);
    throw new ConfigError(`No recipe for TensorFlow ${version}.`, {
      details: [`closest known releases: ${closest.map((r) => `${r.line} (${r.tags.default})`).join(', ')}`],
      hint: 'Pick one of those (tfbuild recipes lists all), or write your own recipe and pass --recipe FILE.',
    });
  }
  return { recipe, tag: pickTag(recipe, parsed, version) };
}
