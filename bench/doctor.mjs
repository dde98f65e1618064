#!/usr/bin/env node
/* global process, console, URL */
/**
 * Benchmark (not a test): wall time of `tfbuild doctor --json` over N runs (default 15, at least 10), run one after
 * another as a user would. Writes bench/results/doctor.json and prints one line. Target: median ≤ 800 ms on the
 * project's 2-core machine. Load average is recorded because other work on a 2-core box dominates the figure.
 *   node bench/doctor.mjs [runs] [-- extra doctor args]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/tfbuild.js', import.meta.url));
const out = fileURLToPath(new URL('./results/doctor.json', import.meta.url));
const sep = process.argv.indexOf('--');
const runs = Math.max(10, Number(process.argv[2] && process.argv[2] !== '--' ? process.argv[2] : 15) || 15);
const extra = sep >= 0 ? process.argv.slice(sep + 1) : [];
const args = [bin, 'doctor', '--json', ...extra];

/** CPU time (user+sys, ms) of reaped children, from /proc/self/stat (cutime, cstime; 100 ticks/s on Linux). */
function childCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
}

function once() {
  const c0 = childCpuMs();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 3) throw new Error(`doctor exited ${r.status}: ${r.stderr}`);
  JSON.parse(r.stdout); // a run that printed no valid JSON does not count
  return { ms, cpuMs: childCpuMs() - c0 };
}

function quantile(sorted, q) {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

once(); // warm the page cache; not counted
const loadBefore = loadavg();
const times = [];
const cpu = [];
for (let i = 0; i < runs; i++) {
  const r = once();
  times.push(r.ms);
  cpu.push(r.cpuMs);
}
const loadAfter = loadavg();
const sorted = [...times].sort((a, b) => a - b);
const round = (x) => Math.round(x * 10) / 10;
const result = {
  command: `node bin/tfbuild.js ${args.slice(1).join(' ')}`,
  runs,
  medianMs: round(quantile(sorted, 0.5)),
  p90Ms: round(quantile(sorted, 0.9)),
  minMs: round(sorted[0]),
  maxMs: round(sorted[sorted.length - 1]),
  timesMs: times.map(round),
  // CPU time of doctor and everything it spawned: independent of other load, unlike wall time.
  cpuMedianMs: round(quantile([...cpu].sort((a, b) => a - b), 0.5)),
  targetMs: 800,
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGiB: round(totalmem() / 2 ** 30),
    node: process.version,
    loadavgBefore: loadBefore.map(round),
    loadavgAfter: loadAfter.map(round),
  },
};
mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
console.log(`doctor --json: median ${result.medianMs} ms, p90 ${result.p90Ms} ms, CPU ${result.cpuMedianMs} ms over ${runs} runs (target ≤ ${result.targetMs} ms; ${result.machine.cores} cores, load ${loadBefore[0].toFixed(1)}) → bench/results/doctor.json`);
