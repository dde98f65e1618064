/**
 * Hermetic python (recipes 2.14+): the wheel's cpXY follows TF_PYTHON_VERSION, which must be the receiving python's
 * version and one the recipe's hermetic rule offers; up to 2.13 it is the configure python's (tf-build-matrix.md §4.1).
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { createPlan, type Plan } from '../../../src/plan/index.js';
import { BuildOptionsSchema, type BuildOptionsInput } from '../../../src/plan/options.js';
import { resolveWheelPython } from '../../../src/plan/wheel-python.js';
import type { PythonFacts } from '../../../src/probe/types.js';
import { resolveRecipe } from '../../../src/recipes/index.js';
import { PATH_ENV, sampleFacts } from './samples.js';

const py = (path: string, version: string): PythonFacts => ({
  path, realPath: path, version, numpy: '1.26.0', pip: '24', wheel: true, venv: true, headers: true, sitePackages: `/lib/${version}/site-packages`,
});
const P313 = py('/usr/bin/python3.13', '3.13.1');
const P311 = py('/usr/bin/python3.11', '3.11.2');
const P310 = py('/opt/py310/bin/python3', '3.10.13');
const facts = sampleFacts({ pythons: [P313, P311, P310], compilers: [{ kind: 'clang', version: '17.0.6', path: '/usr/bin/clang-17', cxxPath: '/usr/bin/clang++-17' }] });
const r217 = resolveRecipe('r2.17').recipe; // hermetic: 3.9, 3.10, 3.11, 3.12; preferred 3.11
const r14 = resolveRecipe('r1.4').recipe; // configure's python is the wheel's

function plan(recipe: typeof r217, o: Partial<BuildOptionsInput>, f = facts): Plan {
  const options = BuildOptionsSchema.parse({ version: recipe.line, workdir: '/w', ...o });
  return createPlan({ facts: f, recipe, recipeFile: null, tag: recipe.tags.default, options, pathEnv: PATH_ENV });
}
const bazelArgs = (p: Plan) => p.steps.find((s) => s.kind === 'bazel-build')!.args;
const configureEnv = (p: Plan) => p.steps.find((s) => s.kind === 'configure')!.env;

describe('the wheel python of a hermetic-python recipe (r2.17)', () => {
  it('a venv from a python the rule offers: TF_PYTHON_VERSION and HERMETIC_PYTHON_VERSION are its version', () => {
    const p = plan(r217, { python: P310.path });
    expect(bazelArgs(p)).toEqual(expect.arrayContaining(['--repo_env=TF_PYTHON_VERSION=3.10', '--repo_env=HERMETIC_PYTHON_VERSION=3.10']));
    expect(p.warnings.join('\n')).not.toMatch(/hermetic/);
  });

  it('a venv from python 3.13 (not offered) fails before anything runs, naming the versions and the ways out', () => {
    const e = (() => {
      try {
        plan(r217, { python: P313.path });
      } catch (x) {
        return x;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).message).toMatch(/bazel's own python \(hermetic python: 3\.9, 3\.10, 3\.11, 3\.12\); \/usr\/bin\/python3\.13 is python 3\.13/);
    expect((e as UsageError).hint).toMatch(/--python .*--install-into PYTHON.*--no-install to build a cp311 wheel/);
  });

  it('--install into a python 3.10 while python 3.13 runs configure: the wheel is for 3.10, configure still gets 3.13', () => {
    const p = plan(r217, { python: P313.path, install: { mode: 'into', python: P310.path } });
    expect(bazelArgs(p)).toContain('--repo_env=TF_PYTHON_VERSION=3.10');
    expect(configureEnv(p).PYTHON_BIN_PATH).toBe(P313.path);
  });

  it('--install into a python the rule does not offer is refused', () => {
    expect(() => plan(r217, { python: P311.path, install: { mode: 'into', python: P313.path } })).toThrow(/\/usr\/bin\/python3\.13 is python 3\.13, so the wheel could not be installed into it/);
  });

  it('--no-install with python 3.13: the wheel is for the preferred 3.11, and the plan says 3.13 cannot install it', () => {
    const p = plan(r217, { python: P313.path, install: { mode: 'none' } });
    expect(bazelArgs(p)).toContain('--repo_env=TF_PYTHON_VERSION=3.11');
    expect(p.warnings).toContain("The wheel is built for python 3.11 (bazel's hermetic python offers 3.9, 3.10, 3.11, 3.12), not for /usr/bin/python3.13 (python 3.13), which cannot install it.");
  });

  it('an --install into python the probe did not list: the build python version when offered, with a warning', () => {
    const w = resolveWheelPython(r217, facts, P310.path, { mode: 'into', python: '/somewhere/venv/bin/python' });
    expect(w).toMatchObject({ version: '3.10', problem: null });
    expect(w.warnings[0]).toMatch(/version of \/somewhere\/venv\/bin\/python is unknown: the wheel is built for python 3\.10/);
    expect(resolveWheelPython(r217, facts, P313.path, { mode: 'into', python: '/x/python' }).version).toBe('3.11');
  });
});

describe('the wheel python of a recipe that builds with the host python (r1.4)', () => {
  const f = sampleFacts({ pythons: [py('/usr/bin/python3.5', '3.5.2'), py('/opt/py36/bin/python3', '3.6.15')] });
  it('is the configure python; installing into another python version is refused', () => {
    expect(resolveWheelPython(r14, f, '/opt/py36/bin/python3', { mode: 'venv' })).toMatchObject({ version: '3.6', receiver: '/opt/py36/bin/python3', problem: null });
    const bad = resolveWheelPython(r14, f, '/opt/py36/bin/python3', { mode: 'into', python: '/usr/bin/python3.5' });
    expect(bad.problem).toMatch(/for the python that runs configure \(\/opt\/py36\/bin\/python3, python 3\.6\), so pip cannot install it into \/usr\/bin\/python3\.5 \(python 3\.5\)/);
    expect(bad.hint).toMatch(/--python \/usr\/bin\/python3\.5/);
    expect(() => plan(r14, { python: '/opt/py36/bin/python3', install: { mode: 'into', python: '/usr/bin/python3.5' } }, f)).toThrow(UsageError);
    expect(resolveWheelPython(r14, f, '/opt/py36/bin/python3', { mode: 'none' })).toMatchObject({ version: '3.6', warnings: [] });
  });
});
