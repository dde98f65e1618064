// Streams synthetic bazel output through src/exec's line pump (run: capture off, onLine, logFile tee) and the bazel
// progress parser; reports throughput and the peak RSS of the consuming process. Targets: >= 300 MB/s, <= 120 MB.
// Two cases, each in a fresh process: the log on tmpfs (/dev/shm: the pump's own cost) and on the disk of TMPDIR
// (what a build sees; bounded by the disk's write speed).
// Usage: npm run build && node bench/stream.mjs [--bytes N] [--out bench/results/stream.json] [--label MACHINE] [--dist DIR]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import process from 'node:process';
import console from 'node:console';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const bytes = Number(arg('--bytes', String(1e9)));

// --dist DIR: measure another build of src (e.g. an older exec pump, for a baseline on the same machine).
const dist = arg('--dist', join(here, '..', 'dist'));

async function measure(logDir) {
  const execMod = await import(pathToFileURL(join(dist, 'exec', 'index.js')).href);
  // An older build (--dist) exports run(); this one a runner made by createExec().
  const run = execMod.createExec ? execMod.createExec().run : execMod.run;
  const { createProgressTracker } = await import(pathToFileURL(join(dist, 'tools', 'bazel-progress.js')).href);
  const tmp = mkdtempSync(join(logDir, 'tfb-stream-'));
  const logFile = join(tmp, 'build.log');
  const tracker = createProgressTracker();
  let lines = 0;
  let counters = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = await run({
    cmd: process.execPath,
    args: [join(here, 'stream-gen.mjs'), String(bytes)],
    effect: 'read',
    timeout: 'build',
    capture: false,
    logFile,
    onLine: (line) => {
      lines++;
      if (tracker.push(line)) counters++;
    },
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const logBytes = statSync(logFile).size;
  rmSync(tmp, { recursive: true, force: true });
  // The kernel's high-water mark of this process's resident set (getrusage ru_maxrss), no sampling gaps.
  const maxRss = process.resourceUsage().maxRSS * 1024;
  return {
    logDir, bytes, lines, progressUpdates: counters, logBytes, logComplete: logBytes === bytes, exitCode: r.exitCode,
    seconds: Number(seconds.toFixed(3)), mbPerSecond: Number((bytes / 1e6 / seconds).toFixed(1)),
    peakRssMB: Number((maxRss / 1e6).toFixed(1)),
    // CPU time of this (consuming) process: throughput it would reach with a core to itself and a fast producer.
    consumerCpuSeconds: Number(cpuSeconds.toFixed(3)),
    mbPerConsumerCpuSecond: Number((bytes / 1e6 / cpuSeconds).toFixed(1)),
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
  };
}

const one = arg('--case-log-dir', null);
if (one) {
  process.stdout.write(JSON.stringify(await measure(one)) + '\n');
} else {
  const out = arg('--out', join(here, 'results', 'stream.json'));
  const dirs = [['tmpfs', '/dev/shm'], ['disk', tmpdir()]].filter(([, d]) => existsSync(d));
  const cases = {};
  for (const [name, dir] of dirs) {
    const json = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--bytes', String(bytes), '--dist', dist, '--case-log-dir', dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
    cases[name] = { ...JSON.parse(json.trim().split('\n').pop()) };
    cases[name].meetsThroughput = cases[name].mbPerSecond >= 300;
    cases[name].meetsMemory = cases[name].peakRssMB <= 120;
    console.error(`${name}: ${cases[name].mbPerSecond} MB/s wall, ${cases[name].mbPerConsumerCpuSecond} MB per CPU-second, peak RSS ${cases[name].peakRssMB} MB, load ${cases[name].loadAverage1m}`);
  }
  const result = { date: new Date().toISOString(), machine: arg('--label', 'unlabelled'), node: process.version, cpus: cpus().length, dist, targets: { mbPerSecond: 300, peakRssMB: 120 }, cases };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
}
