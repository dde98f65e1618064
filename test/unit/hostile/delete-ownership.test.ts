/**
 * Class "deleting without proving ownership": tfbuild deletes only what it can prove it made (a marker file, a bazel
 * disk cache layout) and refuses anything else, touching nothing. Each case checks the exit code, the message and
 * a checksum snapshot of a victim tree before and after.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloneArgs, CLONE_ENV } from '../../../src/plan/clone.js';
import { trimDiskCache } from '../../../src/cache/disk-cache.js';
import { ConflictError, UsageError } from '../../../src/errors.js';
import type { PackageStep, SourceStep } from '../../../src/plan/index.js';
import { OWNER_MARKER } from '../../../src/state/owned.js';
import type { StepContext } from '../../../src/steps/context.js';
import { runPackageStep } from '../../../src/steps/package.js';
import { runSourceStep } from '../../../src/steps/source.js';
import { makeFixtureRepo } from '../../helpers/fixture.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { makeVictim, snapshotTree } from '../../helpers/victim.js';
import { createExec } from '../../../src/exec/index.js';

const bin = new URL('../../../bin/tfbuild.js', import.meta.url).pathname;
const hostFacts = new URL('../../fixtures/hosts/debian12-this-machine.json', import.meta.url).pathname;

function tfbuild(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, env: { ...process.env, CI: '1', NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function ctxIn(dir: string): StepContext {
  return { signal: new AbortController().signal, emit: () => undefined, outputs: {}, logDir: dir, runId: 't', setStatus: () => undefined, currentLog: null, exec: createExec(), plan: { steps: [] } } as unknown as StepContext;
}

function cloneStep(repo: string, tag: string, dir: string): SourceStep {
  // The plan's clone command, as createPlan makes it.
  const args = cloneArgs(repo, tag, join(`${dir}.partial`, 'tree'), process.cwd());
  return { id: 'source', kind: 'source', title: 'clone', cmd: 'git', args, cwd: dirname(dir), env: { ...CLONE_ENV }, pathPrepend: [], mode: 'clone', dir, repo, tag, allowDirty: false } as SourceStep;
}

describe('cache clean only empties a bazel disk cache', () => {
  for (const policy of [['--all'], ['--max-age', '0'], ['--max-size', '0']]) {
    it(`refuses a project dir with ${policy.join(' ')} (exit 2), nothing changes`, () => {
      const v = makeVictim();
      const before = v.snapshot();
      const r = tfbuild(['cache', 'clean', '--disk-cache', v.dir, ...policy]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${v.dir} is not a bazel disk cache`);
      expect(r.err).toMatch(/refusing to delete anything/);
      expect(v.snapshot()).toEqual(before);
    });
  }

  it('refuses "." typed for the cache (run from inside a project)', () => {
    const v = makeVictim();
    const before = v.snapshot();
    const r = tfbuild(['cache', 'clean', '--disk-cache', '.', '--all'], v.dir);
    expect(r.code).toBe(2);
    expect(v.snapshot()).toEqual(before);
  });

  it('a real disk cache layout is emptied of ac/cas entries; tmp/ (writes in flight) is left alone', async () => {
    const dir = makeTempDir('dcache-');
    for (const [area, name] of [['ac', 'ab12'], ['cas', 'cd34']] as const) {
      mkdirSync(join(dir, area, name.slice(0, 2)), { recursive: true });
      writeFileSync(join(dir, area, name.slice(0, 2), name), 'x');
    }
    mkdirSync(join(dir, 'tmp'));
    writeFileSync(join(dir, 'tmp', 'inflight'), 'y');
    const r = await trimDiskCache(dir, { all: true });
    expect(r.removedFiles).toBe(2);
    expect(snapshotTree(dir)).toEqual({ ac: 'dir', cas: 'dir', tmp: 'dir', 'tmp/inflight': expect.stringMatching(/^file:/) });
  });

  it('a stray file at the top of a would-be cache is reason enough to refuse', async () => {
    const dir = makeTempDir('dcache-');
    mkdirSync(join(dir, 'ac'));
    writeFileSync(join(dir, 'thesis.tex'), 'years of work');
    const before = snapshotTree(dir);
    const e = await trimDiskCache(dir, { all: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toContain('thesis.tex');
    expect(snapshotTree(dir)).toEqual(before);
  });
});

describe('a tag or a saved plan cannot point deletion elsewhere', () => {
  it('--tag ../../x is refused before any work (exit 2)', () => {
    const v = makeVictim();
    const before = v.snapshot();
    const r = tfbuild(['plan', '2.17', '--tag', '../../x', '--workdir', join(v.dir, 'src'), '--host-facts', hostFacts]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--tag "../../x" is not a release tag name');
    expect(v.snapshot()).toEqual(before);
  });

  it('the clone step itself refuses an escaping tag (a hand-edited plan), before touching x.partial', async () => {
    const work = makeTempDir('tfb-work-');
    const v = makeVictim('victim-', join(work, 'x.partial'));
    const before = v.snapshot();
    const e = await runSourceStep(cloneStep('/nonexistent', '../x', join(work, 'src', '../x')), ctxIn(work)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect(v.snapshot()).toEqual(before);
  });

  it('a leftover <dir>.partial that tfbuild did not mark is kept: exit 6, untouched', async () => {
    const fx = makeFixtureRepo('r1.4');
    const work = makeTempDir('tfb-work-');
    const dir = join(work, 'elsewhere');
    const v = makeVictim('victim-', `${dir}.partial`);
    const before = v.snapshot();
    const e = await runSourceStep(cloneStep(fx.bareRepo, 'v1.4.1', dir), ctxIn(work)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).exitCode).toBe(6);
    expect((e as Error).message).toMatch(/tfbuild did not make it/);
    expect(v.snapshot()).toEqual(before);
    expect(existsSync(dir)).toBe(false);
  });

  it('an interrupted clone of its own (marked) is removed and cloned afresh', async () => {
    const fx = makeFixtureRepo('r1.4');
    const work = makeTempDir('tfb-work-');
    const dir = join(work, 'src', 'v1.4.1');
    mkdirSync(join(`${dir}.partial`, 'tree'), { recursive: true });
    writeFileSync(join(`${dir}.partial`, OWNER_MARKER), '');
    writeFileSync(join(`${dir}.partial`, 'tree', 'half'), '');
    const out = await runSourceStep(cloneStep(fx.bareRepo, 'v1.4.1', dir), ctxIn(work));
    expect(out.commit).toBe(fx.commit);
    expect(existsSync(`${dir}.partial`)).toBe(false);
    expect(readdirSync(dir)).toContain('.git');
  });

  it("a saved plan whose staging dir is someone's project: exit 6, nothing removed", async () => {
    const v = makeVictim();
    const out = makeTempDir('tfb-out-');
    const before = v.snapshot();
    const step = {
      id: 'package', kind: 'package', title: 'package', cmd: join(v.dir, 'build_pip_package.sh'), args: [v.dir], cwd: v.dir, env: {}, pathPrepend: [],
      packaging: 'build_pip_package', stagingDir: v.dir, outputDir: out, metadata: {},
    } as unknown as PackageStep;
    const e = await runPackageStep(step, ctxIn(out)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as Error).message).toContain(`${v.dir} already exists and tfbuild did not make it`);
    expect(v.snapshot()).toEqual(before);
    expect(readdirSync(out)).toEqual([]);
  });
});
