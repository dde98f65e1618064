/**
 * The era's python build packages (recipe data) → the verdict's needs → the plan's build-python step or a refusal.
 * Pure tables on hand-made facts, plus the real catalog recipes and the real probe script on this machine's python.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../../src/errors.js';
import { createPlan, formatPlan, PlanSchema, type BuildPythonStep, type Plan } from '../../../src/plan/index.js';
import { findMissingBuildPackages, normalizePackageName, satisfiesSpec } from '../../../src/plan/build-python.js';
import { computeVerdict } from '../../../src/plan/verdict.js';
import type { HostFacts, PythonFacts } from '../../../src/probe/types.js';
import { loadCatalog, resolveRecipe } from '../../../src/recipes/index.js';
import { RecipeSchema } from '../../../src/recipes/schema.js';
import { parsePythonInfo, PYTHON_INFO_SCRIPT } from '../../../src/tools/python-info.js';
import { formatSummary } from '../../../src/ui/summary.js';
import { PATH_ENV, R14, sampleFacts, sampleOptions, sampleRecipe } from './samples.js';

const PY: PythonFacts = {
  path: '/usr/bin/python3', realPath: '/usr/bin/python3.6', version: '3.6.9', numpy: '1.16.6', pip: '20.3.4', wheel: true, venv: true,
  headers: true, sitePackages: '/usr/lib/python3/dist-packages',
};
const recipe = (buildPackages: Array<{ name: string; spec?: string }>) => sampleRecipe({ python: { ...R14.python, buildPackages } });
const R14_PKGS = recipe([{ name: 'numpy', spec: '<1.19' }, { name: 'wheel' }]);

function plan(py: PythonFacts, r = R14_PKGS): Plan {
  return createPlan({
    facts: sampleFacts({ pythons: [py] }), recipe: r, recipeFile: null, tag: 'v1.4.1', pathEnv: PATH_ENV,
    options: sampleOptions({ workdir: '/w', install: { mode: 'none' } }),
  });
}
const venvStep = (p: Plan) => p.steps.find((s): s is BuildPythonStep => s.kind === 'build-python');

describe('findMissingBuildPackages', () => {
  it.each([
    ['all there and in range', PY, []],
    ['numpy too new for <1.19', { ...PY, numpy: '1.21.0' }, ['numpy<1.19 has 1.21.0']],
    ['no numpy, no wheel', { ...PY, numpy: null, wheel: false }, ['numpy<1.19 has null', 'wheel has null']],
    // `packages` (probed) wins over the legacy fields; names compare PEP 503-normalized.
    ['probed numpy 1.21 (metadata) over the legacy field', { ...PY, packages: { numpy: '1.21.0' } }, ['numpy<1.19 has 1.21.0']],
  ] as const)('%s', (_what, py, want) => {
    expect(findMissingBuildPackages(py as PythonFacts, R14_PKGS).map((m) => `${m.requirement} has ${m.have}`)).toEqual(want);
  });

  it('judges other names by the probed packages, whatever their spelling', () => {
    const r = recipe([{ name: 'Keras_Preprocessing', spec: '>=1.0.5,<1.2' }]);
    expect(findMissingBuildPackages({ ...PY, packages: { 'keras-preprocessing': '1.1.2' } }, r)).toEqual([]);
    expect(findMissingBuildPackages({ ...PY, packages: { 'keras-preprocessing': '1.0.4' } }, r)).toEqual([{ name: 'Keras_Preprocessing', have: '1.0.4', requirement: 'Keras_Preprocessing>=1.0.5,<1.2' }]);
    // Facts without `packages` (saved before it existed) know only numpy, pip and wheel: anything else is missing.
    expect(findMissingBuildPackages(PY, r).map((m) => m.have)).toEqual([null]);
    expect(normalizePackageName('Keras_Preprocessing')).toBe('keras-preprocessing');
  });

  it.each([
    ['1.18.5', '<1.19', true], ['1.19.0', '<1.19', false], ['2.0.0rc1', '<2', false], ['1.16.6', '>=1.16.0,<1.19', true],
    ['1.15.0', '>=1.16.0,<1.19', false], ['1.26.4', '==1.26.4', true], ['garbage', '<2', false],
  ] as const)('%s satisfies %s: %s', (v, spec, ok) => expect(satisfiesSpec(v, spec)).toBe(ok));

  it('the recipe schema refuses a spec pip would read differently', () => {
    const bad = { ...R14, python: { ...R14.python, buildPackages: [{ name: 'numpy', spec: '~=1.19' }] } };
    expect(RecipeSchema.safeParse(bad).success).toBe(false);
    expect(RecipeSchema.safeParse({ ...R14, python: { ...R14.python, buildPackages: [{ name: 'numpy;rm', spec: '<2' }] } }).success).toBe(false);
  });
});

// A recorded Ubuntu 16.04 host that builds the real r1.4 recipe natively; only its python is varied.
const HOST = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'hosts', 'ubuntu1604-cuda8-gtx1080.json'), 'utf8')) as HostFacts;
const REAL_R14 = resolveRecipe('r1.4').recipe;
const verdictFor = (py: PythonFacts) => computeVerdict({ ...HOST, pythons: [{ ...py, version: '3.5.2', realPath: '/usr/bin/python3.5' }] }, REAL_R14, { gpu: false });

describe('verdict → plan step or refusal', () => {
  it('the recorded host with its own pythons builds r1.4 natively: numpy 1.16.6 and wheel are there', () => {
    expect(computeVerdict(HOST, REAL_R14, { gpu: false })).toMatchObject({ kind: 'native', buildPackages: null });
  });

  it('missing packages and a python that can make a venv: a build venv, not a system fix', () => {
    const py = { ...PY, numpy: '1.21.0', wheel: false };
    const v = verdictFor(py);
    expect(v.kind).toBe('native-after-fixes');
    expect(v.buildPackages?.requirements).toEqual(['numpy<1.19', 'wheel']);
    expect(v.fixes).toContain(v.buildPackages?.fix);
    // The fix never pip-installs into the python itself.
    expect(v.buildPackages?.fix).not.toMatch(/\/usr\/bin\/python3 -m pip/);
    const step = venvStep(plan(py))!;
    expect(step).toMatchObject({
      kind: 'build-python', cmd: '/usr/bin/python3', args: ['-m', 'venv', '--system-site-packages', '/w/build-python'],
      basePython: '/usr/bin/python3', venvDir: '/w/build-python', python: '/w/build-python/bin/python', packages: ['numpy<1.19', 'wheel'],
      pip: { cmd: '/w/build-python/bin/python', args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', 'numpy<1.19', 'wheel'] },
    });
    const p = plan(py);
    expect(p.steps[0]).toBe(p.steps.find((s) => s.kind === 'build-python'));
    // (PYTHON_LIB_PATH, which the real r1.4 recipe sets, is checked in route-parity.test.ts.)
    expect(p.steps.find((s) => s.kind === 'configure')?.env.PYTHON_BIN_PATH).toBe('/w/build-python/bin/python');
    expect(p.steps.find((s) => s.kind === 'package')?.env.PYTHON_BIN_PATH).toBe('/w/build-python/bin/python');
  });

  it('the guided summary ("Start the build?") lists both commands it consents to', () => {
    const p = plan({ ...PY, wheel: false });
    const text = formatSummary({ options: p.options, origins: {}, recipe: R14_PKGS, tag: 'v1.4.1', facts: sampleFacts(), plan: p });
    expect(text).toContain('  installs first (build venv, never into /usr/bin/python3):');
    expect(text).toContain('    $ /usr/bin/python3 -m venv --system-site-packages /w/build-python');
    expect(text).toContain('    $ /w/build-python/bin/python -m pip install --disable-pip-version-check --no-input wheel');
    expect(text).not.toContain('before it runs');
  });

  it("a python that is itself a venv: the build venv gets every build package (it would not see that venv's own)", () => {
    expect(venvStep(plan({ ...PY, wheel: false, isVenv: true }))?.packages).toEqual(['numpy<1.19', 'wheel']);
    expect(venvStep(plan({ ...PY, wheel: false, isVenv: false }))?.packages).toEqual(['wheel']);
  });

  it('nothing missing: no step, configure runs the chosen python', () => {
    const p = plan(PY);
    expect(venvStep(p)).toBeUndefined();
    expect(p.steps.find((s) => s.kind === 'configure')?.env.PYTHON_BIN_PATH).toBe('/usr/bin/python3');
    // build_pip_package runs ${PYTHON_BIN_PATH:-python}: always the build python, never a `python` found on PATH.
    expect(p.steps.find((s) => s.kind === 'package')?.env.PYTHON_BIN_PATH).toBe('/usr/bin/python3');
    expect(verdictFor(PY).buildPackages).toBeNull();
  });

  it('no venv/ensurepip: a system-package fix (python3.X-venv); a plan for it is refused before step 1 (exit 3), never a warning', () => {
    const py = { ...PY, wheel: false, venv: false };
    const v = verdictFor(py);
    expect(v.buildPackages).toBeNull();
    expect(v.fixes).toEqual(['sudo apt-get install -y python3.5-venv']);
    // An interactive choice the verdict did not make reaches the plan: refused with the same fix.
    const e = (() => { try { plan(py); return null; } catch (x) { return x as EnvironmentError; } })();
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e?.exitCode).toBe(3);
    expect(e?.message).toContain('lacks wheel (missing)');
    expect(e?.details).toEqual(['sudo apt-get install -y python3.6-venv']);
  });

  it('an interactive choice lacking packages and venv names the python of the host that needs nothing', () => {
    const bad = { ...PY, path: '/opt/py36/bin/python3', realPath: '/opt/py36/bin/python3.6', numpy: null, wheel: false, venv: false };
    const good = { ...PY, path: '/usr/bin/python3.5', realPath: '/usr/bin/python3.5', version: '3.5.2' };
    const input = {
      facts: sampleFacts({ pythons: [bad, good] }), recipe: R14_PKGS, recipeFile: null, tag: 'v1.4.1', pathEnv: PATH_ENV,
      options: sampleOptions({ workdir: '/w', install: { mode: 'none' }, python: bad.path }),
    };
    expect(() => createPlan(input)).toThrow(EnvironmentError);
    try { createPlan(input); } catch (x) {
      expect((x as EnvironmentError).hint).toContain('pass --python /usr/bin/python3.5 (python 3.5.2, which fits and has every build package)');
    }
  });
});

describe('which python the verdict picks, and a python that cannot make a venv', () => {
  // The review's repro: r1.4 on the recorded Ubuntu 16.04 host, plus a python 3.6 with neither numpy, wheel nor venv.
  const py36: PythonFacts = { ...PY, path: '/usr/local/bin/python3.6', realPath: '/usr/local/bin/python3.6', version: '3.6.9', numpy: null, wheel: false, venv: false };
  const host = (...extra: PythonFacts[]): HostFacts => ({ ...HOST, pythons: [...extra, ...HOST.pythons] });
  const sys3 = () => HOST.pythons.find((p) => p.path === '/usr/bin/python3')!;

  it('among fitting pythons, one with every build package wins over the preferred version that would need a system fix', () => {
    const v = computeVerdict(host(py36), REAL_R14, { gpu: false });
    expect(v.choices.python?.path).toBe('/usr/bin/python3');
    expect(v.kind).toBe('native');
  });

  it('then one that can make a build venv', () => {
    const venvable = { ...sys3(), numpy: null, wheel: false, packages: {} };
    const v = computeVerdict({ ...HOST, pythons: [py36, venvable] }, REAL_R14, { gpu: false });
    expect(v.choices.python?.path).toBe('/usr/bin/python3');
    expect(v.buildPackages?.requirements).toEqual(['numpy<1.19', 'wheel']);
  });

  it('--python naming the unfit one: refused with its fix, and the hint names the usable alternative', () => {
    const v = computeVerdict(host(py36), REAL_R14, { gpu: false, python: py36.path });
    expect(v.kind).toBe('native-after-fixes');
    expect(v.fixes).toEqual(['sudo apt-get install -y python3.6-venv']);
    expect(v.otherPython).toMatch(/^--python \/usr\/bin\/python3 \(python 3\.5\.2/);
  });

  it("python 2.7 lacking numpy/wheel: the distribution's python-numpy/python-wheel, never a python2.7-venv that does not exist", () => {
    const py27 = HOST.pythons.find((p) => p.version.startsWith('2.'))!;
    const v = computeVerdict(host(), REAL_R14, { gpu: false, python: py27.path });
    const bare = { ...py27, numpy: null, wheel: false, venv: true, packages: {} };
    const v2 = computeVerdict({ ...HOST, pythons: [bare] }, REAL_R14, { gpu: false, python: bare.path });
    expect(v.fixes.join(' ')).not.toContain('venv');
    expect(v2.fixes).toEqual(['sudo apt-get install -y python-numpy python-wheel']);
    expect(v2.buildPackages).toBeNull();
  });

  it('python 2 outside the distribution (or off apt): pass a python 3, or the container route', () => {
    const own27: PythonFacts = { ...PY, path: '/opt/py27/bin/python', realPath: '/opt/py27/bin/python2.7', version: '2.7.18', numpy: null, wheel: false, venv: false };
    const v = computeVerdict({ ...HOST, pythons: [own27] }, REAL_R14, { gpu: false });
    expect(v.kind).toBe('native-after-fixes');
    expect(v.fixes).toEqual([`pass --python with a python 3 within ${REAL_R14.tested.python}, or build in a container: tfbuild docker r1.4`]);
    expect(v.fixes.join(' ')).not.toContain('python2.7-venv');
  });
});

describe('the saved plan agrees with itself', () => {
  it('an edited build-python step whose argv disagrees with basePython/venvDir/python is not a valid plan', () => {
    const p = plan({ ...PY, wheel: false });
    const step = venvStep(p)!;
    const edit = (s: Partial<BuildPythonStep>) => PlanSchema.safeParse({ ...p, steps: p.steps.map((x) => (x === step ? { ...step, ...s } : x)) });
    expect(edit({}).success).toBe(true);
    const paths = (r: ReturnType<typeof edit>) => (r.success ? [] : r.error.issues.map((i) => i.path.slice(2).join('.')));
    expect(paths(edit({ cmd: '/bin/sh' }))).toEqual(['cmd']);
    expect(paths(edit({ args: ['-m', 'venv', '/elsewhere'] }))).toEqual(['args']);
    expect(paths(edit({ pip: { ...step.pip, cmd: '/usr/bin/python3' } }))).toEqual(['pip.cmd']);
    expect(paths(edit({ python: '/tmp/x/bin/python', pip: { ...step.pip, cmd: '/tmp/x/bin/python' } }))).toEqual(['python']);
  });

  it("the plan text shows the env pip really runs with", () => {
    const text = formatPlan(plan({ ...PY, wheel: false }));
    const at = text.indexOf('then, with env:');
    expect(at).toBeGreaterThan(0);
    const pipBlock = text.slice(at, text.indexOf('-m pip install', at));
    expect(pipBlock).toContain('PIP_DISABLE_PIP_VERSION_CHECK=1');
    expect(pipBlock).toContain('PYTHONNOUSERSITE=1');
  });
});

describe('catalog recipes declare their build packages', () => {
  it('every recipe whose python is not hermetic needs numpy with an upper bound, and wheel when build_pip_package packages it', () => {
    const catalog = loadCatalog();
    expect(catalog.length).toBeGreaterThan(30);
    for (const r of catalog) {
      const line = r.line;
      const names = r.python.buildPackages.map((p) => p.name);
      if (r.python.hermetic) continue;
      expect(names, line).toContain('numpy');
      expect(r.python.buildPackages.find((p) => p.name === 'numpy')?.spec, line).toMatch(/^</);
      if (r.build.packaging.kind === 'build_pip_package') expect(names, line).toContain('wheel');
      expect(r.unconfirmed.some((u) => u.startsWith('python.buildPackages')), line).toBe(true);
    }
  });
});

describe('the probe script lists installed distributions (real python)', () => {
  it("Debian's /usr/bin/python3 reports python3-wheel's version as dpkg knows it", () => {
    const info = parsePythonInfo(execFileSync('/usr/bin/python3', ['-c', PYTHON_INFO_SCRIPT], { encoding: 'utf8', env: { ...process.env, PYTHONNOUSERSITE: '1' } }));
    const dpkg = execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'python3-wheel'], { encoding: 'utf8' });
    expect(info?.packages.wheel).toBe(dpkg.replace(/-[^-]+$/, ''));
    expect(info?.wheel).toBe(true);
    expect(info?.pip).toBe(info?.packages.pip ?? null);
  });
});
