import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  actionCountOutputs, createProgressTracker, formatProgress, getActionCounts, parseActionCounter, parseRunningStrategy,
} from '../../../src/tools/bazel-progress.js';
import { parseBuildSummary } from '../../../src/tools/bazel.js';

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
    expect(t.push('[0 / 100] start', 0)).toEqual({ done: 0, total: 100, percent: 0, etaSeconds: null, running: null });
    const p = t.push('[10 / 100] Compiling a.cc', 10_000);
    // 10 actions in 10 s → 90 left take 90 s.
    expect(p).toEqual({ done: 10, total: 100, percent: 10, etaSeconds: 90, running: null });
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
    expect(formatProgress({ done: 42, total: 100, percent: 42, etaSeconds: 185, running: null }, 10)).toBe('[####......] 42.0% 42/100 ETA 3m05s');
    expect(formatProgress({ done: 0, total: 4, percent: 0, etaSeconds: null, running: null }, 4)).toBe('[....] 0.0% 0/4');
  });
});

describe('where actions run (bazel 4.2.3 with a remote executor, recorded)', () => {
  const recorded = (f: string) => readFileSync(join(import.meta.dirname, 'recorded', f), 'utf8').split('\n');

  it('the counter line names the strategy; the progress carries it and the bar shows it', () => {
    const t = createProgressTracker();
    const seen = recorded('bazel-4.2.3-remote-fallback.txt').map((l) => t.push(l, 0)?.running).filter((r) => r !== undefined);
    expect(seen).toEqual(expect.arrayContaining(['remote', 'local, remote', 'local', null]));
    expect(formatProgress({ done: 8, total: 11, percent: 72.7, etaSeconds: null, running: 'remote' }, 4)).toBe('[###.] 72.7% 8/11, running remote');
    expect(parseRunningStrategy('[1,234 / 5,678] Compiling x.cc; 12s linux-sandbox ... (8 actions running)')).toBe('linux-sandbox');
    expect(parseRunningStrategy('[0 / 4] [Prepa] BazelWorkspaceStatusAction stable-status.txt ... (2 actions, 0 running)')).toBeNull();
    // Earlier `; ` segments (a crafted or odd action name) do not hide the strategy at the end.
    expect(parseRunningStrategy(`[1 / 2] Compiling ${'; 1s a ... ('.repeat(5000)}x.cc; 3s remote ... (1 action running)`)).toBe('remote');
  });

  it('counts from the summary: remote, local, cached; null when bazel printed none', () => {
    const counts = (f: string) => getActionCounts(parseBuildSummary(recorded(f)));
    expect(counts('bazel-4.2.3-remote-exec.txt')).toEqual({ remote: 6, local: 0, cached: 0, total: 11 });
    expect(counts('bazel-4.2.3-remote-fallback.txt')).toEqual({ remote: 3, local: 3, cached: 0, total: 11 });
    expect(counts('bazel-4.2.3-disk-cache-hit.txt')).toEqual({ remote: 0, local: 4, cached: 3, total: 9 });
    expect(counts('bazel-4.2.3-remote-refused.txt')).toBeNull();
    expect(getActionCounts(parseBuildSummary(['INFO: 9 processes: 2 action cache hit, 3 internal, 4 darwin-sandbox.'])))
      .toEqual({ remote: 0, local: 4, cached: 2, total: 9 });
    expect(actionCountOutputs(null)).toEqual({});
  });
});
