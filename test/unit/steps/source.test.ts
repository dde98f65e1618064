/** The source step's clone path on a real fixture repo: a fresh clone is the tag, or it is refused (exit 6). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloneArgs, CLONE_ENV } from '../../../src/plan/clone.js';
import { ConflictError } from '../../../src/errors.js';
import type { SourceStep } from '../../../src/plan/index.js';
import { runSourceStep } from '../../../src/steps/source.js';
import type { StepContext } from '../../../src/steps/context.js';
import { makeFixtureRepo } from '../../helpers/fixture.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { createExec } from '../../../src/exec/index.js';

function cloneStep(repo: string, tag: string, dir: string): SourceStep {
  // The plan's clone command, as createPlan makes it.
  const args = cloneArgs(repo, tag, join(`${dir}.partial`, 'tree'), process.cwd());
  return { id: 'source', kind: 'source', title: 'clone', cmd: 'git', args, cwd: dirname(dir), env: { ...CLONE_ENV }, pathPrepend: [], mode: 'clone', dir, repo, tag, allowDirty: false } as SourceStep;
}

function ctxIn(dir: string): StepContext {
  return { signal: new AbortController().signal, emit: () => undefined, outputs: {}, logDir: dir, runId: 't', setStatus: () => undefined, currentLog: null, exec: createExec() } as unknown as StepContext;
}

describe('source step: a fresh clone', () => {
  it('of the tag: HEAD is the tag commit, renamed into place', async () => {
    const fx = makeFixtureRepo('r1.4');
    const work = makeTempDir('tfb-src-');
    const dir = join(work, 'src', 'v1.4.1');
    const out = await runSourceStep(cloneStep(fx.bareRepo, 'v1.4.1', dir), ctxIn(work));
    expect(out).toEqual({ commit: fx.commit, srcDir: dir, clone: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(existsSync(`${dir}.partial`)).toBe(false);
  });

  it('of a branch that has the tag name: refused as a conflict (exit 6), never used as the release', async () => {
    const fx = makeFixtureRepo('r1.4');
    execFileSync('git', ['-C', fx.dir, 'branch', 'v9.9.9', 'HEAD~1']);
    const work = makeTempDir('tfb-src-');
    const dir = join(work, 'src', 'v9.9.9');
    const e = await runSourceStep(cloneStep(fx.dir, 'v9.9.9', dir), ctxIn(work)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).exitCode).toBe(6);
    expect((e as Error).message).toMatch(/v9\.9\.9 is a branch there, not a tag/);
    expect(existsSync(dir)).toBe(false);
  });
});
