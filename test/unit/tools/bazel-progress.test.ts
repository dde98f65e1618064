import { describe, expect, it } from 'vitest';
import { createProgressTracker, formatDuration, formatProgress, parseActionCounter } from '../../../src/tools/bazel-progress.js';

describe('parseActionCounter', () => {
  it.each([
    ['[12 / 34] Compiling tensorflow/core/kernels/conv_ops.cc; 3s local', { done: 12, total: 34 }],
    ['[0 / 4] [Prepa] BazelWorkspaceStatusAction stable-status.txt', { done: 0, total: 4 }],
    ['[3 / 11] Executing genrule //tensorflow/core/kernels:heavy_0; 2s local ... (2 actions running)', { done: 3, total: 11 }],
    ['[1,234 / 5,678] Compiling foo.cc', { done: 1234, total: 5678 }],
    // bazel 0.5 prints the bare counter.
    ['[12 / 34]', { done: 12, total: 34 }],
    ['[ 7 / 9 ]', { done: 7, total: 9 }],
  ] as const)('%s', (line, want) => {
    expect(parseActionCounter(line)).toEqual(want);
  });

  it.each([
    'INFO: Found 1 target...',
    'Loading: 0 packages loaded',
    'ERROR: /x/BUILD:11:9: Executing genrule [1 / 2] failed',
    '[0 / 0] nothing',
    '[a / b]',
  ])('not a counter: %s', (line) => {
    expect(parseActionCounter(line)).toBeNull();
  });
});

describe('createProgressTracker', () => {
  it('computes percent and an ETA from the recent rate', () => {
    const t = createProgressTracker();
    expect(t.push('[0 / 100] start', 0)).toEqual({ done: 0, total: 100, percent: 0, etaSeconds: null });
    const p = t.push('[10 / 100] Compiling a.cc', 10_000);
    // 10 actions in 10 s → 90 left take 90 s.
    expect(p).toEqual({ done: 10, total: 100, percent: 10, etaSeconds: 90 });
    expect(t.push('INFO: something', 11_000)).toBeNull();
    expect(t.current()).toEqual(p);
  });

  it('uses the latest total when bazel discovers more actions', () => {
    const t = createProgressTracker();
    t.push('[0 / 10]', 0);
    expect(t.push('[5 / 20]', 5_000)).toMatchObject({ percent: 25, etaSeconds: 15 });
  });

  it('ETA is 0 when done and null while nothing progressed', () => {
    const t = createProgressTracker();
    t.push('[3 / 3]', 0);
    expect(t.current()?.etaSeconds).toBe(0);
    const u = createProgressTracker();
    u.push('[1 / 5]', 0);
    expect(u.push('[1 / 5]', 1000)?.etaSeconds).toBeNull();
  });

  it('keeps the rate over a bounded window (old samples fall out)', () => {
    const t = createProgressTracker();
    // Slow start: 1 action per 10 s for 20 samples, then fast: 10 actions per second.
    let now = 0;
    let done = 0;
    for (let i = 0; i < 20; i++) t.push(`[${done++} / 10000]`, (now += 10_000));
    for (let i = 0; i < 20; i++) t.push(`[${(done += 10)} / 10000]`, (now += 1_000));
    const eta = t.current()?.etaSeconds ?? -1;
    // Only the fast rate is in the window: (10000 - done) / 10 per second.
    expect(eta).toBe(Math.round((10000 - done) / 10));
  });
});

describe('formatProgress', () => {
  it('renders a bar, the counter and the ETA', () => {
    expect(formatProgress({ done: 42, total: 100, percent: 42, etaSeconds: 185 }, 10)).toBe('[####......] 42.0% 42/100 ETA 3m05s');
    expect(formatProgress({ done: 0, total: 4, percent: 0, etaSeconds: null }, 4)).toBe('[....] 0.0% 0/4');
    expect(formatDuration(3 * 3600 + 60 * 7)).toBe('3h07m');
  });
});
