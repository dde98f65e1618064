/** The complete ./configure environment of a recipe era: every variable it would otherwise ask for. */
import { basename } from 'node:path';
import { ConfigError, EnvironmentError, UsageError } from '../errors.js';
import { formatTemplateHint } from './template-sources.js';
import { TEMPLATE_VARS, type Recipe, type TemplateVar } from '../recipes/schema.js';

export type TemplateValues = Partial<Record<TemplateVar, string>>;

/** Children run with a UTF-8 locale whatever the user's is: configure.py and bazel choke on non-UTF-8 paths. */
export const CHILD_LOCALE = { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } as const;

export function formatBool(value: boolean, format: Recipe['configure']['boolFormat']): string {
  switch (format) {
    case '01':
      return value ? '1' : '0';
    case 'yn':
      return value ? 'y' : 'n';
    case 'truefalse':
      return value ? 'true' : 'false';
  }
}

export function isWanted(when: 'always' | 'cpu' | 'gpu', gpu: boolean): boolean {
  return when === 'always' || (when === 'gpu') === gpu;
}

export function expandTemplate(value: string, vars: TemplateValues, where: string): string {
  return value.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => {
    if (!(TEMPLATE_VARS as readonly string[]).includes(name)) {
      throw new ConfigError(`${where}: unknown template variable ${whole}.`, {
        hint: `Use one of ${TEMPLATE_VARS.map((v) => `{${v}}`).join(' ')}.`,
      });
    }
    const v = vars[name as TemplateVar];
    if (v === undefined) {
      // The recipe is fine; this host (or its saved facts) lacks what provides the value: an environment fault.
      throw new EnvironmentError(`${where}: ${whole} has no value on this host.`, { hint: formatTemplateHint(name as TemplateVar) });
    }
    return v;
  });
}

function sortEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The variables exported before ./configure, in recipe order: booleans in the era's spelling, templates through
 * `fill`. The one renderer of a recipe's configure env: the plan fills every template (a missing value is an
 * error), `tfbuild recipes show` leaves unknown ones as {name}.
 */
export function renderConfigureEnv(recipe: Recipe, gpu: boolean, fill: (value: string, name: string) => string): { name: string; value: string; description?: string }[] {
  return recipe.configure.env
    .filter((e) => isWanted(e.when, gpu))
    .map((e) => {
      const value = e.bool !== undefined
        ? formatBool(e.bool === 'gpu' ? gpu : e.bool === 'cpu' ? !gpu : e.bool, recipe.configure.boolFormat)
        : fill(e.value ?? '', e.name);
      return { name: e.name, value, ...(e.description ? { description: e.description } : {}) };
    });
}

/** Whether a clang-era recipe (one that answers TF_NEED_CLANG) builds with clang or, on request, with gcc. */
export interface CompilerRoute {
  clang: boolean;
  warnings: string[];
}

const CLANG_PATH_VARS = new Set(['CLANG_COMPILER_PATH', 'CLANG_CUDA_COMPILER_PATH']);
const CLANG_SWITCHES = new Set(['TF_NEED_CLANG', 'TF_CUDA_CLANG']);

export function isClangEra(recipe: Recipe): boolean {
  return recipe.configure.env.some((e) => e.name === 'TF_NEED_CLANG');
}

/**
 * 2.14+ configure.py defaults to clang, but accepts TF_NEED_CLANG=0 (gcc), which TensorFlow does not test and many
 * users run. gcc is chosen when --host-compiler names a gcc, or when the host has no clang at all.
 */
export function chooseCompilerRoute(
  recipe: Recipe,
  i: { hostCompiler: string | undefined; hostCompilerKind: 'gcc' | 'clang' | null; clang: string | undefined },
): CompilerRoute {
  if (!isClangEra(recipe)) return { clang: false, warnings: [] };
  const askedGcc = i.hostCompiler !== undefined && (i.hostCompilerKind ?? (/clang/.test(basename(i.hostCompiler)) ? 'clang' : 'gcc')) === 'gcc';
  if (!askedGcc && i.clang !== undefined) return { clang: true, warnings: [] };
  const why = askedGcc ? `--host-compiler ${i.hostCompiler} is gcc` : 'this host has no clang';
  return {
    clang: false,
    warnings: [
      `${why}: building ${recipe.line} with gcc (TF_NEED_CLANG=0). TensorFlow ${recipe.version.replace(/\.0$/, '')} is tested with ${recipe.tested.compiler} only; gcc builds are untested upstream and may fail or warn where clang would not. Install clang for the tested route (tfbuild doctor ${recipe.line.replace(/^r/, '')} shows how).`,
    ],
  };
}

/** The hermetic-CUDA era (2.18+) asks for LOCAL_CUDA_PATH: empty = bazel downloads CUDA, a path = a local toolkit. */
export function hasCudaSourceChoice(recipe: Recipe): boolean {
  return recipe.configure.env.some((e) => e.name === 'LOCAL_CUDA_PATH');
}

/**
 * --cuda-source local: LOCAL_CUDA_PATH/LOCAL_CUDNN_PATH point at the probed toolkit and cuDNN (NCCL stays hermetic:
 * tfbuild does not probe it). Refused where the release has no such choice or the host has no toolkit.
 */
function applyCudaSource(env: Record<string, string>, recipe: Recipe, gpu: boolean, vars: TemplateValues, source: 'hermetic' | 'local'): void {
  if (source === 'hermetic' || !gpu) return;
  if (!hasCudaSourceChoice(recipe)) {
    throw new UsageError(`--cuda-source local: ${recipe.line} has no hermetic CUDA; it always builds with the local toolkit.`, {
      hint: 'Leave --cuda-source out for this release (pass --cuda-path to choose the toolkit).',
    });
  }
  if (vars.cudaPath === undefined || vars.cudnnPath === undefined) {
    throw new UsageError('--cuda-source local needs a local CUDA toolkit and cuDNN, and this host has none probed.', {
      hint: 'Pass --cuda-path DIR and --cudnn-path DIR, or use --cuda-source hermetic (bazel downloads them).',
    });
  }
  env.LOCAL_CUDA_PATH = vars.cudaPath;
  env.LOCAL_CUDNN_PATH = vars.cudnnPath;
}

export function buildConfigureEnv(
  recipe: Recipe,
  gpu: boolean,
  vars: TemplateValues,
  route: CompilerRoute | null = null,
  cudaSource: 'hermetic' | 'local' = 'hermetic',
): Record<string, string> {
  const gcc = route !== null && !route.clang && isClangEra(recipe);
  const env: Record<string, string> = {};
  const entries = renderConfigureEnv(recipe, gpu, (v, name) =>
    gcc && CLANG_PATH_VARS.has(name) ? '' : expandTemplate(v, vars, `recipe ${recipe.line} configure env ${name}`),
  );
  for (const e of entries) {
    if (gcc && CLANG_PATH_VARS.has(e.name)) continue;
    env[e.name] = gcc && CLANG_SWITCHES.has(e.name) ? formatBool(false, recipe.configure.boolFormat) : e.value;
  }
  applyCudaSource(env, recipe, gpu, vars, cudaSource);
  // nvcc instead of clang compiles CUDA: configure.py then asks which gcc nvcc should use.
  if (gcc && gpu && env.GCC_HOST_COMPILER_PATH === undefined) {
    env.GCC_HOST_COMPILER_PATH = expandTemplate('{hostCompiler}', vars, `recipe ${recipe.line} GCC_HOST_COMPILER_PATH`);
  }
  return sortEnv({ ...env, ...CHILD_LOCALE });
}

export { sortEnv };
