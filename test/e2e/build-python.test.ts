/**
 * The build-python step, for real: a python that lacks a build package the recipe declares (`wheel`) gets a
 * tfbuild-owned `--system-site-packages` venv in the work dir, pip installs the real wheel distribution into it from
 * a local find-links dir (Debian's python3-wheel-whl, served through PIP_CONFIG_FILE as a user's own offline index
 * would be), configure runs with that venv's python, and the fixture's wheel is built. Without --yes a headless run
 * is refused before step 1, naming both commands, and writes nothing.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import type { BuildPythonStep } from '../../src/plan/index.js';
import { makeTempDir } from '../helpers/tmp.js';
import { runCli, stopBazelServers } from './build-cli.js';
import { PYTHON, readConfigureRecord } from './fixture-support.js';

const WHEEL_WHL = '/usr/share/python-wheels/wheel-0.38.4-py3-none-any.whl';

const root = makeTempDir('tfb-e2e-buildpy-');
const cache = join(root, 'cache');
let fx: FixtureRepo;
let recipe = '';
let env: Record<string, string | undefined> = {};

/** Where `import wheel` finds it in this python (null: not importable), with no user site, as tfbuild asks. */
function wheelLocation(python: string): string | null {
  const out = execFileSync(python, ['-c', 'import importlib.util as u; s = u.find_spec("wheel"); print(s.origin if s else "")'], {
    encoding: 'utf8', env: { ...process.env, PYTHONNOUSERSITE: '1' },
  }).trim();
  return out === '' ? null : out;
}

beforeAll(() => {
  fx = makeFixtureRepo('r1.4', { tmp: join(root, 'repo') });
  // The fixture recipe is data: this copy declares the one build package it needs.
  const text = readFileSync(fixtureRecipe('r1.4'), 'utf8');
  recipe = join(root, 'fixture-r1.4-wheel.yaml');
  writeFileSync(recipe, text.replace(/^( {2}preferred: .*\n)/m, '$1  buildPackages:\n    - name: wheel\n'));
  // A user-level pip configuration: no index, wheels from a local directory holding the real wheel distribution.
  const links = join(root, 'wheels');
  mkdirSync(links);
  copyFileSync(WHEEL_WHL, join(links, 'wheel-0.38.4-py3-none-any.whl'));
  const conf = join(root, 'pip.conf');
  writeFileSync(conf, `[global]\nno-index = true\nfind-links = ${links}\n`);
  // pip's environment variables win over its config file: ones this machine sets (PIP_FIND_LINKS) are left out.
  const pipVars = Object.fromEntries(Object.keys(process.env).filter((k) => /^PIP_(FIND_LINKS|NO_INDEX|INDEX_URL|EXTRA_INDEX_URL)$/.test(k)).map((k) => [k, undefined]));
  env = { ...pipVars, XDG_CACHE_HOME: cache, PIP_CONFIG_FILE: conf };
}, 60_000);

afterAll(() => stopBazelServers(join(cache, 'tfbuild', 'bazel')));

describe('build-python step (recipe python.buildPackages: [wheel])', () => {
  const args = (workdir: string, output: string) => [
    'build', 'r1.4', '--recipe', recipe, '--repo', fx.bareRepo, '--workdir', workdir, '--output', output,
    '--no-install', '--cpu-flags', 'none', '--python', PYTHON,
  ];

  it('the python under test really lacks wheel (else this test proves nothing)', () => {
    expect(wheelLocation(PYTHON), `${PYTHON} has wheel; the test needs a python without it (pyenv's python3 here)`).toBeNull();
  });

  it('headless without --yes: refused before step 1 (exit 3) naming both commands; nothing written', async () => {
    const w = join(root, 'w-refused');
    const out = join(root, 'out-refused');
    const r = await runCli(args(w, out), { env });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`${PYTHON} lacks wheel: the build would first install them into a build venv of tfbuild's own with:`);
    expect(r.stderr).toContain(`${PYTHON} -m venv --system-site-packages ${w}/build-python`);
    expect(r.stderr).toContain(`${w}/build-python/bin/python -m pip install --disable-pip-version-check --no-input wheel`);
    expect(r.stderr).toContain('Pass --yes to let tfbuild run them, or run them yourself and rerun');
    expect(existsSync(w)).toBe(false);
    expect(existsSync(out)).toBe(false);
    expect(wheelLocation(PYTHON)).toBeNull();
  });

  it('with --yes: makes the venv, installs wheel into it, configure sees the venv python, the wheel is built', async () => {
    const w = join(root, 'w');
    const out = join(root, 'out');
    // The plan for the same options, and every process the run starts (TFBUILD_EXEC_RECORD).
    const p = await runCli(['plan', ...args(w, out).slice(1), '--yes', '--json'], { env });
    expect(p.code, p.stderr).toBe(0);
    const planned = (JSON.parse(p.stdout) as { steps: BuildPythonStep[] }).steps[0]!;
    expect(planned.kind).toBe('build-python');
    const record = join(root, 'exec.jsonl');
    const r = await runCli([...args(w, out), '--yes', '--json'], { env: { ...env, TFBUILD_EXEC_RECORD: record } });
    expect(r.code, r.stderr).toBe(0);
    // The first two processes that write are the step's two commands, exactly as planned (argv and pip's env).
    const writes = readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; effect: string; env: Record<string, string> })
      .filter((x) => x.effect === 'write');
    expect(writes[0]?.argv).toEqual([planned.cmd, ...planned.args]);
    expect(writes[1]?.argv).toEqual([planned.pip.cmd, ...planned.pip.args]);
    expect(writes[1]?.env).toMatchObject(planned.pip.env);
    const venv = join(w, 'build-python');
    const venvPython = join(venv, 'bin', 'python');
    // The venv is tfbuild's (marked), made with --system-site-packages, and wheel is in its own site-packages.
    expect(existsSync(join(venv, '.tfbuild-owned'))).toBe(true);
    expect(readFileSync(join(venv, 'pyvenv.cfg'), 'utf8')).toMatch(/^include-system-site-packages = true$/m);
    const site = join(venv, 'lib', `python${execFileSync(PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim()}`, 'site-packages');
    expect(readdirSync(site)).toContain('wheel-0.38.4.dist-info');
    expect(wheelLocation(venvPython)).toBe(join(site, 'wheel', '__init__.py'));
    // Nothing went into the python the user named.
    expect(wheelLocation(PYTHON)).toBeNull();
    // What configure saw (the fixture's configure.py records its environment).
    const rec = readConfigureRecord(join(w, 'src', fx.tag));
    expect(rec.env.PYTHON_BIN_PATH).toBe(venvPython);
    expect(rec.env.PYTHON_LIB_PATH).toBe(site);
    // The step ran first, as the plan says, and the wheel was built.
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; step?: { kind: string } });
    const started = events.filter((e) => e.type === 'step-started').map((e) => e.step?.kind);
    expect(started[0]).toBe('build-python');
    expect(readdirSync(out).filter((f) => /^tensorflow-1\.4\.1-.*\.whl$/.test(f))).toHaveLength(1);
  });
});
