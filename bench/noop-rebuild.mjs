#!/usr/bin/env node
/**
 * A second `tfbuild build` with nothing changed re-executes zero bazel actions: the plan is deterministic (flags and
 * env in a stable order, the same --output_user_root and --disk_cache), so bazel's action keys all match.
 * Build the r1.4-shaped fixture once, then again with --fresh (every step runs, bazel included) into another
 * --output; count the actions the second bazel run executed (parseBuildSummary: processes − internal − cache hits).
 * Target: 0. Needs `npm run build`. → bench/results/noop-rebuild.json
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import console from 'node:console';
import { makeFixtureRepo } from './build-overhead-fixture.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'tfbuild.js');
const { parseBuildSummary } = await import(join(ROOT, 'dist/tools/bazel.js'));
const tmp = mkdtempSync(join(tmpdir(), 'tfb-bench-noop-'));
const env = { ...process.env, XDG_CACHE_HOME: join(tmp, 'cache'), CI: '1', NO_COLOR: '1' };
const bare = makeFixtureRepo(tmp);
const work = join(tmp, 'work');
const args = (out, extra = []) => ['r1.4', '--recipe', join(ROOT, 'test/fixtures/recipes/fixture-r1.4.yaml'), '--repo', bare, '--workdir', work, '--output', out, '--no-install', '--yes', ...extra];

function build(out, extra) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args(out, extra)], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  const state = JSON.parse(readFileSync(join(work, 'tfbuild-state.json'), 'utf8'));
  const log = state.steps.find((s) => s.id === 'bazel-build').outputs.log;
  const summary = parseBuildSummary(readFileSync(log, 'utf8').split('\n'));
  return { wallMs: Math.round(performance.now() - t0), log, summary };
}

const first = build(join(tmp, 'out1'), []);
const second = build(join(tmp, 'out2'), ['--fresh']);
const result = {
  bench: 'noop-rebuild',
  date: new Date().toISOString(),
  first: { wallMs: first.wallMs, processes: first.summary.processes, actionsExecuted: first.summary.actionsExecuted },
  second: { wallMs: second.wallMs, processes: second.summary.processes, internal: second.summary.internal, actionsExecuted: second.summary.actionsExecuted },
  target: 'second.actionsExecuted === 0',
  ok: second.summary.actionsExecuted === 0,
};
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/noop-rebuild.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
try {
  for (const d of readdirSync(join(tmp, 'cache/tfbuild/bazel'))) {
    try { process.kill(Number(readFileSync(join(tmp, 'cache/tfbuild/bazel', d, 'server/server.pid.txt'), 'utf8')), 'SIGKILL'); } catch { /* none */ }
  }
} catch { /* none */ }
if (!result.ok) process.exitCode = 1;
