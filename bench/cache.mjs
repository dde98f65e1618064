#!/usr/bin/env node
/**
 * Cache benchmark with this machine's real bazel and nginx as an HTTP remote cache on loopback, on two workloads:
 *   fixture     the TF-shaped r1.4 fixture (test/fixtures/tfshape): few, tiny actions, so bazel's own start-up and
 *               analysis dominate; shows what caching cannot save
 *   synthetic   LIBS (default 12) C++ libraries that each instantiate <regex> (~1 s compile each): compile-bound,
 *               like TensorFlow; shows what it does save
 * Phases per workload:
 *   cold          fresh output root, empty remote cache (fills it)
 *   warm          same output root, nothing changed (bazel's own action cache)
 *   remote        after `bazel clean --expunge`: everything must come from the remote cache
 *   disk          after `clean --expunge` again, with --disk_cache filled by a previous build instead
 * Wall times and executed-action counts (parsed by src/tools/bazel.ts parseBuildSummary) → bench/results/cache.json.
 * Needs `npm run build` first (imports dist/). REPS=N repeats the whole sequence (default 3); medians are reported.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout } from 'node:timers';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { bazelBuild, bazelShutdown } = await import(join(ROOT, 'dist/tools/bazel.js'));
const { remoteFlags } = await import(join(ROOT, 'dist/plan/remote.js'));

const BAZEL = process.env.BAZEL ?? 'bazel';
const REPS = Number(process.env.REPS ?? 3);
const LIBS = Number(process.env.LIBS ?? 12);
const WORKLOADS = (process.env.WORKLOADS ?? 'fixture,synthetic').split(',');

/** Copies the r1.4 fixture (common files, then the shape's overlay). */
function makeFixture(ws) {
  cpSync(join(ROOT, 'test/fixtures/tfshape/common'), ws, { recursive: true });
  cpSync(join(ROOT, 'test/fixtures/tfshape/r1.4'), ws, { recursive: true });
  return { target: '//tensorflow/tools/pip_package:build_pip_package', flags: [] };
}

/** LIBS compile-heavy libraries and a binary; offline @rules_cc/@rules_java stand-ins as in shared/ENVIRONMENT.md. */
function makeSynthetic(ws) {
  const w = (p, t) => { mkdirSync(dirname(join(ws, p)), { recursive: true }); writeFileSync(join(ws, p), t); };
  w('WORKSPACE', '');
  for (const [repo, pkg, rules] of [['rules_cc', 'cc', ['cc_library', 'cc_binary', 'cc_test', 'cc_toolchain', 'cc_toolchain_suite', 'cc_import']],
    ['rules_java', 'java', ['java_import', 'java_runtime', 'java_toolchain', 'java_library', 'java_binary']]]) {
    w(`../${repo}/WORKSPACE`, '');
    w(`../${repo}/${pkg}/BUILD`, '');
    w(`../${repo}/${pkg}/defs.bzl`, rules.map((r) => `${r} = native.${r}\n`).join(''));
  }
  const libs = Array.from({ length: LIBS }, (_, i) => `lib${i}`);
  for (const [i, l] of libs.entries()) {
    w(`pkg/${l}.cc`, `#include <regex>\n#include <string>\nint ${l}(const std::string& s) { std::regex re("([a-z]+)${i}"); std::smatch m; return std::regex_search(s, m, re) ? int(m.size()) + ${i} : ${i}; }\n`);
  }
  w('pkg/main.cc', `#include <cstdio>\n#include <string>\n${libs.map((l) => `int ${l}(const std::string&);`).join('\n')}\nint main() { long s = 0; ${libs.map((l) => `s += ${l}("abc1");`).join(' ')} std::printf("%ld\\n", s); }\n`);
  w('pkg/BUILD', `${libs.map((l) => `cc_library(name = "${l}", srcs = ["${l}.cc"])\n`).join('')}cc_binary(name = "main", srcs = ["main.cc"], deps = [${libs.map((l) => `":${l}"`).join(', ')}])\n`);
  return { target: '//pkg:main', flags: [`--override_repository=rules_cc=${join(ws, '..', 'rules_cc')}`, `--override_repository=rules_java=${join(ws, '..', 'rules_java')}`] };
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}
const canConnect = (port) => new Promise((r) => { const c = connect({ host: '127.0.0.1', port }, () => { c.destroy(); r(true); }); c.once('error', () => r(false)); });

/** nginx-light as a WebDAV bazel cache (same setup as test/helpers/nginx.ts). */
async function startNginx(dir) {
  const root = join(dir, 'root');
  for (const d of ['root', 'body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) { mkdirSync(join(dir, d), { recursive: true }); chmodSync(join(dir, d), 0o777); }
  chmodSync(dir, 0o755);
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, `${process.getuid?.() === 0 ? 'user www-data;\n' : ''}daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 256; }
http { access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server { listen 127.0.0.1:${port}; root ${root};
    location / { dav_methods PUT; create_full_put_path on; dav_access user:rw group:rw all:r; client_max_body_size 0; } } }
`);
  const child = spawn('nginx', ['-e', join(dir, 'error.log'), '-p', dir, '-c', conf], { stdio: 'ignore' });
  while (!(await canConnect(port))) await new Promise((r) => setTimeout(r, 50));
  return { url: `http://127.0.0.1:${port}`, root, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGQUIT'); }) };
}

function dirBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n;
}

async function build(ws, root, flags, phase, target, workload) {
  const t0 = performance.now();
  const r = await bazelBuild({ bazel: BAZEL, cwd: ws, startupArgs: [`--output_user_root=${root}`], args: [...flags, target] });
  const wallMs = Math.round(performance.now() - t0);
  const s = r.summary;
  const row = { workload, phase, wallMs, processes: s.processes, actionsExecuted: s.actionsExecuted, remoteCacheHits: s.remoteCacheHits, diskCacheHits: s.diskCacheHits, internal: s.internal, totalActions: s.totalActions };
  process.stderr.write(`${workload.padEnd(10)} ${phase.padEnd(7)} ${String(wallMs).padStart(6)} ms  executed=${s.actionsExecuted} remoteHits=${s.remoteCacheHits} diskHits=${s.diskCacheHits}\n`);
  return row;
}

function expunge(ws, root) {
  execFileSync(BAZEL, [`--output_user_root=${root}`, 'clean', '--expunge'], { cwd: ws, stdio: 'ignore' });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : null; };

const runs = [];
const tmp = mkdtempSync(join(tmpdir(), 'tfbuild-bench-cache-'));
// nginx's worker (www-data when run as root) must reach the cache root below this 0700 temp dir.
chmodSync(tmp, 0o755);
try {
  for (let rep = 0; rep < REPS; rep++) {
    for (const workload of WORKLOADS) {
      const dir = join(tmp, `rep${rep}-${workload}`);
      const ws = join(dir, 'ws');
      mkdirSync(ws, { recursive: true });
      const { target, flags: base } = workload === 'fixture' ? makeFixture(ws) : makeSynthetic(ws);
      const nginx = await startNginx(join(dir, 'nginx'));
      const root = join(dir, 'out');
      const ctx = { bazelVersion: null, defaultDiskCache: null, env: {} };
      const remote = [...base, ...remoteFlags({ diskCache: false, remoteCache: nginx.url, remoteHeaders: [], distdir: [] }, ctx).flags];
      const disk = [...base, ...remoteFlags({ diskCache: join(dir, 'disk-cache'), remoteHeaders: [], distdir: [] }, ctx).flags];
      const b = (flags, phase) => build(ws, root, flags, phase, target, workload);
      try {
        runs.push({ rep, ...(await b(remote, 'cold')) });
        runs.push({ rep, ...(await b(remote, 'warm')) });
        expunge(ws, root);
        runs.push({ rep, ...(await b(remote, 'remote')), remoteCacheBytes: dirBytes(nginx.root) });
        // Disk cache: fill it once, expunge, then rebuild from it alone.
        expunge(ws, root);
        await b(disk, 'fill');
        expunge(ws, root);
        runs.push({ rep, ...(await b(disk, 'disk')) });
      } finally {
        await bazelShutdown({ bazel: BAZEL, cwd: ws, startupArgs: [`--output_user_root=${root}`] }).catch(() => {});
        await nginx.stop();
      }
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const phases = ['cold', 'warm', 'remote', 'disk'];
const summary = Object.fromEntries(WORKLOADS.map((w) => [w, Object.fromEntries(phases.map((p) => {
  const rs = runs.filter((r) => r.phase === p && r.workload === w);
  return [p, { medianWallMs: median(rs.map((r) => r.wallMs)), actionsExecuted: rs.map((r) => r.actionsExecuted), remoteCacheHits: rs.map((r) => r.remoteCacheHits), diskCacheHits: rs.map((r) => r.diskCacheHits) }];
}))]));
const bazelVersion = execFileSync(BAZEL, ['--version'], { encoding: 'utf8' }).trim();
const result = {
  benchmark: 'cache',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? null, node: process.version },
  bazel: bazelVersion,
  workloads: { fixture: 'test/fixtures/tfshape r1.4, //tensorflow/tools/pip_package:build_pip_package', synthetic: `${LIBS} <regex> libraries + binary, //pkg:main` },
  note: 'bazel 4 reports disk-cache hits as "remote cache hit" (bazel 5+ prints "disk cache hit"); other engineers shared the 2 cores while this ran',
  reps: REPS,
  summary,
  runs,
};
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/cache.json'), JSON.stringify(result, null, 2) + '\n');
process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
