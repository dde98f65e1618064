/**
 * Cross-field rules a schema cannot express.
 * Pure: the set of existing patch ids is passed in.
 */
import semver from 'semver';
import { CONTAINER_GENERATIONS, isCpuContainerGeneration, isGpuContainerGeneration } from './containers.js';
import { TEMPLATE_VARS, type Recipe } from './schema.js';

export interface RuleProblem {
  /** Dotted field path, e.g. "bazel.tested". */
  path: string;
  message: string;
}

/** "4.8" → "4.8.0", "0.10.0 (GPU table: 0.9.0)" → "0.10.0", "8" → "8.0.0"; null when no number. */
export function coerceVersion(s: string): string | null {
  return semver.coerce(s)?.version ?? null;
}

/** "3.11.7" → "3.11" (a python's X.Y, as recipes and TF_PYTHON_VERSION name it); the input when it has no number. */
/** Whether a version as tools print it ("5.4.0", "12", "gcc 11.4.0-1ubuntu1") satisfies a semver range. */
export function isVersionInRange(version: string, range: string): boolean {
  const v = semver.coerce(version);
  return v !== null && semver.satisfies(v, range);
}

export function majorMinor(v: string): string {
  const c = semver.coerce(v);
  return c ? `${c.major}.${c.minor}` : v;
}

/** Every python version a docs string like "2.7, 3.3-3.6" names as an endpoint. */
export function listTestedPythons(s: string): string[] {
  return s
    .split(/[,\s-]+/)
    .filter((p) => /^\d+\.\d+$/.test(p))
    .map((p) => `${p}.0`);
}

const TEMPLATE_RE = /\{([^{}]*)\}/g;

function unknownTemplateVars(value: string): string[] {
  const bad: string[] = [];
  for (const m of value.matchAll(TEMPLATE_RE)) {
    const name = m[1] ?? '';
    if (!(TEMPLATE_VARS as readonly string[]).includes(name)) bad.push(name);
  }
  return bad;
}

function inRange(version: string | null, range: string): boolean {
  return version !== null && semver.satisfies(version, range);
}

/** Problems inside one recipe. */
export function checkRecipeRules(r: Recipe, patchIds: ReadonlySet<string>): RuleProblem[] {
  const out: RuleProblem[] = [];
  const add = (path: string, message: string) => out.push({ path, message });

  const v = semver.parse(r.version);
  if (v && r.line !== `r${v.major}.${v.minor}`) add('line', `must be r${v.major}.${v.minor} for version ${r.version}`);

  if (!r.tags.known.includes(r.tags.default)) add('tags.default', `"${r.tags.default}" is not in tags.known (${r.tags.known.join(', ')})`);
  const lineMm = r.line.slice(1);
  r.tags.known.forEach((t, i) => {
    const m = /^v(\d+\.\d+)\.\d+(-?rc\d+)?$/.exec(t);
    if (!m) add(`tags.known.${i}`, `"${t}" is not a release tag like "v${lineMm}.0"`);
    else if (m[1] !== lineMm) add(`tags.known.${i}`, `"${t}" does not belong to line ${r.line}`);
  });
  if (new Set(r.tags.known).size !== r.tags.known.length) add('tags.known', 'lists a tag twice');

  for (const py of listTestedPythons(r.tested.python)) {
    if (!semver.satisfies(py, r.python.range)) add('python.range', `tested python ${py} is outside "${r.python.range}"`);
  }
  if (!r.python.hermetic && !inRange(coerceVersion(r.python.preferred), r.python.range)) {
    add('python.preferred', `${r.python.preferred} is outside python.range "${r.python.range}"`);
  }
  if (r.python.hermetic) {
    if (!r.python.hermeticVersions?.length) add('python.hermeticVersions', 'a hermetic-python recipe must list the versions its rule accepts');
    else if (!r.python.hermeticVersions.includes(r.python.preferred)) add('python.preferred', `${r.python.preferred} is not in python.hermeticVersions`);
  }

  const testedCompiler = coerceVersion(r.tested.compiler);
  if (!r.tested.compiler.toLowerCase().startsWith(r.compiler.kind)) {
    add('compiler.kind', `"${r.compiler.kind}" does not match tested compiler "${r.tested.compiler}"`);
  }
  if (!inRange(testedCompiler, r.compiler.range)) add('compiler.range', `tested compiler ${r.tested.compiler} is outside "${r.compiler.range}"`);
  if (r.gpu && r.compiler.gpuRange === undefined) add('compiler.gpuRange', 'a recipe with gpu must say which host compilers nvcc accepts');

  const testedBazels = (r.tested.bazel.match(/\d+\.\d+\.\d+/g) ?? []) as string[];
  if (r.bazel.tested !== testedBazels[0]) add('bazel.tested', `"${r.bazel.tested}" differs from tested.bazel "${r.tested.bazel}"`);
  for (const b of testedBazels) {
    if (!semver.satisfies(b, r.bazel.range)) add('bazel.range', `tested bazel ${b} is outside "${r.bazel.range}"`);
    r.bazel.broken.forEach((br, i) => {
      if (semver.satisfies(b, br.bazel)) add(`bazel.broken.${i}.bazel`, `marks the tested bazel ${b} as broken`);
    });
  }

  if (r.gpu) {
    if (!inRange(coerceVersion(r.tested.cuda), r.gpu.cuda.range)) add('gpu.cuda.range', `tested CUDA ${r.tested.cuda} is outside "${r.gpu.cuda.range}"`);
    if (r.gpu.cuda.tested !== r.tested.cuda) add('gpu.cuda.tested', `"${r.gpu.cuda.tested}" differs from tested.cuda "${r.tested.cuda}"`);
    if (!inRange(coerceVersion(r.tested.cudnn), r.gpu.cudnn.range)) add('gpu.cudnn.range', `tested cuDNN ${r.tested.cudnn} is outside "${r.gpu.cudnn.range}"`);
    if (r.gpu.cudnn.tested !== r.tested.cudnn) add('gpu.cudnn.tested', `"${r.gpu.cudnn.tested}" differs from tested.cudnn "${r.tested.cudnn}"`);
    const cc = r.gpu.computeCapabilities;
    const ccs = cc.default.split(',').map((c) => c.trim());
    for (const c of ccs) {
      if (!/^\d+\.\d+$/.test(c)) add('gpu.computeCapabilities.default', `"${c}" is not a capability like "3.5"`);
      else if (compareCapability(c, cc.min) < 0) add('gpu.computeCapabilities.default', `${c} is below min ${cc.min}`);
      else if (cc.max !== undefined && compareCapability(c, cc.max) > 0) add('gpu.computeCapabilities.default', `${c} is above max ${cc.max}`);
    }
  }

  r.configure.env.forEach((e, i) => {
    if (e.value !== undefined) {
      for (const bad of unknownTemplateVars(e.value)) {
        add(`configure.env.${i}.value`, `unknown template variable {${bad}} in ${e.name}; known: ${TEMPLATE_VARS.map((t) => `{${t}}`).join(' ')}`);
      }
    }
  });
  const envNames = r.configure.env.map((e) => `${e.name}/${e.when}`);
  envNames.forEach((n, i) => {
    if (envNames.indexOf(n) !== i) add(`configure.env.${i}.name`, `${n.split('/')[0]} is listed twice for the same builds`);
  });
  // Who compiles CUDA must agree with compiler.kind: the verdict picks the compiler the env hands to configure.
  const cudaClang = r.configure.env.findIndex((e) => e.name === 'TF_CUDA_CLANG' && e.bool === true);
  const gccHost = r.configure.env.findIndex((e) => e.name === 'GCC_HOST_COMPILER_PATH');
  if (cudaClang >= 0 && r.compiler.kind !== 'clang') add(`configure.env.${cudaClang}.bool`, 'TF_CUDA_CLANG=1 needs compiler.kind clang');
  if (cudaClang >= 0 && gccHost >= 0) add(`configure.env.${gccHost}.name`, 'GCC_HOST_COMPILER_PATH is unused when TF_CUDA_CLANG=1');
  if (r.gpu && !r.gpu.hermetic && r.compiler.kind === 'gcc' && gccHost < 0) add('configure.env', 'a gcc GPU build must set GCC_HOST_COMPILER_PATH for nvcc');

  r.build.repoEnv.forEach((e, i) => {
    for (const bad of unknownTemplateVars(e.value)) add(`build.repoEnv.${i}.value`, `unknown template variable {${bad}} in ${e.name}`);
  });
  if ((r.build.packaging.kind === 'wheel-rule') !== r.build.repoEnv.some((e) => e.name === 'WHEEL_NAME')) {
    add('build.repoEnv', 'a wheel-rule build names its wheel with --repo_env=WHEEL_NAME (and build_pip_package does not)');
  }

  r.patches.forEach((id, i) => {
    if (!patchIds.has(id)) add(`patches.${i}`, `no patch file patches/${id}.yaml`);
  });

  const generations = CONTAINER_GENERATIONS.join(', ');
  if (!isCpuContainerGeneration(r.containers.cpu)) add('containers.cpu', `"${r.containers.cpu}" is not a CPU image generation (one of ${generations} with a cpu- prefix)`);
  if (r.containers.gpu !== null && !isGpuContainerGeneration(r.containers.gpu)) add('containers.gpu', `"${r.containers.gpu}" is not a GPU image generation (${generations})`);
  if (r.gpu && r.containers.gpu === null) add('containers.gpu', 'a recipe with gpu needs a GPU image generation');

  return out;
}

/** Problems between recipes of one catalog: each version, line and tag belongs to one recipe only. */
export function checkCatalogRules(recipes: readonly { file: string; recipe: Recipe }[]): { file: string; path: string; message: string }[] {
  const out: { file: string; path: string; message: string }[] = [];
  const seen = new Map<string, string>();
  for (const { file, recipe } of recipes) {
    for (const [path, key] of [
      ['version', `version ${recipe.version}`],
      ['line', `line ${recipe.line}`],
      ...recipe.tags.known.map((t, i) => [`tags.known.${i}`, `tag ${t}`] as const),
    ] as const) {
      const prev = seen.get(key);
      if (prev !== undefined) out.push({ file, path, message: `${key} is also claimed by ${prev}` });
      else seen.set(key, file);
    }
  }
  return out;
}

/** Compare "8.6" with "9.0" numerically (string compare gets "10.0" < "9.0" wrong). */
export function compareCapability(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}
