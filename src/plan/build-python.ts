/**
 * PURE: which of the recipe's python.buildPackages the chosen python lacks, and the build venv that supplies them.
 * tfbuild never pip-installs into a system or managed python: a python that lacks a build package gets a
 * tfbuild-owned venv under the work dir (`--system-site-packages`, so what the python already has stays visible),
 * the missing packages are pip-installed there, and configure and packaging use that venv's python. The wheel
 * still installs into the python the user chose.
 */
import { join } from 'node:path';
import semver from 'semver';
import { shellQuote } from '../exec/format.js';
import type { PythonFacts } from '../probe/types.js';
import type { BuildPackage, Recipe } from '../recipes/schema.js';

export interface MissingPackage {
  name: string;
  /** The installed version that does not fit the spec; null when not installed. */
  have: string | null;
  /** What pip is given: NAME or NAME<SPEC> (e.g. numpy<1.19). */
  requirement: string;
}

/** PEP 503 normalization: the name pip and the probe compare by. */
export function normalizePackageName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** The installed version of a distribution; '' when it imports but its version is unknown; null when absent. */
function installedVersion(py: PythonFacts, name: string): string | null {
  const key = normalizePackageName(name);
  const probed = py.packages?.[key];
  if (probed !== undefined) return probed;
  // numpy, wheel and pip have fields of their own (also in facts saved before `packages` existed).
  if (key === 'numpy') return py.numpy;
  if (key === 'pip') return py.pip;
  if (key === 'wheel') return py.wheel ? '' : null;
  return null;
}

/** `<1.19,>=1.16` judged on a release like 1.26.4 (pre-release and local suffixes dropped, as semver.coerce does). */
export function satisfiesSpec(version: string, spec: string): boolean {
  const v = semver.coerce(version);
  if (v === null) return false;
  const range = spec.split(',').map((c) => c.replace(/^==/, '=')).join(' ');
  return semver.satisfies(v, range);
}

export function getRequirement(p: BuildPackage): string {
  return `${p.name}${p.spec ?? ''}`;
}

/** The recipe's build packages this python lacks (or has in a version outside the spec). */
export function findMissingBuildPackages(py: PythonFacts, recipe: Recipe): MissingPackage[] {
  const out: MissingPackage[] = [];
  for (const p of recipe.python.buildPackages) {
    const have = installedVersion(py, p.name);
    // A version the probe could not read ('') cannot be judged against a spec: taken as fitting.
    const fits = have !== null && (p.spec === undefined || have === '' || satisfiesSpec(have, p.spec));
    if (!fits) out.push({ name: p.name, have, requirement: getRequirement(p) });
  }
  return out;
}

/**
 * What the build venv gets: the missing requirements; all of the recipe's when the python is itself a venv, because a
 * venv made from a venv's python sees the base interpreter's packages, not that venv's (`--system-site-packages`
 * means the base's site-packages), so what the user's venv has would not be there.
 */
export function getBuildVenvRequirements(py: PythonFacts, recipe: Recipe, missing: readonly MissingPackage[]): string[] {
  if (missing.length === 0) return [];
  return py.isVenv === true ? recipe.python.buildPackages.map(getRequirement) : missing.map((m) => m.requirement);
}

/** The tfbuild-owned build venv of a work dir. */
export function getBuildVenvDir(workdir: string): string {
  return join(workdir, 'build-python');
}

/** argv that makes the build venv, and argv that fills it. */
export function buildVenvCommands(python: string, venvDir: string, requirements: readonly string[]): { venv: string[]; pip: string[] } {
  const venvPython = join(venvDir, 'bin', 'python');
  return {
    venv: [python, '-m', 'venv', '--system-site-packages', venvDir],
    pip: [venvPython, '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', ...requirements],
  };
}

/** One line saying what is missing: "numpy<1.19 (has 1.26.4), wheel (missing)". */
export function describeMissing(missing: readonly MissingPackage[]): string {
  return missing.map((m) => `${m.requirement} (${m.have === null ? 'missing' : `has ${m.have}`})`).join(', ');
}

/** The shell text of both commands, for a fix or a refusal. */
export function formatBuildVenvCommands(python: string, venvDir: string, requirements: readonly string[]): string {
  const c = buildVenvCommands(python, venvDir, requirements);
  return `${c.venv.map(shellQuote).join(' ')} && ${c.pip.map(shellQuote).join(' ')}`;
}

/** A python that can make the build venv: python 3 with the venv/ensurepip module (python 2 has no venv module). */
export function canMakeBuildVenv(py: PythonFacts): boolean {
  return py.venv && !py.version.startsWith('2.');
}

/** 0: has every build package; 1: can make a build venv for the missing ones; 2: needs a system fix first. */
export function getPythonReadiness(py: PythonFacts, recipe: Recipe): 0 | 1 | 2 {
  if (findMissingBuildPackages(py, recipe).length === 0) return 0;
  return canMakeBuildVenv(py) ? 1 : 2;
}

/** The best of `fitting` (other than `except`) that needs no system fix: every package first, then one that can make a venv. */
export function findReadyPython(fitting: readonly PythonFacts[], recipe: Recipe, except: PythonFacts): PythonFacts | null {
  const ready = fitting.filter((p) => p.path !== except.path && p.realPath !== except.realPath && getPythonReadiness(p, recipe) < 2);
  return [...ready].sort((a, b) => getPythonReadiness(a, recipe) - getPythonReadiness(b, recipe))[0] ?? null;
}

/** The advice for a python that needs a system fix, naming the ready alternative: "; or pass --python P (…)". */
export function formatReadyPython(alt: PythonFacts | null, recipe: Recipe): string {
  if (alt === null) return '';
  const why = getPythonReadiness(alt, recipe) === 0 ? 'has every build package' : 'can make the build venv';
  return `--python ${shellQuote(alt.path)} (python ${alt.version}, which fits and ${why})`;
}
