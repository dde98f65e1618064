#!/usr/bin/env node
/* global process, console, URL */
/**
 * `npm run bench [-- NAME…]`: runs the benchmarks under bench/ one after another (each writes its own
 * bench/results/NAME.json and prints its line). Without names: the quick ones (doctor, noop-rebuild, build-overhead);
 * `all` adds the long ones (stream: 1 GB through the parser, explain: 500 MiB log, cache: cold/warm/remote builds).
 * Never timed assertions: a benchmark's figure is read by a person and summarised in the README.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const QUICK = ['doctor', 'noop-rebuild', 'build-overhead'];
const LONG = ['stream', 'explain', 'cache'];
const asked = process.argv.slice(2);
const names = asked.length === 0 ? QUICK : asked.includes('all') ? [...QUICK, ...LONG] : asked;

let failed = 0;
for (const name of names) {
  const file = fileURLToPath(new URL(`./${name}.mjs`, import.meta.url));
  if (!existsSync(file)) {
    console.error(`bench: no benchmark ${name} (bench/${name}.mjs); known: ${[...QUICK, ...LONG].join(', ')}`);
    failed++;
    continue;
  }
  console.log(`== bench/${name}.mjs`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench: ${name} exited with ${r.status ?? r.signal}`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
