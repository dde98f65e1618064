#!/usr/bin/env node
/**
 * Remote execution benchmark: wall time of a whole `tfbuild build` of the TF-shaped r1.4 fixture (clone, patch,
 * configure, bazel, package; --no-install), built locally and through bazel's reference REAPI worker on loopback
 * (compiled from Debian's bazel-bootstrap-source, as in test/helpers/remote-worker.ts).
 * Every run starts cold: a fresh work dir and bazel output root, no disk cache, and remote runs pass
 * --noremote_accept_cached so the worker executes every action instead of answering from its own cache.
 * Reports the CLI's wall time, the bazel step's duration (from the --json step-finished event) and where bazel
 * says the processes ran → bench/results/remote.json. REPS=N (default 3); medians are reported.
 * Needs `npm run build` first, bazel-bootstrap, bazel-bootstrap-source and a JDK with javac.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout } from 'node:timers';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'tfbuild.js');
const REPS = Number(process.env.REPS ?? 3);
const JAR = '/usr/share/bazel/A-server.jar';
const SOURCES = '/usr/src/bazel-bootstrap/src/tools/remote/src/main/java/com/google/devtools/build/remote/worker';
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid' };

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/** The r1.4 fixture as a bare git repo with its tag (what --repo clones). */
function makeRepo(dir) {
  const work = join(dir, 'r1.4-work');
  cpSync(join(ROOT, 'test/fixtures/tfshape/common'), work, { recursive: true });
  cpSync(join(ROOT, 'test/fixtures/tfshape/r1.4'), work, { recursive: true });
  const git = (cwd, args) => execFileSync('git', args, { cwd, env: GIT_ENV, stdio: 'ignore' });
  git(work, ['init', '-q', '-b', 'r1.4']);
  git(work, ['add', '-A']);
  git(work, ['commit', '-q', '-m', 'fixture']);
  git(work, ['tag', '-a', 'v1.4.1', '-m', 'v1.4.1']);
  git(dir, ['clone', '-q', '--bare', work, join(dir, 'r1.4.git')]);
  return join(dir, 'r1.4.git');
}

async function startWorker(dir) {
  const classes = join(dir, 'classes');
  mkdirSync(classes, { recursive: true });
  const files = readdirSync(SOURCES, { recursive: true }).filter((f) => f.endsWith('.java')).map((f) => join(SOURCES, f));
  execFileSync('javac', ['-nowarn', '-d', classes, '-cp', JAR, ...files], { stdio: 'ignore' });
  for (const d of ['work', 'cas']) mkdirSync(join(dir, d));
  const port = await freePort();
  const log = join(dir, 'worker.log');
  const fd = openSync(log, 'a');
  const child = spawn('java', ['-Xmx1g', '-cp', `${classes}:${JAR}`, 'com.google.devtools.build.remote.worker.RemoteWorker',
    `--work_path=${join(dir, 'work')}`, `--cas_path=${join(dir, 'cas')}`, `--listen_port=${port}`, '--jobs=2'], { stdio: ['ignore', fd, fd] });
  while (!readFileSync(log, 'utf8').includes(`Starting gRPC server on port ${port}`)) {
    if (child.exitCode !== null) throw new Error(readFileSync(log, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `grpc://127.0.0.1:${port}`, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) };
}

function cli(args, env) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err, wallMs: Math.round(performance.now() - t0) }));
  });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : null; };

const loadBefore = loadavg()[0];
const tmp = mkdtempSync(join(tmpdir(), 'tfbuild-bench-remote-'));
const runs = [];
let worker;
try {
  const repo = makeRepo(tmp);
  worker = await startWorker(join(tmp, 'worker'));
  for (let rep = 0; rep < REPS; rep++) {
    for (const mode of ['local', 'remote']) {
      const name = `${mode}-${rep}`;
      const cache = join(tmp, `cache-${name}`);
      const extra = mode === 'remote' ? ['--remote-executor', worker.url, '--bazel-flag=--noremote_accept_cached'] : [];
      const r = await cli(['build', '1.4', '--recipe', join(ROOT, 'test/fixtures/recipes/fixture-r1.4.yaml'), '--repo', repo,
        '--workdir', join(tmp, `work-${name}`), '--output', join(tmp, `out-${name}`), '--no-disk-cache', '--no-install',
        '--cpu-flags', 'none', '--json', ...extra], { XDG_CACHE_HOME: cache });
      if (r.code !== 0) throw new Error(`${name} failed (${r.code}): ${r.err.slice(-2000)}`);
      const events = r.out.trim().split('\n').map((l) => JSON.parse(l));
      const bazelMs = events.find((e) => e.type === 'step-finished' && e.step.id === 'bazel-build')?.durationMs ?? null;
      const c = events.find((e) => e.type === 'result').result.cache;
      runs.push({ mode, rep, wallMs: r.wallMs, bazelMs, processes: c.totalActions, remote: c.remoteActions, local: c.localActions, cached: c.cachedActions });
      process.stderr.write(`${name.padEnd(9)} wall ${String(r.wallMs).padStart(6)} ms  bazel ${String(bazelMs).padStart(6)} ms  remote=${c.remoteActions} local=${c.localActions}\n`);
      execFileSync('bazel', [`--output_user_root=${join(cache, 'tfbuild', 'bazel')}`, 'shutdown'], { cwd: join(tmp, `work-${name}`, 'src', 'v1.4.1'), stdio: 'ignore' });
    }
  }
} finally {
  await worker?.stop();
  rmSync(tmp, { recursive: true, force: true });
}

const summary = Object.fromEntries(['local', 'remote'].map((mode) => {
  const rs = runs.filter((r) => r.mode === mode);
  return [mode, { wallMsMedian: median(rs.map((r) => r.wallMs)), bazelMsMedian: median(rs.map((r) => r.bazelMs)), remote: rs[0]?.remote, local: rs[0]?.local }];
}));
const result = {
  benchmark: 'remote',
  description: 'tfbuild build of the r1.4-shaped fixture (--no-install, cold output root, no disk cache): local vs bazel\'s reference REAPI worker on loopback',
  // This machine is shared: the 1-minute load average before and after says how noisy the numbers are.
  machine: { cpus: cpus().length, node: process.version, loadavg1Before: loadBefore, loadavg1After: loadavg()[0] },
  reps: REPS,
  summary,
  runs,
};
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/remote.json'), JSON.stringify(result, null, 2) + '\n');
process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
