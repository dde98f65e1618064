#!/usr/bin/env node
/* global process, console, setInterval, clearInterval, URL */
/**
 * Throughput and memory of the log matcher on a large synthetic log (bench/explain.gen.mjs):
 * `node bench/explain.mjs [MiB]` (default 500; REPS=N runs, default 3, median reported) after `npm run build`;
 * the figures go to stdout and bench/results/explain.json. The machine load is recorded: other work skews it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnoseFile } from '../dist/diagnose/index.js';
import { writeSyntheticLog } from './explain.gen.mjs';

const mb = Number(process.argv[2] ?? 500);
const dir = mkdtempSync(join(tmpdir(), 'tfbuild-bench-'));
const path = join(dir, 'build.log');
const reps = Number(process.env.REPS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const { bytes, lines } = await writeSyntheticLog(path, mb);
  const runs = [];
  let firstMatch;
  for (let r = 0; r < reps; r++) {
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t0 = process.hrtime.bigint();
    const d = await diagnoseFile(path);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    firstMatch = d.matches[0]?.id;
    runs.push({ seconds, rssGrowth: peak - rss0 });
  }
  const mib = bytes / 1048576;
  const seconds = median(runs.map((r) => r.seconds));
  const result = {
    node: process.version,
    cpus: cpus().length,
    loadavg1: +loadavg()[0].toFixed(2),
    mib: Math.round(mib),
    lines,
    reps,
    medianSeconds: +seconds.toFixed(2),
    mibPerSecond: +(mib / seconds).toFixed(1),
    bestMibPerSecond: +(mib / Math.min(...runs.map((r) => r.seconds))).toFixed(1),
    linesPerSecond: Math.round(lines / seconds),
    maxRssGrowthMiB: +(Math.max(...runs.map((r) => r.rssGrowth)) / 1048576).toFixed(1),
    firstMatch,
  };
  console.log(JSON.stringify(result));
  const results = new URL('./results/', import.meta.url);
  mkdirSync(results, { recursive: true });
  writeFileSync(new URL('explain.json', results), JSON.stringify(result, null, 2) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
