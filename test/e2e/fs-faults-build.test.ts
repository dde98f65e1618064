/**
 * Class "filesystem faults are exit 3", through whole `tfbuild build` runs of the fixture: a logs dir that is a
 * file, a --workdir below a file, an --output that is a file. Each ends with exit 3 naming the path and the cause,
 * no lock left behind and no state claiming the build is still running.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo } from '../helpers/fixture.js';
import { makeTempDir } from '../helpers/tmp.js';
import { runCli, stopBazelServers } from './build-cli.js';

const root = makeTempDir('tfb-e2e-fsfault-');
const cache = join(root, 'cache');
afterAll(() => stopBazelServers(join(cache, 'tfbuild', 'bazel')));
const fx = makeFixtureRepo('r1.4', { tmp: root });
const build = (workdir: string, output: string) =>
  runCli(['r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', workdir, '--output', output, '--no-install'], { env: { XDG_CACHE_HOME: cache } });

function expectCleanEnd(w: string) {
  expect(existsSync(join(w, 'tfbuild.lock'))).toBe(false);
  if (existsSync(join(w, 'tfbuild-state.json'))) expect(JSON.parse(readFileSync(join(w, 'tfbuild-state.json'), 'utf8')).status).not.toBe('running');
}

describe('filesystem faults in a build', () => {
  it('a logs dir that is a file: exit 3 naming it, no stale lock, no "running" state', async () => {
    const w = join(root, 'w-logs');
    mkdirSync(w);
    writeFileSync(join(w, 'logs'), 'a file where the logs dir goes');
    const r = await build(w, join(root, 'out-logs'));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(join(w, 'logs'));
    expect(r.stderr).toMatch(/ENOTDIR|EEXIST/);
    expect(r.stderr).not.toMatch(/Internal error|Unhandled/);
    expectCleanEnd(w);
  });

  it('a --workdir below a file: exit 3 naming it', async () => {
    writeFileSync(join(root, 'plainfile'), 'x');
    const w = join(root, 'plainfile', 'w');
    const r = await build(w, join(root, 'out-wd'));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(join(root, 'plainfile'));
    expect(r.stderr).toMatch(/ENOTDIR|EEXIST|not a directory/);
  });

  it('an --output that is a file: exit 3 naming it, before any build step', async () => {
    const w = join(root, 'w-out');
    writeFileSync(join(root, 'out-file'), 'x');
    const r = await build(w, join(root, 'out-file'));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(join(root, 'out-file'));
    expect(existsSync(join(w, 'src'))).toBe(false);
    expectCleanEnd(w);
  });
});
