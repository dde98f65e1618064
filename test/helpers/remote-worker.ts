/**
 * bazel's own reference Remote Execution API worker (shared/ENVIRONMENT.md), compiled offline from Debian's
 * bazel-bootstrap-source against the installed bazel's A-server.jar and run as a child of the test.
 *
 * - The classes are compiled once per test run, into a dir keyed by the sha256 of the jar and of every source file
 *   (makeRunCacheDir: shared by the run's test files, removed by the run's teardown, never in the repository).
 *   Two files compiling at once each compile into their own dir and rename it into place; the loser's is dropped.
 * - Each worker gets its own absolute work and CAS dirs (the worker refuses relative ones), a free port, and a log;
 *   it is ready when it logs "Starting gRPC server on port". `stop()` ends it by pid (SIGTERM, then SIGKILL) and
 *   waits until no process of its dir is left (actions it started included); every worker still running when its
 *   test file ends is stopped that way.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { freePort } from './nginx.js';
import { makeRunCacheDir, makeTempDir, removeTree } from './tmp.js';

export const SERVER_JAR = '/usr/share/bazel/A-server.jar';
export const WORKER_SOURCES = '/usr/src/bazel-bootstrap/src/tools/remote/src/main/java/com/google/devtools/build/remote/worker';
const MAIN_CLASS = 'com.google.devtools.build.remote.worker.RemoteWorker';
const READY = 'Starting gRPC server on port';

// Every worker this test file started is stopped after the file, even one its own afterAll forgot. Registered at
// import (vitest drops an afterAll registered while hooks run); after tmp.ts's, so it runs before the dirs go.
const started = new Set<RemoteWorker>();
afterAll(async () => {
  for (const w of [...started]) await w.stop();
  started.clear();
});

export interface RemoteWorker {
  port: number;
  /** `grpc://127.0.0.1:PORT`, what `--remote-executor` takes. */
  url: string;
  pid: number;
  dir: string;
  workPath: string;
  casPath: string;
  logFile: string;
  log(): string;
  /** SIGKILL, as a crash would: the build in flight loses its executor. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the worker cannot be built here, or null when it can (javac, java, the jar and the sources present). */
export function remoteWorkerMissing(): string | null {
  if (!existsSync(SERVER_JAR)) return `${SERVER_JAR} is missing (apt-get install -y bazel-bootstrap)`;
  if (!existsSync(WORKER_SOURCES)) return `${WORKER_SOURCES} is missing (apt-get install -y bazel-bootstrap-source)`;
  if (!hasCommand('javac') || !hasCommand('java')) return 'javac/java are missing (apt-get install -y default-jdk-headless)';
  return null;
}

function javaSources(): string[] {
  return readdirSync(WORKER_SOURCES, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.java'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function sourcesKey(files: string[]): string {
  const h = createHash('sha256');
  for (const f of [SERVER_JAR, ...files]) h.update(`${f}\0`).update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** The compiled classes dir (compiled now unless this run already did). About a minute on 2 cores. */
export function compileRemoteWorker(): string {
  const files = javaSources();
  const dir = makeRunCacheDir(`remote-worker-${sourcesKey(files)}`);
  const classes = join(dir, 'classes');
  if (existsSync(join(classes, ...MAIN_CLASS.split('.')) + '.class')) return classes;
  const partial = join(dir, `classes.partial-${process.pid}`);
  mkdirSync(partial, { recursive: true });
  execFileSync('javac', ['-nowarn', '-d', partial, '-cp', SERVER_JAR, ...files], { stdio: 'pipe', timeout: 600_000 });
  try {
    renameSync(partial, classes);
  } catch {
    removeTree(partial); // another file of this run finished first
  }
  return classes;
}

function isAlive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Live processes whose working directory is inside `dir`. */
export function processesIn(dir: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cwd = readlinkSync(`/proc/${d}/cwd`);
      if ((cwd === dir || cwd.startsWith(`${dir}/`)) && isAlive(Number(d))) out.push(Number(d));
    } catch {
      // exited, or not ours to read
    }
  }
  return out;
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    if (isAlive(pid)) process.kill(pid, signal);
  } catch {
    // gone meanwhile
  }
}

async function waitFor(pred: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return pred();
}

export interface WorkerOptions {
  /** Extra environment of the worker (and so of every action it runs), e.g. a PATH with a `docker` stand-in. */
  env?: Record<string, string>;
  /** Concurrent actions (the worker's --jobs). */
  jobs?: number;
}

export async function startRemoteWorker(o: WorkerOptions = {}): Promise<RemoteWorker> {
  const classes = compileRemoteWorker();
  const dir = makeTempDir('remote-worker-');
  const workPath = join(dir, 'work');
  const casPath = join(dir, 'cas');
  mkdirSync(workPath);
  mkdirSync(casPath);
  const logFile = join(dir, 'worker.log');
  const port = await freePort();
  const fd = openSync(logFile, 'a');
  const child = spawn('java', ['-Xmx1g', '-cp', `${classes}:${SERVER_JAR}`, MAIN_CLASS,
    `--work_path=${workPath}`, `--cas_path=${casPath}`, `--listen_port=${port}`, `--jobs=${o.jobs ?? 2}`,
    `--pid_file=${join(dir, 'worker.pid')}`], { env: { ...process.env, ...o.env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const pid = child.pid!;
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const end = async (signal: NodeJS.Signals) => {
    signalPid(pid, signal);
    if (!(await waitFor(() => !isAlive(pid), 15_000))) signalPid(pid, 'SIGKILL');
    await waitFor(() => !isAlive(pid), 5_000);
    // Actions the worker had started (cwd in its work dir) would outlive a killed worker: end them too.
    for (const p of processesIn(dir)) signalPid(p, 'SIGKILL');
    await waitFor(() => processesIn(dir).length === 0, 5_000);
  };
  const worker: RemoteWorker = {
    port, url: `grpc://127.0.0.1:${port}`, pid, dir, workPath, casPath, logFile, log,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
  started.add(worker);
  if (!(await waitFor(() => log().includes(`${READY} ${port}`) || !isAlive(pid), 120_000)) || !isAlive(pid)) {
    await worker.stop();
    throw new Error(`the reference worker did not start on port ${port}:\n${log().slice(-2000)}`);
  }
  return worker;
}
