import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createReporter, EventSchema, formatHuman, getEventsJsonSchema, pickReporterMode, toEvent, type EventInput } from '../../src/ui/events.js';

const SCHEMA_FILE = new URL('../../schema/events.schema.json', import.meta.url);
const step = { id: 'bazel', kind: 'bazel', title: 'Build TensorFlow with bazel' };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) };
}

describe('events schema', () => {
  it('schema/events.schema.json is in sync with EventSchema (UPDATE_SCHEMA=1 regenerates it)', () => {
    const generated = JSON.stringify(getEventsJsonSchema(), null, 2) + '\n';
    if (process.env.UPDATE_SCHEMA) writeFileSync(SCHEMA_FILE, generated);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });

  it('fills v and ts and rejects unknown types, fields and bad progress', () => {
    const e = toEvent({ type: 'step-started', step }, () => new Date('2026-11-27T21:00:00Z'));
    expect(e).toEqual({ v: 1, ts: '2026-11-27T21:00:00.000Z', type: 'step-started', step });
    expect(() => toEvent({ type: 'nope', step } as unknown as EventInput)).toThrow();
    expect(() => toEvent({ type: 'step-started', step, extra: 1 } as unknown as EventInput)).toThrow();
    expect(() =>
      toEvent({ type: 'progress', step, progress: { done: 1, total: 2, percent: 150, etaSeconds: null } }),
    ).toThrow();
    expect(EventSchema.safeParse({ v: 2, ts: new Date().toISOString(), type: 'step-started', step }).success).toBe(false);
  });

  it('the published JSON Schema, read back, accepts what toEvent makes and rejects wrong versions, types and keys', async () => {
    const { z } = await import('zod');
    const published = z.fromJSONSchema(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
    const good = toEvent({ type: 'progress', step, progress: { done: 1, total: 4, percent: 25, etaSeconds: 3 } });
    expect(published.safeParse(good).success).toBe(true);
    expect(published.safeParse({ ...good, v: 2 }).success).toBe(false);
    expect(published.safeParse({ ...good, type: 'progres' }).success).toBe(false);
    expect(published.safeParse({ ...good, extra: true }).success).toBe(false);
    expect(published.safeParse({ ...good, ts: 'yesterday' }).success).toBe(false);
  });

  it('the result and progress lines say where actions ran (remote, locally, from cache)', () => {
    const cache = { remoteHits: 0, diskHits: 0, localActions: 3, remoteActions: 6, cachedActions: 2, totalActions: 16, summarized: true };
    const done = toEvent({ type: 'result', ok: true, result: { wheel: '/x.whl', buildInfo: {}, cache } });
    expect(formatHuman(done)).toBe('Built /x.whl (16 processes: 6 ran remotely, 3 locally, 2 from cache)');
    const none = toEvent({ type: 'result', ok: true, result: { wheel: '/x.whl', buildInfo: {}, cache: {} } });
    expect(formatHuman(none)).toBe('Built /x.whl');
    const p = toEvent({ type: 'progress', step, progress: { done: 8, total: 11, percent: 72.7, etaSeconds: null, running: 'remote' } });
    expect(formatHuman(p)).toBe('[bazel] 8/11 (73%, running remote)');
  });

  it('fills cache stats defaults in a result', () => {
    const e = toEvent({ type: 'result', ok: true, result: { wheel: '/x.whl', buildInfo: { tf: '1.4.1' }, cache: {} } });
    expect(e.type === 'result' && e.result.cache).toEqual({ remoteHits: 0, diskHits: 0, localActions: 0, remoteActions: 0, cachedActions: 0, totalActions: 0, summarized: false });
  });
});

describe('createReporter', () => {
  it('json mode: one parseable JSON object per line on stdout, human text for warnings on stderr', () => {
    const c = capture();
    const r = createReporter({ mode: 'json', stdout: c.stdout, stderr: c.stderr });
    r.emit({ type: 'step-started', step });
    r.emit({ type: 'progress', step, progress: { done: 10, total: 100, percent: 10, etaSeconds: 90 } });
    r.emit({ type: 'warning', step, message: 'low disk' });
    r.emit({ type: 'step-finished', step, durationMs: 1200 });
    r.close();
    r.emit({ type: 'step-started', step }); // after close: dropped
    const lines = c.out.join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(EventSchema.safeParse(JSON.parse(l)).success).toBe(true);
    expect(lines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual([
      'step-started', 'progress', 'warning', 'step-finished',
    ]);
    expect(c.err.join('')).toBe('warning: low disk\n');
  });

  it('plain mode: no cursor movement, progress throttled to every 5% and flushed at step end', () => {
    const c = capture();
    let t = Date.parse('2026-11-27T21:00:00Z');
    const r = createReporter({ mode: 'plain', stdout: c.stdout, stderr: c.stderr, now: () => new Date(t) });
    r.emit({ type: 'step-started', step });
    for (let done = 1; done <= 100; done++) {
      t += 100;
      r.emit({ type: 'progress', step, progress: { done, total: 100, percent: done, etaSeconds: 100 - done } });
    }
    r.emit({ type: 'progress', step, progress: { done: 100, total: 101, percent: 99.01, etaSeconds: 0 } });
    r.emit({ type: 'step-finished', step, durationMs: 10_000 });
    r.close();
    const text = c.out.join('');
    expect(text.includes("\u001b[")).toBe(false);
    const progress = text.split('\n').filter((l) => l.startsWith('[bazel]'));
    // 1%, 6%, 11% … 96% = 20 lines, plus the pending 100/101 flushed before "ok".
    expect(progress).toHaveLength(21);
    expect(progress[0]).toBe('[bazel] 1/100 (1%, ETA 1m39s)');
    expect(progress.at(-1)).toBe('[bazel] 100/101 (99%, ETA 0.0s)');
    expect(text).toMatch(/^==> Build TensorFlow with bazel \[bazel\]\n/);
    expect(text).toMatch(/ok {2}Build TensorFlow with bazel \[bazel\] \(10\.0s\)\n$/);
  });

  it('plain mode: a slow step still prints progress every interval', () => {
    const c = capture();
    let t = 0;
    const r = createReporter({ mode: 'plain', stdout: c.stdout, stderr: c.stderr, now: () => new Date(t), progressIntervalMs: 30_000 });
    for (let i = 0; i < 10; i++) {
      t += 10_000;
      r.emit({ type: 'progress', step, progress: { done: i, total: 1000, percent: i / 10, etaSeconds: null } });
    }
    // at 10 s (first), 40 s, 70 s, 100 s
    expect(c.out.join('').split('\n').filter(Boolean)).toHaveLength(4);
  });

  it('tty mode: steps are left to listr2; only warnings and diagnoses reach stderr', () => {
    const c = capture();
    const r = createReporter({ mode: 'tty', stdout: c.stdout, stderr: c.stderr });
    r.emit({ type: 'step-started', step });
    r.emit({ type: 'diagnosis', step, id: 'oom-cc1plus', title: 'compiler ran out of memory', fix: 'use --jobs 2', evidence: ['gcc: internal compiler error: Killed'] });
    r.emit({ type: 'step-finished', step, durationMs: 1 });
    expect(c.out).toEqual([]);
    expect(c.err.join('')).toBe(
      'diagnosis [oom-cc1plus]: compiler ran out of memory\n  | gcc: internal compiler error: Killed\n  fix: use --jobs 2\n',
    );
  });

  it('writes to node streams as well as functions', () => {
    const chunks: string[] = [];
    const r = createReporter({ mode: 'json', stdout: { write: (s: string) => chunks.push(s) }, stderr: () => undefined });
    r.emit({ type: 'log', level: 'info', message: 'hi' });
    expect(JSON.parse(chunks[0]!)).toMatchObject({ v: 1, type: 'log', message: 'hi' });
  });

  it('picks json for --json, tty only on a terminal outside CI', () => {
    expect(pickReporterMode({ json: true, isTTY: true })).toBe('json');
    expect(pickReporterMode({ isTTY: true })).toBe('tty');
    expect(pickReporterMode({ isTTY: true, ci: true })).toBe('plain');
    expect(pickReporterMode({ isTTY: false })).toBe('plain');
  });
});
