/**
 * Bad input through the real CLI: each case gives a clear message, its own exit code, and loses nothing
 * (the user's tree, an existing wheel and the work dir stay as they were).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, git, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { runCli, stopBazelServers } from './build-cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const root = makeTempDir('tfb-e2e-bad-');
const cache = join(root, 'cache');
const env = { XDG_CACHE_HOME: cache };
let fx: FixtureRepo;
const recipe = fixtureRecipe('r1.4');
const base = (workdir: string, output = join(root, 'out-unused')) => ['r1.4', '--recipe', recipe, '--workdir', workdir, '--output', output];

beforeAll(() => {
  fx = makeFixtureRepo('r1.4', { tmp: root });
});
afterAll(() => stopBazelServers(join(cache, 'tfbuild', 'bazel')));

function clone(name: string): string {
  const dir = join(root, name);
  git(root, ['clone', '-q', fx.bareRepo, dir]);
  git(dir, ['checkout', '-q', fx.tag]);
  return dir;
}

describe('bad input', () => {
  it('a dirty --source tree: exit 6, the changes named and kept', async () => {
    const dir = clone('dirty');
    writeFileSync(join(dir, 'configure.py'), '# my local edit\n', { flag: 'a' });
    const r = await runCli([...base(join(root, 'w-dirty')), '--source', dir], { env });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/uncommitted change/);
    expect(r.stderr).toContain('configure.py');
    expect(r.stderr).toContain('--allow-dirty');
    expect(readFileSync(join(dir, 'configure.py'), 'utf8')).toMatch(/# my local edit\n$/);
  });

  it('a --source checkout at another tag: exit 6, naming both tags, HEAD not moved', async () => {
    const dir = clone('oldtag');
    git(dir, ['checkout', '-q', 'v1.4.0']);
    const head = git(dir, ['rev-parse', 'HEAD']);
    const r = await runCli([...base(join(root, 'w-tag')), '--source', dir], { env });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/is not at v1\.4\.1 \(HEAD is tagged v1\.4\.0\)/);
    expect(git(dir, ['rev-parse', 'HEAD'])).toBe(head);
  });

  it('a patch conflict: exit 6, the file named, the tree untouched', async () => {
    const dir = clone('conflict');
    const ws = join(dir, 'tensorflow', 'workspace.bzl');
    const changed = readFileSync(ws, 'utf8').replace(/name = "nasm"/, 'name = "nasm_renamed"');
    writeFileSync(ws, changed);
    git(dir, ['commit', '-q', '-am', 'rename nasm']);
    git(dir, ['tag', '-f', '-a', fx.tag, '-m', 'moved']);
    const r = await runCli([...base(join(root, 'w-conflict')), '--source', dir], { env });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/nasm-mirror: tensorflow\/workspace\.bzl: no archive block with name = "nasm"/);
    expect(readFileSync(ws, 'utf8')).toBe(changed);
    const check = await runCli(['patch', 'r1.4', '--recipe', recipe, '--source', dir, '--check'], { env });
    expect(check.code).toBe(6);
    expect(check.stdout).toContain('nasm-mirror: CONFLICT');
  });

  it('no bazel: exit 3 before anything is cloned', async () => {
    const w = join(root, 'w-nobazel');
    const r = await runCli([...base(w), '--repo', fx.bareRepo, '--bazel', join(root, 'no', 'bazel')], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/bazel was not found/);
    expect(r.stderr).toMatch(/bazelisk/);
    expect(readdirSync(w).filter((f) => f === 'src')).toEqual([]);
  });

  it('bazel out of the recipe range: exit 3, saying which range', async () => {
    const fake = join(root, 'fakebin', 'bazel');
    mkdirSync(join(root, 'fakebin'), { recursive: true });
    writeFileSync(fake, '#!/bin/sh\necho "bazel 0.15.2"\n');
    chmodSync(fake, 0o755);
    const ranged = join(root, 'ranged.yaml');
    writeFileSync(ranged, readFileSync(recipe, 'utf8').replace(/range: "\*"/, 'range: ">=0.5.4 <0.10.0"'));
    const r = await runCli(['r1.4', '--recipe', ranged, '--workdir', join(root, 'w-range'), '--repo', fx.bareRepo, '--bazel', fake], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/bazel 0\.15\.2 .* needs bazel >=0\.5\.4 <0\.10\.0/);
  });

  it('an unwritable --output: exit 3 before the build starts', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const r = await runCli([...base(join(root, 'w-unwritable'), join(file, 'out')), '--repo', fx.bareRepo], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not writable/);
    expect(existsSync(join(root, 'w-unwritable', 'src'))).toBe(false);
  });

  it('a python without venv, or without pip for --install-into: exit 3 before the build starts', async () => {
    const shim = join(root, 'shim');
    mkdirSync(shim);
    // find_spec() answers None for a module set to None in sys.modules: this python "has no ensurepip".
    writeFileSync(join(shim, 'sitecustomize.py'), "import sys\nsys.modules['ensurepip'] = None\n");
    const novenv = join(root, 'python-novenv');
    writeFileSync(novenv, `#!/bin/sh\nPYTHONPATH=${shim} exec /usr/bin/python3 "$@"\n`);
    const nopip = join(root, 'python-nopip');
    writeFileSync(nopip, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
    chmodSync(novenv, 0o755);
    chmodSync(nopip, 0o755);
    const a = await runCli([...base(join(root, 'w-novenv')), '--repo', fx.bareRepo, '--python', novenv], { env });
    expect(a.code).toBe(3);
    expect(a.stderr).toMatch(/no venv\/ensurepip module/);
    const b = await runCli([...base(join(root, 'w-nopip')), '--repo', fx.bareRepo, '--install-into', nopip], { env });
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(/has no pip/);
    for (const w of ['w-novenv', 'w-nopip']) expect(existsSync(join(root, w, 'src'))).toBe(false);
  });

  it("configure's bazel error printed with exit 0 (r1.4): caught, exit 3", async () => {
    const dir = join(root, 'oldbazel');
    mkdirSync(dir, { recursive: true });
    const fake = join(dir, 'bazel');
    writeFileSync(fake, '#!/bin/sh\necho "bazel 0.4.5"\n');
    chmodSync(fake, 0o755);
    const r = await runCli([...base(join(root, 'w-oldbazel')), '--repo', fx.bareRepo, '--bazel', fake], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/\.\/configure rejected bazel: Please upgrade your bazel installation to version 0\.5\.4/);
  });

  it('a configure question the recipe does not answer: stopped at once (stdin closed), exit 5 naming it and its variable', async () => {
    const partial = join(root, 'partial.yaml');
    writeFileSync(partial, readFileSync(recipe, 'utf8').replace(/ {4}- name: PYTHON_LIB_PATH\n {6}value: "\{pythonLib\}"\n/, ''));
    expect(readFileSync(partial, 'utf8')).not.toContain('PYTHON_LIB_PATH');
    const t0 = Date.now();
    const r = await runCli(['r1.4', '--recipe', partial, '--workdir', join(root, 'w-prompt'), '--repo', fx.bareRepo, '--output', join(root, 'out-unused')], { env });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/\.\/configure asked a question tfbuild did not answer \(PYTHON_LIB_PATH\): "Please input the desired Python library path/);
    expect(Date.now() - t0).toBeLessThan(60_000);
  });

  it('an invalid saved plan: exit 4 with the schema problems', async () => {
    const p = join(root, 'plan.json');
    writeFileSync(p, JSON.stringify({ schemaVersion: 1, steps: [{ kind: 'bazel-build' }] }));
    const r = await runCli(['build', '--plan', p], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/not a valid tfbuild plan/);
  });

  describe('after a good build', () => {
    const w = join(root, 'w-good');
    const out = join(root, 'out-good');
    beforeAll(async () => {
      const r = await runCli([...base(w, out), '--repo', fx.bareRepo, '--no-install'], { env });
      expect(r.code, r.stderr).toBe(0);
    });

    it('an existing wheel of the same name: exit 6, the old wheel kept byte for byte', async () => {
      const wheel = readdirSync(out).find((f) => f.endsWith('.whl'))!;
      const before = readFileSync(join(out, wheel));
      const r = await runCli([...base(w, out), '--repo', fx.bareRepo, '--no-install', '--fresh'], { env });
      expect(r.code).toBe(6);
      expect(r.stderr).toMatch(/already exists; tfbuild never overwrites a wheel/);
      expect(readFileSync(join(out, wheel)).equals(before)).toBe(true);
    });

    it('a CPU flag no compiler knows: exit 2 before anything runs, listing the valid names', async () => {
      const r = await runCli([...base(w, join(root, 'out-avx9000')), '--repo', fx.bareRepo, '--no-install', '--fresh', '--cpu-flags', 'avx9000'], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown ISA extension avx9000/);
      expect(r.stderr).toMatch(/sse4\.2, avx, avx2, fma, avx512f/);
      expect(r.stderr).not.toMatch(/bazel build/);
    });
  });
});
