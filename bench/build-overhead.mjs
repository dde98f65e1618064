#!/usr/bin/env node
/**
 * Whole-process wall time of `tfbuild build` on the r1.4-shaped fixture vs a plain shell script that runs the same
 * commands (taken from `tfbuild plan --json` for the same work dir): clone, the nasm patch as a unified diff,
 * ./configure with the same env, the same bazel command line, build_pip_package, copy the wheel.
 * Both with --no-install (venv creation is identical work for both and only adds noise). Each trial uses a fresh
 * work dir; the bazel output root is shared (and, with COLD=0, a warmed disk cache); the order rotates, medians reported; the temp dir is removed at the end.
 * Target: ratio ≤ 1.03. Needs `npm run build`. TRIALS=N (default 6). → bench/results/build-overhead.json
 * SLOW=N stretches one fixture action to N seconds (the fixture's FIXTURE_SLOW_SECONDS knob, passed to both sides as
 * --action_env through --bazel-flag): the same fixed costs against a longer build. → build-overhead-slowN.json
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, chmodSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import console from 'node:console';
import { makeFixtureRepo } from './build-overhead-fixture.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'tfbuild.js');
const RECIPE = join(ROOT, 'test/fixtures/recipes/fixture-r1.4.yaml');
const TRIALS = Number(process.env.TRIALS ?? 6);
const tmp = mkdtempSync(join(tmpdir(), 'tfb-bench-overhead-'));
const env = { ...process.env, XDG_CACHE_HOME: join(tmp, 'cache'), CI: '1', NO_COLOR: '1' };

const git = (cwd, ...a) => execFileSync('git', a, { cwd, encoding: 'utf8' }).trim();
const bare = makeFixtureRepo(tmp);
// COLD=1 (default): no disk cache, so each trial compiles from scratch in its new workspace, as a real first build
// does; COLD=0 shares a warmed disk cache (the build is then mostly bazel start-up, which magnifies fixed costs).
const COLD = process.env.COLD !== '0';
const SLOW = Number(process.env.SLOW ?? 0);
const tfbArgs = (w, out) => ['r1.4', '--recipe', RECIPE, '--repo', bare, '--workdir', w, '--output', out, '--no-install', '--yes', ...(COLD ? ['--no-disk-cache'] : []), ...(SLOW > 0 ? ['--bazel-flag', `--action_env=FIXTURE_SLOW_SECONDS=${SLOW}`] : [])];

function stopServers() {
  const dir = join(tmp, 'cache/tfbuild/bazel');
  let names = [];
  try { names = readdirSync(dir); } catch { return; }
  for (const d of names) {
    try { process.kill(Number(readFileSync(join(dir, d, 'server/server.pid.txt'), 'utf8')), 'SIGKILL'); } catch { /* none */ }
  }
  spawnSync('sleep', ['1']);
}

function timeRun(cmd, args, extraEnv = {}) {
  stopServers();
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return ms;
}

/** The same commands as a plain shell script, from the plan of that work dir. */
function writeScript(w, out, patchDiff) {
  const plan = JSON.parse(execFileSync(process.execPath, [BIN, 'plan', ...tfbArgs(w, out).filter((a) => a !== '--yes'), '--json'], { env, encoding: 'utf8' }));
  const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
  const step = (k) => plan.steps.find((s) => s.kind === k);
  const src = step('source').dir;
  const lines = ['#!/bin/sh', 'set -e', `mkdir -p ${q(dirname(src))} ${q(out)}`];
  lines.push(`git -c advice.detachedHead=false clone -q --depth 1 --branch v1.4.1 -- file://${bare} ${q(src)}`);
  lines.push(`git -C ${q(src)} apply ${q(patchDiff)}`);
  const c = step('configure');
  lines.push(`(cd ${q(src)} && env ${Object.entries(c.env).map(([k, v]) => `${k}=${q(v)}`).join(' ')} ./configure </dev/null >/dev/null)`);
  const b = step('bazel-build');
  lines.push(`(cd ${q(src)} && env ${Object.entries(b.env).map(([k, v]) => `${k}=${q(v)}`).join(' ')} ${b.args.length ? q(b.cmd) + ' ' + b.args.map(q).join(' ') : ''} >/dev/null 2>&1)`);
  const p = step('package');
  lines.push(`rm -rf ${q(p.stagingDir)} && mkdir -p ${q(p.stagingDir)}`);
  lines.push(`(cd ${q(src)} && ${q(p.cmd)} ${p.args.map(q).join(' ')} >/dev/null)`);
  lines.push(`cp -n ${q(p.stagingDir)}/*.whl ${q(out)}/`);
  const file = join(w + '-script.sh');
  writeFileSync(file, lines.join('\n') + '\n');
  chmodSync(file, 0o755);
  return file;
}

// The nasm patch as a diff (what a user would apply by hand).
const warm = join(tmp, 'warm');
timeRun(process.execPath, [BIN, ...tfbArgs(warm, join(tmp, 'warm-out'))]);
const warmSrc = JSON.parse(readFileSync(join(warm, 'tfbuild-state.json'), 'utf8')).steps.find((s) => s.id === 'source').outputs.srcDir;
const diff = join(tmp, 'nasm.diff');
writeFileSync(diff, git(warmSrc, 'diff', '--', 'tensorflow/workspace.bzl') + '\n');

const tfb = [];
const sh = [];
for (let i = 0; i < TRIALS; i++) {
  const w1 = join(tmp, `t${i}`);
  const w2 = join(tmp, `s${i}`);
  const script = writeScript(w2, join(tmp, `s${i}-out`), diff);
  // Rotate the order, so drift on the machine does not favour one side.
  const runs = [
    () => tfb.push(timeRun(process.execPath, [BIN, ...tfbArgs(w1, join(tmp, `t${i}-out`))])),
    () => sh.push(timeRun('/bin/sh', [script])),
  ];
  for (let k = 0; k < runs.length; k++) runs[(i + k) % runs.length]();
  if (readdirSync(join(tmp, `s${i}-out`)).filter((f) => f.endsWith('.whl')).length !== 1) throw new Error('script made no wheel');
}
const median = (a) => {
  const x = [...a].sort((p, q) => p - q);
  const m = Math.floor(x.length / 2);
  return x.length % 2 ? x[m] : (x[m - 1] + x[m]) / 2;
};
const result = {
  bench: 'build-overhead',
  slowActionSeconds: SLOW,
  date: new Date().toISOString(),
  trials: TRIALS,
  tfbuildMs: tfb.map(Math.round),
  scriptMs: sh.map(Math.round),
  tfbuildMedianMs: Math.round(median(tfb)),
  scriptMedianMs: Math.round(median(sh)),
  ratio: Number((median(tfb) / median(sh)).toFixed(3)),
  pairedRatioMedian: Number(median(tfb.map((t, i) => t / sh[i])).toFixed(3)),
  target: 1.03,
  mode: COLD ? 'cold (no disk cache: every trial compiles)' : 'warm disk cache',
  note: 'every run starts with no bazel server for its new workspace (servers stopped between runs), order rotated per trial; tfbuild adds node start-up, the host probe, recipe validation, decisions, lock/state and checks, and the wheel sha256 + build-info',
};
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, `bench/results/build-overhead${SLOW > 0 ? `-slow${SLOW}` : ''}.json`), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
try {
  for (const d of readdirSync(join(tmp, 'cache/tfbuild/bazel'))) {
    try { process.kill(Number(readFileSync(join(tmp, 'cache/tfbuild/bazel', d, 'server/server.pid.txt'), 'utf8')), 'SIGKILL'); } catch { /* none */ }
  }
} catch { /* none */ }
spawnSync('sleep', ['1']);
rmSync(tmp, { recursive: true, force: true });
