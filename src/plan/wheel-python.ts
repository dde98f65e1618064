/**
 * PURE: which python the wheel is built for, and whether the python that receives it can install it.
 *
 * Up to 2.13 the wheel's cpXY tag is the python that ran ./configure (PYTHON_BIN_PATH). From 2.14 bazel downloads its
 * own python (hermetic Python): the tag follows --repo_env=TF_PYTHON_VERSION / HERMETIC_PYTHON_VERSION, and a value the
 * tag's rule does not offer falls back to the rule's default with only a warning in the bazel log
 * (a reported 2.14.0 build gave cp310 with python 3.8
 * configured). So for those recipes the host python only runs configure (and makes the venv), and the version asked
 * for must be the receiving python's — one of recipe.python.hermeticVersions — or the wheel cannot be installed.
 */
import type { HostFacts } from '../probe/types.js';
import { majorMinor } from '../recipes/rules.js';
import type { Recipe } from '../recipes/schema.js';
import type { BuildOptions } from './options.js';

export interface WheelPython {
  /** "3.11": the python the wheel is built for (TF_PYTHON_VERSION in hermetic recipes); null when not known. */
  version: string | null;
  /** The interpreter that gets the wheel: the --install-into python, or the build python that makes the venv; null with --no-install. */
  receiver: string | null;
  /** Why the wheel this build makes cannot be installed where asked (the build must not start), else null. */
  problem: string | null;
  /** What to do about the problem. */
  hint: string | null;
  warnings: string[];
}

/** X.Y of an interpreter the probe listed (by its PATH entry or real path), else null. */
export function getPythonVersion(facts: Pick<HostFacts, 'pythons'>, python: string): string | null {
  const p = facts.pythons.find((x) => x.path === python || x.realPath === python);
  return p ? majorMinor(p.version) : null;
}

/** The versions bazel's hermetic python offers for this recipe, or null for a recipe that builds with the host python. */
export function getHermeticVersions(recipe: Recipe): readonly string[] | null {
  return recipe.python.hermetic ? (recipe.python.hermeticVersions ?? []) : null;
}

export function resolveWheelPython(recipe: Recipe, facts: Pick<HostFacts, 'pythons'>, python: string, install: BuildOptions['install']): WheelPython {
  const buildV = getPythonVersion(facts, python);
  const receiver = install.mode === 'into' ? install.python : install.mode === 'venv' ? python : null;
  const receiverV = receiver === null ? null : receiver === python ? buildV : getPythonVersion(facts, receiver);
  const warnings: string[] = [];
  const hermetic = getHermeticVersions(recipe);

  if (hermetic === null) {
    if (install.mode === 'into' && buildV !== null && receiverV !== null && receiverV !== buildV) {
      return {
        version: buildV, receiver, warnings,
        problem: `TensorFlow ${recipe.line} builds its wheel for the python that runs configure (${python}, python ${buildV}), so pip cannot install it into ${receiver} (python ${receiverV}).`,
        hint: `Pass --python ${receiver} to build with the python you install into, or install into a python ${buildV}.`,
      };
    }
    return { version: buildV, receiver, problem: null, hint: null, warnings };
  }

  const offered = hermetic.join(', ');
  const fallback = hermetic.includes(recipe.python.preferred) ? recipe.python.preferred : (hermetic[hermetic.length - 1] ?? null);
  const target = receiver !== null ? receiverV : buildV;
  if (target !== null && hermetic.includes(target)) return { version: target, receiver, problem: null, hint: null, warnings };
  if (receiver !== null && target !== null) {
    return {
      version: null, receiver, warnings,
      problem:
        `TensorFlow ${recipe.line} builds its wheel with bazel's own python (hermetic python: ${offered}); ` +
        `${receiver} is python ${target}, so the wheel could not be installed into ${install.mode === 'venv' ? 'a venv made from it' : 'it'}.`,
      hint:
        `Pass --python with a python ${offered}, or --install-into PYTHON with one` +
        ` (the host python then only runs configure), or --no-install to build a cp${(fallback ?? '').replace('.', '')} wheel anyway.`,
    };
  }
  if (receiver !== null) {
    // Not probed (a --install-into path doctor did not list): the build python's version is the best guess.
    const guess = buildV !== null && hermetic.includes(buildV) ? buildV : fallback;
    warnings.push(`The python version of ${receiver} is unknown: the wheel is built for python ${guess ?? '(the hermetic default)'} (bazel's hermetic python offers ${offered}).`);
    return { version: guess, receiver, problem: null, hint: null, warnings };
  }
  // --no-install: any python may run configure; the wheel gets the recipe's preferred hermetic version.
  if (buildV === null) {
    warnings.push(`The python version of ${python} is unknown: the wheel is built for python ${fallback} (bazel's hermetic python offers ${offered}).`);
  } else {
    warnings.push(
      `The wheel is built for python ${fallback} (bazel's hermetic python offers ${offered}), not for ${python} (python ${buildV}), which cannot install it.`,
    );
  }
  return { version: fallback, receiver, problem: null, hint: null, warnings };
}
