/**
 * Read and validate one recipe file (YAML or JSON): schema → cross-field rules → {value, warnings, errors}.
 * Expected problems are values; only resolveRecipe turns them into a ConfigError.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import YAML from 'yaml';
import { checkRecipeRules } from './rules.js';
import { RecipeSchema, type Recipe } from './schema.js';

export interface RecipeProblem {
  file: string;
  /** Dotted field path ("bazel.range"), or "" for the whole file. */
  path: string;
  message: string;
}

export interface RecipeLoadResult {
  value: Recipe | null;
  warnings: RecipeProblem[];
  errors: RecipeProblem[];
}

/** recipes/ of the installed package (code runs from dist/recipes/, sources from src/recipes/). */
export function recipesDir(): string {
  return fileURLToPath(new URL('../../recipes/', import.meta.url));
}

export function patchesDir(): string {
  return fileURLToPath(new URL('../../patches/', import.meta.url));
}

/** Ids of patches/<id>.yaml shipped with the package. */
export function readPatchIds(dir: string = patchesDir()): Set<string> {
  if (!existsSync(dir)) return new Set();
  return new Set(
    readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => f.replace(/\.ya?ml$/, '')),
  );
}

export function formatProblem(p: RecipeProblem): string {
  return p.path === '' ? `${p.file}: ${p.message}` : `${p.file}: ${p.path}: ${p.message}`;
}

/** Parse text already read from `file`; exported so tests and `--recipe -` style callers need no disk. */
export function parseRecipeText(text: string, file: string, patchIds: ReadonlySet<string> = readPatchIds()): RecipeLoadResult {
  const errors: RecipeProblem[] = [];
  const warnings: RecipeProblem[] = [];
  let data: unknown;
  if (file.endsWith('.json')) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      return { value: null, warnings, errors: [{ file, path: '', message: `not valid JSON: ${(e as Error).message}` }] };
    }
  } else {
    const doc = YAML.parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0) {
      return { value: null, warnings, errors: doc.errors.map((e) => ({ file, path: '', message: `not valid YAML: ${e.message.split('\n')[0]}` })) };
    }
    try {
      // An alias bomb (aliases of aliases) or an alias to no anchor throws here; a recipe needs neither.
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      return { value: null, warnings, errors: [{ file, path: '', message: `not usable YAML: ${(e as Error).message.split('\n')[0]}` }] };
    }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { value: null, warnings, errors: [{ file, path: '', message: 'a recipe must be a mapping of fields (see schema/recipe.schema.json)' }] };
  }
  const parsed = RecipeSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = issue.path.map(String);
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) errors.push({ file, path: [...at, key].join('.'), message: 'unknown field (a typo? schema/recipe.schema.json lists the fields)' });
      } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
        errors.push({ file, path: at.join('.'), message: `missing required field (${issue.expected})` });
      } else {
        errors.push({ file, path: at.join('.'), message: issue.message });
      }
    }
    return { value: null, warnings, errors };
  }
  const recipe = parsed.data;
  for (const p of checkRecipeRules(recipe, patchIds)) errors.push({ file, ...p });
  if (recipe.gpu && recipe.gpu.computeCapabilities.max === undefined) {
    warnings.push({ file, path: 'gpu.computeCapabilities.max', message: 'not set: a GPU too new for this CUDA cannot be detected' });
  }
  const newest = [...recipe.tags.known].filter((t) => semver.valid(t.slice(1))).sort((a, b) => semver.compare(a.slice(1), b.slice(1))).at(-1);
  if (newest !== undefined && newest !== recipe.tags.default) {
    warnings.push({ file, path: 'tags.default', message: `${recipe.tags.default} is not the newest known tag (${newest})` });
  }
  return { value: errors.length === 0 ? recipe : null, warnings, errors };
}

export function loadRecipeFile(file: string, patchIds?: ReadonlySet<string>): RecipeLoadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { value: null, warnings: [], errors: [{ file, path: '', message: code === 'ENOENT' ? 'no such file' : `cannot read: ${(e as Error).message}` }] };
  }
  return parseRecipeText(text, file, patchIds);
}
