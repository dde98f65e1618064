/**
 * Class "resume trusts the tree, not only the state file", on real builds of the fixture (real git, bazel, python):
 * - after <workdir>/src is deleted, the fresh clone gets its patch and configure again (they were recorded done);
 * - a --source checkout that tfbuild's own recorded patch left dirty builds again with the same command and with
 *   --resume (it used to refuse with exit 6), and the state says the changes are tfbuild's own;
 * - a change of the user's own in such a tree is still refused (exit 6), and the tree is left as it was.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { makeTempDir } from '../helpers/tmp.js';
import { snapshotTree } from '../helpers/victim.js';
import { runCli, stopBazelServers } from './build-cli.js';

const root = makeTempDir('tfb-e2e-products-');
const cache = join(root, 'cache');
const env = { XDG_CACHE_HOME: cache };
let fx: FixtureRepo;
beforeAll(() => {
  fx = makeFixtureRepo('r1.4', { tmp: root });
});
afterAll(() => stopBazelServers(join(cache, 'tfbuild', 'bazel')));

const readState = (w: string) => JSON.parse(readFileSync(join(w, 'tfbuild-state.json'), 'utf8')) as { steps: Array<{ id: string; outputs: Record<string, string> }> };

describe('resume checks what the steps produced', () => {
  it('src/ deleted after a finished build: the fresh clone is patched and configured again', async () => {
    const w = join(root, 'w-clone');
    const base = ['r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', w, '--no-install'];
    const first = await runCli([...base, '--output', join(root, 'out-1')], { env });
    expect(first.code, first.stderr).toBe(0);
    rmSync(join(w, 'src'), { recursive: true, force: true });
    const again = await runCli([...base, '--output', join(root, 'out-2'), '--resume'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/\[patch\] skipped/);
    expect(again.stdout).not.toMatch(/\[configure\] skipped/);
    const src = readState(w).steps.find((s) => s.id === 'source')!;
    expect(execFileSync('git', ['-C', src.outputs.srcDir!, 'status', '--porcelain'], { encoding: 'utf8' })).not.toBe('');
  });

  it("--source dirty only by tfbuild's own patch: the same command and --resume work, the state says so", async () => {
    const w = join(root, 'w-source');
    const base = ['r1.4', '--recipe', fixtureRecipe('r1.4'), '--source', fx.dir, '--workdir', w, '--no-install'];
    const first = await runCli([...base, '--output', join(root, 'out-s1')], { env });
    expect(first.code, first.stderr).toBe(0);
    const dirty = execFileSync('git', ['-C', fx.dir, 'status', '--porcelain'], { encoding: 'utf8' });
    expect(dirty).not.toBe('');
    const again = await runCli([...base, '--output', join(root, 'out-s2')], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(readState(w).steps.find((s) => s.id === 'source')!.outputs.ownPatches).toBe('nasm-mirror');
    const resumed = await runCli([...base, '--output', join(root, 'out-s2'), '--resume'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);

    // A change of the user's own besides the patch: refused, nothing touched.
    appendFileSync(join(fx.dir, 'configure'), '\n# my edit\n');
    const before = snapshotTree(fx.dir);
    const refused = await runCli([...base, '--output', join(root, 'out-s3')], { env });
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(/uncommitted change/);
    expect(snapshotTree(fx.dir)).toEqual(before);
  });
});
