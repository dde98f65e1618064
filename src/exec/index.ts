/**
 * The single subprocess chokepoint. Only this folder imports execa.
 * Every call says whether it reads or writes; under dry-run, reads run and writes are printed as
 * copy-pasteable shell lines. Output is streamed line by line (to a log file, a callback and a bounded
 * tail), never buffered whole unless the caller asks for `capture`.
 */
import { execa } from 'execa';
import { constants as fsConstants, createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { classifyFsError, EnvironmentError, InterruptedError, ToolError, withFsErrors } from '../errors.js';
import { formatCommand } from './format.js';
import { recorderFromEnv } from './record.js';
import { SecretRegistry } from './redact.js';

export { formatCommand, shellQuote } from './format.js';
export { which, whichAll } from './which.js';
export { SecretRegistry, REDACTED, maskUrlPasswords, redactError } from './redact.js';

/** Named timeouts per kind of call (ms). `null` = no wall limit (still cancellable). */
export const TIMEOUTS = {
  /** `tool --version` and similar: must never hang doctor. */
  versionProbe: 4_000,
  /** Short local queries (git rev-parse, python -c, bazel info in batch mode). */
  query: 20_000,
  /** Network git (clone/fetch of a TensorFlow tag). */
  networkGit: 60 * 60_000,
  /** pip/venv work. */
  install: 15 * 60_000,
  /** ./configure. */
  configure: 10 * 60_000,
  /** A bazel build: hours; no wall limit, but cancellable. */
  build: null,
} as const;
export type TimeoutName = keyof typeof TIMEOUTS;

export type Effect = 'read' | 'write';

export interface RunSpec {
  cmd: string;
  args: readonly string[];
  /** read: safe under --dry-run. write: printed, not run, under --dry-run. */
  effect: Effect;
  timeout: TimeoutName | number;
  cwd?: string;
  /** Extra environment (merged over process.env unless `extendEnv` is false). `undefined` deletes a variable. */
  env?: Record<string, string | undefined>;
  extendEnv?: boolean;
  /** Text fed to stdin; otherwise stdin is closed (never inherit: a child must not prompt). */
  input?: string;
  /** Append all output (both streams) to this file. */
  logFile?: string;
  /** Called for each output line as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Keep stdout/stderr in memory in the result (default true). Turn off for long outputs. */
  capture?: boolean;
  /** Throw ToolError on non-zero exit, signal or timeout (default true). */
  reject?: boolean;
  /** Cancels the whole child process tree. */
  signal?: AbortSignal;
  /** Lines of output kept for errors (default 30). */
  tailLines?: number;
  /** Shown by ToolError: what to do when this call fails. */
  hint?: string;
  /** Short human description, used in errors and dry-run output. */
  title?: string;
}

export interface RunResult {
  command: string[];
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The last lines of combined output. */
  tail: string[];
  durationMs: number;
  timedOut: boolean;
  cancelled: boolean;
  dryRun: boolean;
  /** The child could not be started (ENOENT, EACCES). */
  spawnError?: string;
}

export type SpawnHook = (command: string[], cwd: string | undefined, effect: Effect, env: Readonly<Record<string, string | undefined>> | undefined) => void;

/** How one runner behaves; fixed when it is made (createExec), never changed afterwards. */
export interface ExecOptions {
  /** Writes are printed, not run; reads run. */
  dryRun?: boolean;
  /** Where dry-run writes are printed (default: stdout). */
  printDryRun?: (line: string) => void;
  /** The run's secrets: masked in output, captures, logs, dry-run lines, errors and the spawn record. */
  secrets?: SecretRegistry;
  /** Rewrites every spec before it runs: the container executor (src/tools/container-exec.ts) runs steps via exec. */
  transform?: (spec: RunSpec) => RunSpec;
  /** Every process started (for tests and auditing). Default: TFBUILD_EXEC_RECORD's recorder, when it is set. */
  onSpawn?: SpawnHook;
}

/**
 * A runner: the only way tfbuild starts a process. A command makes one (createExec) with its dry-run setting and
 * secrets and passes it to the steps and tools it calls; two runners in one process share nothing but the list of
 * live children (so an interrupt stops them all).
 */
export interface Exec {
  readonly dryRun: boolean;
  readonly secrets: SecretRegistry;
  /** Specs are rewritten to run elsewhere (a build container): paths are not this host's. */
  readonly elsewhere: boolean;
  run(spec: RunSpec): Promise<RunResult>;
  /** Print a line where this runner prints dry-run writes (masked). */
  printDryRun(line: string): void;
  /** A runner that runs each spec as this one does, rewritten by `transform` after this runner's own transform. */
  withTransform(transform: (spec: RunSpec) => RunSpec): Exec;
}

export function createExec(o: ExecOptions = {}, env: NodeJS.ProcessEnv = process.env): Exec {
  const secrets = o.secrets ?? new SecretRegistry();
  const print = o.printDryRun ?? ((l: string) => process.stdout.write(l + '\n'));
  const onSpawn = o.onSpawn ?? recorderFromEnv(env, secrets);
  const exec: Exec = {
    dryRun: o.dryRun ?? false,
    secrets,
    elsewhere: o.transform !== undefined,
    run: (spec) => runWith(o.transform ? o.transform(spec) : spec, { dryRun: o.dryRun ?? false, secrets, print, onSpawn }),
    printDryRun: (line) => print(secrets.redact(line)),
    withTransform: (t) => createExec({ ...o, secrets, printDryRun: print, onSpawn, transform: o.transform ? (spec) => t(o.transform!(spec)) : t }, env),
  };
  return exec;
}

/**
 * The runner of read-only probes (doctor, python and tool versions, engine info): no dry-run (they only read), no
 * secrets (a registry nothing can be added to), no transform. Steps never use it: they get their command's runner.
 */
export const plainExec: Exec = createExec({ secrets: SecretRegistry.sealed() });

interface RunSettings {
  dryRun: boolean;
  secrets: SecretRegistry;
  print: (line: string) => void;
  onSpawn: SpawnHook | undefined;
}

/** Live child process groups, so an interrupt can stop them all. */
const live = new Set<number>();
export function liveProcessGroups(): number[] {
  return [...live];
}

const KILL_GRACE_MS = 3_000;

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/** Stop every live child tree: SIGTERM, then SIGKILL after a grace period. Resolves when sent. */
export async function killAllChildren(graceMs = KILL_GRACE_MS): Promise<void> {
  const pids = [...live];
  for (const pid of pids) killGroup(pid, 'SIGTERM');
  if (pids.length === 0) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && [...live].length > 0) await new Promise((r) => setTimeout(r, 50));
  for (const pid of live) killGroup(pid, 'SIGKILL');
}

function resolveTimeout(t: TimeoutName | number): number | null {
  return typeof t === 'number' ? t : TIMEOUTS[t];
}

const MAX_LINE_BYTES = 1 << 20;
const NEWLINE = Buffer.from('\n');

/**
 * Splits a child's output into lines and tees it to the log. Not readline: with a per-line log write that capped
 * the pump near 12 MB/s (bench/stream.mjs). Here output is cut at the last '\n' of each chunk (a byte that never
 * occurs inside a UTF-8 sequence), decoded once, redacted once, and the raw bytes go to the log unless redaction
 * changed them. When the log falls behind, the child's pipe is paused (backpressure), so memory stays flat however
 * fast the child writes. `\r\n` ends a line like `\n`; a lone `\r` stays in the line.
 */
function pumpLines(
  stream: Readable | null,
  name: 'stdout' | 'stderr',
  sink: (line: string, stream: 'stdout' | 'stderr') => void,
  secrets: SecretRegistry,
  log?: WriteStream,
): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let done = false;
    // `bytes` is whole lines, each ending in '\n'.
    const deliver = (bytes: Buffer) => {
      const text = bytes.toString('utf8');
      // Secrets (remote-cache tokens) never reach captures, tails, logs or callbacks.
      const clean = secrets.redact(text);
      let start = 0;
      for (let i = clean.indexOf('\n'); i !== -1; i = clean.indexOf('\n', start)) {
        sink(clean.slice(start, i > start && clean.charCodeAt(i - 1) === 13 ? i - 1 : i), name);
        start = i + 1;
      }
      if (log && !log.destroyed && !log.write(clean === text ? bytes : clean)) {
        stream.pause();
        log.once('drain', () => stream.resume());
      }
    };
    stream.on('data', (chunk: Buffer) => {
      const last = chunk.lastIndexOf(10);
      if (last === -1) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        // Output with no newline for a long time (a progress bar with \r, a binary blob) is cut into 1 MiB
        // lines, so memory stays bounded whatever the child prints.
        if (pendingBytes >= MAX_LINE_BYTES) {
          deliver(Buffer.concat([...pending, NEWLINE]));
          pending = [];
          pendingBytes = 0;
        }
        return;
      }
      if (pending.length === 0) {
        deliver(chunk.subarray(0, last + 1));
      } else {
        // Join only the line that straddles the chunk boundary; the rest of the chunk is delivered without a copy.
        const first = chunk.indexOf(10);
        deliver(Buffer.concat([...pending, chunk.subarray(0, first + 1)]));
        if (first < last) deliver(chunk.subarray(first + 1, last + 1));
      }
      pending = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
      pendingBytes = chunk.length - (last + 1);
    });
    const finish = () => {
      if (done) return;
      done = true;
      if (pending.length > 0) deliver(Buffer.concat([...pending, Buffer.from('\n')]));
      pending = [];
      resolve();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
}

/** Run a program. argv arrays only; never a shell string. */
async function runWith(spec: RunSpec, x: RunSettings): Promise<RunResult> {
  const command = [spec.cmd, ...spec.args];
  const started = Date.now();
  if (x.dryRun && spec.effect === 'write') {
    x.print(x.secrets.redact(formatCommand(command, { cwd: spec.cwd, env: spec.env })));
    return { command, exitCode: 0, signal: null, stdout: '', stderr: '', tail: [], durationMs: 0, timedOut: false, cancelled: false, dryRun: true };
  }
  if (spec.signal?.aborted) {
    throw new InterruptedError('SIGINT', `Cancelled before starting ${spec.title ?? spec.cmd}.`);
  }
  x.onSpawn?.(command, spec.cwd, spec.effect, spec.env);

  const capture = spec.capture ?? true;
  const tailMax = spec.tailLines ?? 30;
  // The last `tailMax` lines, in a ring (an array shift per line cost more than splitting the output).
  const ring: string[] = [];
  let ringNext = 0;
  const out: string[] = [];
  const err: string[] = [];
  let log: WriteStream | undefined;
  let logError: unknown;
  if (spec.logFile) {
    const logFile = spec.logFile;
    // Opened here, synchronously, so an unwritable log dir is an error before anything runs (exit 3), never an
    // unhandled 'error' event later. O_NOFOLLOW: a link planted at the log's name is refused, not appended through.
    const fd = withFsErrors(logFile, () => {
      mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 });
      return openSync(logFile, fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_NOFOLLOW, 0o600);
    });
    // 1 MiB of buffer: a 64 KiB pipe chunk does not trip backpressure each time, memory stays bounded.
    log = createWriteStream(logFile, { fd, highWaterMark: 1 << 20 });
    // A full disk mid-run: stop logging, let the child finish, report the fault afterwards.
    log.on('error', (e) => {
      logError ??= e;
      log!.emit('drain');
    });
  }
  // Lines arrive redacted; pumpLines writes the log.
  const sink = (line: string, stream: 'stdout' | 'stderr') => {
    if (capture) (stream === 'stdout' ? out : err).push(line);
    if (tailMax > 0) {
      ring[ringNext] = line;
      ringNext = (ringNext + 1) % tailMax;
    }
    spec.onLine?.(line, stream);
  };

  const env = spec.env ?? {};
  const child = execa(spec.cmd, [...spec.args], {
    cwd: spec.cwd,
    env,
    extendEnv: spec.extendEnv ?? true,
    input: spec.input,
    stdin: spec.input === undefined ? 'ignore' : 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    // Own process group, so a timeout or Ctrl-C stops the whole tree (configure → python → bazel client).
    detached: true,
    cleanup: true,
    windowsHide: true,
  });
  const pid = child.pid;
  if (pid !== undefined) live.add(pid);

  let timedOut = false;
  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (pid === undefined) return;
    killGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
    killTimer.unref();
  };
  const limit = resolveTimeout(spec.timeout);
  const timer = limit === null ? undefined : setTimeout(() => { timedOut = true; stop(); }, limit);
  const onAbort = () => { cancelled = true; stop(); };
  spec.signal?.addEventListener('abort', onAbort, { once: true });

  const pumps = Promise.all([pumpLines(child.stdout, 'stdout', sink, x.secrets, log), pumpLines(child.stderr, 'stderr', sink, x.secrets, log)]);
  const res = await child;
  await pumps;
  if (timer) clearTimeout(timer);
  if (killTimer) clearTimeout(killTimer);
  spec.signal?.removeEventListener('abort', onAbort);
  if (pid !== undefined) {
    // The group may still hold grandchildren (e.g. a daemonised helper): make sure no compile keeps running.
    if (timedOut || cancelled) killGroup(pid, 'SIGKILL');
    live.delete(pid);
  }
  if (log && !log.destroyed) await new Promise<void>((r) => log!.end(() => r()));
  if (logError !== undefined) throw classifyFsError(logError, spec.logFile) ?? logError;
  const tail = ring.length < tailMax ? ring : [...ring.slice(ringNext), ...ring.slice(0, ringNext)];

  const spawnError = res.failed && res.exitCode === undefined && !res.signal && !timedOut && !cancelled
    ? (res.cause instanceof Error ? res.cause.message : String(res.shortMessage ?? 'could not start'))
    : undefined;
  const result: RunResult = {
    command,
    exitCode: res.exitCode ?? null,
    signal: res.signal ?? null,
    stdout: out.join('\n'),
    stderr: err.join('\n'),
    tail,
    durationMs: Date.now() - started,
    timedOut,
    cancelled,
    dryRun: false,
    ...(spawnError === undefined ? {} : { spawnError }),
  };
  if (cancelled) {
    throw new InterruptedError('SIGINT', `Stopped ${spec.title ?? spec.cmd}.`);
  }
  if ((spec.reject ?? true) && (result.exitCode !== 0 || timedOut)) {
    // A program that is not installed is the host's lack (exit 3), not a failure of the program.
    if (spawnError !== undefined && (res.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      const name = basename(spec.cmd);
      throw new EnvironmentError(`${name} not found${spec.cmd.includes('/') ? ` at ${spec.cmd}` : ' on PATH'}.`, {
        hint: spec.cmd.includes('/') ? `Check the path, or install ${name}.` : `Install ${name} (on Debian/Ubuntu: sudo apt-get install -y ${name === 'python3' ? 'python3' : name}), or put it on PATH.`,
      });
    }
    throw toolErrorFor(spec, result, x.secrets);
  }
  return result;
}

function toolErrorFor(spec: RunSpec, r: RunResult, secrets: SecretRegistry): ToolError {
  const what = spec.title ?? spec.cmd;
  const why = r.spawnError
    ? `could not be started (${r.spawnError})`
    : r.timedOut
      ? `timed out after ${resolveTimeout(spec.timeout)} ms`
      : r.signal
        ? `was killed by ${r.signal}`
        : `exited with code ${r.exitCode}`;
  return new ToolError(secrets.redact(`${what} ${why}.`), {
    command: r.command.map((a) => secrets.redact(a)),
    exitCode: r.exitCode,
    signal: r.signal,
    tail: r.tail,
    ...(spec.hint === undefined ? {} : { hint: spec.hint }),
    ...(spec.logFile === undefined ? {} : { logFile: spec.logFile }),
  });
}
