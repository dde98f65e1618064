/**
 * bazel adapter. Version probing is client-only (`bazel --version` never starts a server, so doctor stays fast
 * and leaves no JVM behind). Builds stream line by line (capture off) so memory stays flat for hours of output;
 * only the summary lines and the progress counter are kept.
 */
import { plainExec, type Exec, type RunResult } from '../exec/index.js';
import { ToolError } from '../errors.js';
import { createProgressTracker, type BazelProgress } from './bazel-progress.js';

export interface BazelVersion {
  /** "4.2.3", "0.5.4", "7.0.0-pre.20230101.3"; null when the binary reports no release. */
  version: string | null;
  /** True for builds without a release label: Debian's bazel-bootstrap (`bazel no_version`), `development version`. */
  unknownRelease: boolean;
}

// A release number with an optional pre-release (`7.0.0-pre.20230215.2`) or rc suffix (`6.0.0rc1`).
const RELEASE = /(\d+\.\d+\.\d+(?:-pre\.[\d.]+|rc\d+)?)/;

/**
 * Parses the output of `bazel --version` or `bazel version`, also under bazelisk:
 *   `bazel 0.5.4`, `bazel 6.5.0- (@non-git)`, `Build label: 6.5.0`, `Bazelisk version: v1.19.0\nBuild label: 7.4.1`,
 *   `bazel no_version` (Debian's bazel-bootstrap 4.2.3), `Build label: ` (empty, source builds).
 * Bazelisk's own version line is ignored: only the bazel it runs matters.
 */
export function parseBazelVersion(text: string): BazelVersion {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const label = /^Build label:\s*(.*)$/.exec(line);
    if (label) {
      const m = RELEASE.exec(label[1] ?? '');
      return m?.[1] ? { version: m[1], unknownRelease: false } : { version: null, unknownRelease: true };
    }
    const client = /^bazel\s+(\S+)/.exec(line);
    if (client) {
      const m = RELEASE.exec(client[1] ?? '');
      return m?.[1] ? { version: m[1], unknownRelease: false } : { version: null, unknownRelease: true };
    }
    if (/development version/i.test(line)) return { version: null, unknownRelease: true };
  }
  return { version: null, unknownRelease: false };
}

/** `bazel --version` outputs already read in this process, by path (the host probe's answer serves the preflight). */
const knownVersions = new Map<string, BazelVersion & { raw: string }>();

/** Record what `bazelPath --version` printed (e.g. by the host probe moments ago), so it is not run again. */
export function rememberBazelVersion(bazelPath: string, raw: string): void {
  knownVersions.set(bazelPath, { ...parseBazelVersion(raw), raw });
}

/** `bazel --version`, client only (once per path and process). Throws a ToolError when the binary cannot run. */
export async function readBazelVersion(bazelPath: string, x: Exec = plainExec): Promise<BazelVersion & { raw: string }> {
  // A runner whose commands run elsewhere (a build container) asks that bazel, not the host's of the same path.
  const known = x.elsewhere ? undefined : knownVersions.get(bazelPath);
  if (known) return known;
  const r = await x.run({
    cmd: bazelPath,
    args: ['--version'],
    effect: 'read',
    timeout: 'versionProbe',
    title: `${bazelPath} --version`,
    hint: `Check that ${bazelPath} is a working bazel (or bazelisk) binary; install one from https://github.com/bazelbuild/bazelisk/releases.`,
  });
  const raw = (r.stdout + '\n' + r.stderr).trim();
  const v = { ...parseBazelVersion(raw), raw };
  knownVersions.set(bazelPath, v);
  return v;
}

export interface BuildSummary {
  /** `INFO: 7 processes: …` → 7; null when bazel printed no process line (e.g. failed during analysis). */
  processes: number | null;
  /** `INFO: Build completed successfully, 8 total actions` → 8 (counts internal actions too). */
  totalActions: number | null;
  /** Processes that really ran a tool: the process total minus internal and cache hits. */
  actionsExecuted: number | null;
  internal: number;
  remoteCacheHits: number;
  diskCacheHits: number;
  /** bazel 7+: "N action cache hit" (outputs already there, nothing ran). */
  actionCacheHits: number;
  linuxSandbox: number;
  processwrapperSandbox: number;
  local: number;
  worker: number;
  /** Processes executed by a remote-execution service ("N remote"). */
  remote: number;
  /** Other strategies that run on this host (darwin-sandbox, windows-sandbox, sandbox, standalone). */
  otherLocal: number;
  /** `INFO: Elapsed time: 5.1s, …` */
  elapsedSeconds: number | null;
  criticalPathSeconds: number | null;
  succeeded: boolean | null;
}

export function emptySummary(): BuildSummary {
  return {
    processes: null, totalActions: null, actionsExecuted: null, internal: 0, remoteCacheHits: 0, diskCacheHits: 0,
    actionCacheHits: 0, linuxSandbox: 0, processwrapperSandbox: 0, local: 0, worker: 0, remote: 0, otherLocal: 0,
    elapsedSeconds: null, criticalPathSeconds: null, succeeded: null,
  };
}

const PROCESSES = /^INFO: (\d[\d,]*) process(?:es)?(?:: (.*?))?\.?$/;
const STRATEGY = /^(\d[\d,]*) (.+)$/;
const TOTAL = /^INFO: Build completed successfully, (\d[\d,]*) total actions?/;
const FAILED = /^(?:FAILED: Build did NOT complete successfully|ERROR: Build did NOT complete successfully)/;
const ELAPSED = /^INFO: Elapsed time: ([\d.]+)s(?:, Critical Path: ([\d.]+)s)?/;

const OTHER_LOCAL = new Set(['darwin-sandbox', 'windows-sandbox', 'sandbox', 'standalone']);

const num = (s: string) => Number(s.replace(/,/g, ''));

/** Feeds one line into a summary (mutates it). Returns true when the line was a summary line. */
export function pushSummaryLine(s: BuildSummary, line: string): boolean {
  if (!line.startsWith('INFO: ') && !line.startsWith('FAILED: ') && !line.startsWith('ERROR: ')) return false;
  const p = PROCESSES.exec(line);
  if (p?.[1]) {
    Object.assign(s, { ...emptySummary(), totalActions: s.totalActions, elapsedSeconds: s.elapsedSeconds,
      criticalPathSeconds: s.criticalPathSeconds, succeeded: s.succeeded });
    s.processes = num(p[1]);
    // Parts are ", "-separated; digit grouping ("1,000") has no space.
    for (const part of (p[2] ?? '').split(/,\s+/)) {
      const m = STRATEGY.exec(part.trim());
      if (!m?.[1] || !m[2]) continue;
      const n = num(m[1]);
      const kind = m[2].trim();
      if (kind === 'internal') s.internal += n;
      else if (kind === 'remote cache hit') s.remoteCacheHits += n;
      else if (kind === 'disk cache hit') s.diskCacheHits += n;
      else if (kind === 'linux-sandbox') s.linuxSandbox += n;
      else if (kind === 'processwrapper-sandbox') s.processwrapperSandbox += n;
      else if (kind === 'local') s.local += n;
      else if (kind === 'worker') s.worker += n;
      else if (kind === 'remote') s.remote += n;
      else if (kind === 'action cache hit') s.actionCacheHits += n;
      else if (OTHER_LOCAL.has(kind)) s.otherLocal += n;
    }
    s.actionsExecuted = Math.max(0, s.processes - s.internal - s.remoteCacheHits - s.diskCacheHits - s.actionCacheHits);
    return true;
  }
  const t = TOTAL.exec(line);
  if (t?.[1]) {
    s.totalActions = num(t[1]);
    s.succeeded = true;
    return true;
  }
  if (FAILED.test(line)) {
    s.succeeded = false;
    return true;
  }
  const e = ELAPSED.exec(line);
  if (e?.[1]) {
    s.elapsedSeconds = Number(e[1]);
    s.criticalPathSeconds = e[2] === undefined ? null : Number(e[2]);
    return true;
  }
  return false;
}

/** Summary of a whole bazel output (bazel 4.x wording; `disk cache hit` from bazel 5+). */
export function parseBuildSummary(lines: Iterable<string>): BuildSummary {
  const s = emptySummary();
  for (const l of lines) pushSummaryLine(s, l);
  return s;
}

/** Flags that make bazel's output line-oriented: no ANSI colours, no cursor-rewriting progress. */
export const LINE_OUTPUT_FLAGS = ['--color=no', '--curses=no'] as const;

interface BazelCommon {
  bazel: string;
  cwd: string;
  /** Startup options (before the command), e.g. `--output_user_root=DIR`, `--batch`. */
  startupArgs?: readonly string[];
  env?: Record<string, string | undefined>;
  logFile?: string;
  signal?: AbortSignal;
}

export interface BazelBuildSpec extends BazelCommon {
  /** Build options and targets, in order (e.g. `--config=opt`, `--copt=-mavx2`, `//pkg:target`). */
  args: readonly string[];
  onProgress?: (p: BazelProgress) => void;
  /** Every output line, after it went to the log file. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Throw on failure (default true). With false, a failed build returns its exit code. */
  reject?: boolean;
}

export interface BazelBuildResult {
  exitCode: number | null;
  signal: string | null;
  summary: BuildSummary;
  durationMs: number;
  /** Last lines of output (bounded). */
  tail: string[];
  dryRun: boolean;
}

/** bazel's documented exit codes → what the user should do. */
export function hintForBazelExit(code: number | null, logFile?: string): string {
  const log = logFile ? ` The full log is ${logFile}.` : '';
  switch (code) {
    case 1:
      return `The build failed: the first "ERROR:" line in the output names the target and the cause.${log}`;
    case 2:
      return `bazel rejected the command line or a config (.bazelrc, .tf_configure.bazelrc): re-run ./configure or fix the flag.${log}`;
    case 8:
      return 'The build was interrupted; run the same command again to resume from the cache.';
    case 33:
    case 36:
      return `bazel hit a local environment problem (disk, permissions, missing tool).${log}`;
    case 34:
      // bazel's REMOTE_ERROR: the remote cache or executor failed (checked with 4.2.3: refused connection, lost worker).
      return `A remote cache or executor failed: check that the endpoint answers (tfbuild doctor --remote-executor URL), or retry with --remote-local-fallback.${log}`;
    case 37:
      return `bazel crashed (often out of memory): lower --jobs and --local_ram_resources and try again.${log}`;
    default:
      return `bazel exited with ${code ?? 'a signal'}; check for a compiler killed by the OOM killer (lower --jobs).${log}`;
  }
}

/** `bazel [startup] build --color=no --curses=no ARGS`, streamed. */
export async function bazelBuild(spec: BazelBuildSpec, x: Exec): Promise<BazelBuildResult> {
  const summary = emptySummary();
  const progress = createProgressTracker();
  const args = [...(spec.startupArgs ?? []), 'build', ...LINE_OUTPUT_FLAGS, ...spec.args];
  const r = await x.run({
    cmd: spec.bazel,
    args,
    effect: 'write',
    timeout: 'build',
    cwd: spec.cwd,
    capture: false,
    reject: false,
    tailLines: 40,
    title: 'bazel build',
    onLine: (line, stream) => {
      pushSummaryLine(summary, line);
      const p = progress.push(line);
      if (p) spec.onProgress?.(p);
      spec.onLine?.(line, stream);
    },
    env: spec.env,
    logFile: spec.logFile,
    signal: spec.signal,
  });
  const result: BazelBuildResult = {
    exitCode: r.exitCode, signal: r.signal, summary, durationMs: r.durationMs, tail: r.tail, dryRun: r.dryRun,
  };
  if ((spec.reject ?? true) && !r.dryRun && (r.exitCode !== 0 || r.signal !== null)) throw bazelError('bazel build', r, spec.logFile);
  return result;
}

function bazelError(what: string, r: RunResult, logFile?: string): ToolError {
  const why = r.spawnError ? `could not be started (${r.spawnError})` : r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`;
  return new ToolError(`${what} ${why}.`, {
    command: r.command,
    exitCode: r.exitCode,
    signal: r.signal,
    tail: r.tail,
    hint: r.spawnError ? 'Install bazel (or bazelisk) and put it on PATH, or pass --bazel PATH.' : hintForBazelExit(r.exitCode, logFile),
    ...(logFile === undefined ? {} : { logFile }),
  });
}

/** `bazel [startup] shutdown`: stops the server of that output base, so no JVM outlives the run. */
/** `bazel [startup] shutdown`, or exactly `args` (a plan's shutdownArgs). */
export async function bazelShutdown(spec: BazelCommon & { args?: readonly string[] }, x: Exec): Promise<void> {
  await x.run({
    cmd: spec.bazel,
    args: spec.args ? [...spec.args] : [...(spec.startupArgs ?? []), 'shutdown'],
    effect: 'write',
    timeout: 60_000,
    cwd: spec.cwd,
    title: 'bazel shutdown',
    hint: 'Stop it by hand with the same --output_user_root: bazel --output_user_root=DIR shutdown.',
    env: spec.env,
    logFile: spec.logFile,
  });
}

/** `bazel [startup] fetch ARGS TARGETS`: downloads external repositories (network; no wall limit, cancellable). */
export async function bazelFetch(spec: BazelCommon & { args: readonly string[] }, x: Exec): Promise<RunResult> {
  const r = await x.run({
    cmd: spec.bazel,
    args: [...(spec.startupArgs ?? []), 'fetch', ...LINE_OUTPUT_FLAGS, ...spec.args],
    effect: 'write',
    timeout: 'build',
    cwd: spec.cwd,
    capture: false,
    reject: false,
    title: 'bazel fetch',
    env: spec.env,
    logFile: spec.logFile,
    signal: spec.signal,
  });
  if (!r.dryRun && r.exitCode !== 0) {
    const e = bazelError('bazel fetch', r, spec.logFile);
    throw new ToolError(e.message, {
      command: e.command, exitCode: e.exitCode_, signal: e.signal, tail: e.tail,
      hint: 'A download failed: check the network/proxy, or patch the dead mirror (tfbuild patch VERSION --source DIR).',
      logFile: spec.logFile,
    });
  }
  return r;
}
