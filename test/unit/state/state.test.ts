import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/errors.js';
import { acquireLock, LOCK_FILE, readLock } from '../../../src/state/lock.js';
import { findFinished, getStatePath, hashInputs, readState, recordFinished, writeState, type BuildState } from '../../../src/state/state.js';
import { makeTempDir } from '../../helpers/tmp.js';

const tmp = () => makeTempDir('tfb-state-');
const base = (): BuildState => ({
  schemaVersion: 1, tag: 'v1.4.1', gpu: false, resumeCommand: 'tfbuild build r1.4 --resume', status: 'running', pid: 1,
  startedAt: 'x', updatedAt: 'x', current: null, error: null, steps: [],
});
const order = ['source', 'patch', 'configure', 'bazel-build'];
const fin = (id: string, inputHash: string) => ({ id, kind: id, inputHash, finishedAt: 't', durationMs: 1, outputs: {} });

describe('state file', () => {
  it('round-trips atomically and leaves no temp files', () => {
    const dir = tmp();
    writeState(dir, recordFinished(base(), order, fin('source', 'h1')));
    const r = readState(dir);
    expect(r.kind === 'ok' && r.state.steps.map((s) => s.id)).toEqual(['source']);
    expect(readFileSync(getStatePath(dir), 'utf8')).toMatch(/"inputHash": "h1"/);
    expect(spawnSync('ls', [dir]).stdout.toString().trim()).toBe('tfbuild-state.json');
  });

  it.each([['truncated', '{"schemaVersion": 1, "tag": "v1'], ['garbage', '\u0000\u0001'], ['wrong shape', '{"schemaVersion": 9}']])(
    'a %s state file gives a clear reason and is moved aside, not deleted', (_, text) => {
      const dir = tmp();
      writeFileSync(getStatePath(dir), text);
      const r = readState(dir);
      expect(r.kind).toBe('corrupt');
      if (r.kind !== 'corrupt') return;
      expect(r.reason.length).toBeGreaterThan(0);
      expect(existsSync(getStatePath(dir))).toBe(false);
      expect(readFileSync(r.movedTo!, 'utf8')).toBe(text);
    });

  it('chains input hashes: a changed input changes every later hash; re-recording drops later steps', () => {
    const h1 = hashInputs(null, {}, { a: 1, b: 2 });
    expect(hashInputs(null, {}, { b: 2, a: 1 })).toBe(h1);
    const h2 = hashInputs(h1, { commit: 'c1' }, { kind: 'patch' });
    expect(hashInputs(h1, { commit: 'c2' }, { kind: 'patch' })).not.toBe(h2);
    let s = base();
    for (const [id, h] of [['source', 'a'], ['patch', 'b'], ['configure', 'c']] as const) s = recordFinished(s, order, fin(id, h));
    expect(findFinished(s, 'patch', 'b')).not.toBeNull();
    expect(findFinished(s, 'patch', 'B')).toBeNull();
    s = recordFinished(s, order, fin('patch', 'B'));
    expect(s.steps.map((x) => `${x.id}:${x.inputHash}`)).toEqual(['source:a', 'patch:B']);
  });
});

describe('lock', () => {
  it('refuses a second holder while the first process lives, naming its pid (exit 6)', async () => {
    const dir = tmp();
    const child = spawn('sleep', ['30']);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid, host: hostname(), startedAt: 'then', command: 'tfbuild build r1.4' }));
    try {
      const err = (() => { try { acquireLock(dir, 'x'); } catch (e) { return e; } })();
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as ConflictError).exitCode).toBe(6);
      expect((err as Error).message).toContain(`pid ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over a stale lock whose process is dead, and releases only its own lock', () => {
    const dir = tmp();
    const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: Number(dead), host: hostname(), startedAt: 'then', command: 'old' }));
    const l = acquireLock(dir, 'new');
    expect(l.tookOverFrom?.pid).toBe(Number(dead));
    expect(readLock(dir)?.pid).toBe(process.pid);
    l.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const l2 = acquireLock(dir, 'fresh');
    expect(l2.tookOverFrom).toBeNull();
    l2.release();
  });
});
