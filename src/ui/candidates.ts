/** The choices a decision offers, from the host facts and the recipe: usable ones first, the others with why not. Pure. */
import { compilerRange } from '../plan/verdict.js';
import type { BuildOptions } from '../plan/options.js';
import { getHermeticVersions, getPythonVersion } from '../plan/wheel-python.js';
import type { CompilerFacts, HostFacts, PythonFacts } from '../probe/types.js';
import { isVersionInRange as inRange, majorMinor } from '../recipes/rules.js';
import type { Recipe } from '../recipes/schema.js';
import type { Candidate } from './prompts.js';

/** A verdict choice as a path: a string, or an object with a path. */
export function pathOf(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (x && typeof x === 'object' && typeof (x as { path?: unknown }).path === 'string') return (x as { path: string }).path;
  return undefined;
}

/**
 * Pythons to build with. Up to 2.13 the wheel is built for the python that runs configure, so it must be in the
 * recipe's range. From 2.14 (hermetic python) bazel builds with its own python at TF_PYTHON_VERSION: the host python
 * only runs configure and, with the default install, makes the venv that receives the wheel, so then its version must
 * be one bazel's rule offers (another would silently fall back to the rule's default and the venv could not install
 * the wheel). With --install-into PYTHON or --no-install any python 3 may run configure.
 */
export function getPythonCandidates(facts: HostFacts, recipe: Recipe, install?: BuildOptions['install']): Candidate[] {
  const seen = new Set<string>();
  const hermetic = getHermeticVersions(recipe);
  const receives = install === undefined || install.mode === 'venv';
  const intoVersion = install?.mode === 'into' ? getPythonVersion(facts, install.python) : null;
  const unusable = (p: PythonFacts): string | undefined => {
    const mm = majorMinor(p.version);
    if (hermetic === null) {
      if (!inRange(p.version, recipe.python.range)) return `TensorFlow ${recipe.line} needs python ${recipe.python.range}`;
      if (intoVersion !== null && mm !== intoVersion) return `the wheel is built for this python, but the one to install into is python ${intoVersion}`;
      return undefined;
    }
    if (receives) {
      if (hermetic.includes(mm)) return undefined;
      const onlyConfigure = install === undefined ? ' (with --no-install or --install-into PYTHON it may still run configure)' : '';
      return `TensorFlow ${recipe.line} builds wheels with bazel's own python (${hermetic.join(', ')}): a venv of python ${mm} could not install one${onlyConfigure}`;
    }
    return inRange(p.version, '>=3.7.0') ? undefined : 'configure needs python 3.7 or newer';
  };
  return facts.pythons
    .filter((p: PythonFacts) => (seen.has(p.realPath) ? false : (seen.add(p.realPath), true)))
    .map((p) => {
      const why = unusable(p);
      return { value: p.path, label: `python ${p.version} (${p.path})`, ...(why === undefined ? {} : { unusable: why }) };
    });
}

/** Pythons to install into: only those that can install the wheel the chosen build python makes. */
export function getInstallCandidates(facts: HostFacts, recipe: Recipe, python: string | undefined): Candidate[] {
  const hermetic = getHermeticVersions(recipe);
  const built = python === undefined ? null : getPythonVersion(facts, python);
  return facts.pythons.map((p) => {
    const mm = majorMinor(p.version);
    const why =
      hermetic !== null
        ? hermetic.includes(mm) ? undefined : `bazel's hermetic python for ${recipe.line} builds wheels for python ${hermetic.join(', ')}`
        : built !== null && mm !== built ? `the wheel is built for python ${built} (the python that runs configure)` : undefined;
    return { value: p.path, label: `python ${p.version} (${p.path})`, ...(why === undefined ? {} : { unusable: why }) };
  });
}

export function getCompilerCandidates(facts: HostFacts, recipe: Recipe, gpu: boolean): Candidate[] {
  const range = compilerRange(recipe, gpu);
  return facts.compilers.map((c: CompilerFacts) => ({
    value: c.path,
    label: `${c.kind} ${c.version} (${c.path})`,
    ...(c.kind !== recipe.compiler.kind
      ? { unusable: `${recipe.line} is built with ${recipe.compiler.kind}` }
      : inRange(c.version, range)
        ? {}
        : { unusable: `${recipe.line} needs ${c.kind} ${range}` }),
  }));
}

export function getCudaCandidates(facts: HostFacts, recipe: Recipe): Candidate[] {
  const range = recipe.gpu?.cuda.range ?? '*';
  return facts.cuda.map((c) => ({
    value: c.path,
    label: `CUDA ${c.version} (${c.path})`,
    ...(!inRange(c.version, range)
      ? { unusable: `${recipe.line} needs CUDA ${range}` }
      : c.cudart
        ? {}
        : { unusable: `no libcudart under ${c.path}` }),
  }));
}

