/**
 * Pure, incremental parser of bazel's action counter. Bazel prints `[12 / 34] Compiling foo.cc` (4.x, with
 * --curses=no), plain `[12 / 34]` on older releases, and groups digits in big builds: `[1,234 / 5,678]`.
 * Constant memory: only the latest counter and a few rate samples are kept.
 *
 * The counter line also says where its action runs (bazel 0.2x and later): `[8 / 11] Executing genrule //x:y; 1s remote`,
 * `…; 7s local, remote` (remote failed over to local with --remote_local_fallback), `…; 0s linux-sandbox`, and may end
 * in ` ... (3 actions running)`. That strategy goes into the progress as `running`. The counts of where all actions
 * ran come only at the end, from bazel's process summary (src/tools/bazel.ts, `parseBuildSummary`).
 */
import { formatDuration } from '../util/format.js';

export interface BazelProgress {
  done: number;
  total: number;
  /** 0..100, one decimal. */
  percent: number;
  /** Seconds left at the recent rate; null until there is a rate. */
  etaSeconds: number | null;
  /** Where the action named on the line runs: "remote", "local", "linux-sandbox", "local, remote"…; null when not said. */
  running: string | null;
}

// `; 12s remote` / `; 0s local, remote`, optionally followed by ` ... (N actions running)`. No nested quantifiers.
const RUNNING = /; \d+s ([a-z][a-z-]*(?:, [a-z][a-z-]*)*)(?: \.\.\. \([^)]*\))?$/;

/**
 * The strategy at the end of a counter line, or null. Only the text from the last `; ` on is matched: unanchored on
 * the whole line, `[^)]*` rescanned the rest of the line from every `; ` (quadratic on a long crafted line).
 */
export function parseRunningStrategy(line: string): string | null {
  const at = line.lastIndexOf('; ');
  return at < 0 ? null : (RUNNING.exec(line.slice(at))?.[1] ?? null);
}

/**
 * `[1,234 / 5,678] …` → {done: 1234, total: 5678}; null for other lines. Leading spaces are allowed; the counter must
 * open the line, so "[1 / 2]" inside a path or an ERROR line does not match. Hand-written rather than a regex: it
 * runs on every output line of hours-long builds (bench/stream.mjs).
 */
export function parseActionCounter(line: string): { done: number; total: number } | null {
  return scanActionCounter(line) ? { done: scannedDone, total: scannedTotal } : null;
}

// The hot path (every output line of a build) allocates nothing: results go to module state.
let scannedDone = 0;
let scannedTotal = 0;
function scanActionCounter(line: string): boolean {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  if (line.charCodeAt(i) !== 91 /* [ */) return false;
  const done = readGroupedInt(line, i + 1);
  if (done < 0 || line.charCodeAt(cursor) !== 47 /* / */) return false;
  const total = readGroupedInt(line, cursor + 1);
  if (total <= 0 || line.charCodeAt(cursor) !== 93 /* ] */) return false;
  scannedDone = done;
  scannedTotal = total;
  return true;
}

// Where readGroupedInt stopped (module state instead of a closure: no allocation per line).
let cursor = 0;

/** From `start`: spaces, digits with optional "," grouping, spaces. -1 when there is no digit. Sets `cursor`. */
function readGroupedInt(line: string, start: number): number {
  const n = line.length;
  let i = start;
  while (line.charCodeAt(i) === 32) i++;
  let value = 0;
  let digits = 0;
  for (; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else if (c !== 44 /* , */ || digits === 0) break;
  }
  while (line.charCodeAt(i) === 32) i++;
  cursor = i;
  return digits === 0 ? -1 : value;
}

const WINDOW = 8;

export interface ProgressTracker {
  /** Feed one output line; returns the new progress when the line carried a counter. */
  push(line: string, nowMs?: number): BazelProgress | null;
  current(): BazelProgress | null;
}

/**
 * Tracks the counter and estimates the time left from the rate over the last few samples. Bazel's total grows as
 * it discovers actions, so the ETA uses the latest total.
 */
export function createProgressTracker(): ProgressTracker {
  // Ring of (time, done) samples: constant size.
  const times = new Array<number>(WINDOW).fill(0);
  const dones = new Array<number>(WINDOW).fill(0);
  let count = 0;
  let last: BazelProgress | null = null;
  return {
    push(line, at) {
      // Cheap pre-check: most lines do not start with '['. The clock is read only for counter lines.
      const c = line.charCodeAt(0);
      if (c !== 91 /* [ */ && c !== 32 /* space */) return null;
      if (!scanActionCounter(line)) return null;
      const p = { done: scannedDone, total: scannedTotal };
      const nowMs = at ?? Date.now();
      const slot = count % WINDOW;
      times[slot] = nowMs;
      dones[slot] = p.done;
      count++;
      const oldest = count > WINDOW ? count % WINDOW : 0;
      const dt = (nowMs - (times[oldest] ?? nowMs)) / 1000;
      const dd = p.done - (dones[oldest] ?? p.done);
      const remaining = Math.max(0, p.total - p.done);
      const etaSeconds = remaining === 0 ? 0 : dt > 0 && dd > 0 ? Math.round((remaining * dt) / dd) : null;
      last = { done: p.done, total: p.total, percent: Math.round((p.done / p.total) * 1000) / 10, etaSeconds, running: parseRunningStrategy(line) };
      return last;
    },
    current: () => last,
  };
}

/** `[####......] 42.0% 420/1000 ETA 3m05s, running remote` */
export function formatProgress(p: BazelProgress, width = 20): string {
  const filled = Math.min(width, Math.round((p.percent / 100) * width));
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const running = p.running === null ? '' : `, running ${p.running}`;
  return `[${bar}] ${p.percent.toFixed(1)}% ${p.done}/${p.total}${p.etaSeconds === null ? '' : ` ETA ${formatDuration(p.etaSeconds * 1000)}`}${running}`;
}

/** Where a build's processes ran, from bazel's summary: remote / here / from a cache; null when bazel printed none. */
export interface ActionCounts {
  remote: number;
  local: number;
  cached: number;
  total: number;
}

export interface SummaryCounts {
  processes: number | null;
  internal: number;
  remote: number;
  remoteCacheHits: number;
  diskCacheHits: number;
  actionCacheHits: number;
}

/**
 * The counts a user reads: remote = "N remote"; cached = remote/disk/action cache hits; local = every other
 * non-internal process (local, sandboxes, workers). Null when bazel printed no process line (releases before the
 * summary existed, or a build that failed before executing).
 */
export function getActionCounts(s: SummaryCounts): ActionCounts | null {
  if (s.processes === null) return null;
  const cached = s.remoteCacheHits + s.diskCacheHits + s.actionCacheHits;
  return { remote: s.remote, cached, local: Math.max(0, s.processes - s.internal - cached - s.remote), total: s.processes };
}

/** The counts as step outputs (strings, like every step output); none when bazel printed no summary. */
export function actionCountOutputs(c: ActionCounts | null): Record<string, string> {
  return c === null ? {} : { remoteActions: String(c.remote), localActions: String(c.local), cachedActions: String(c.cached) };
}
