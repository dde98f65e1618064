/**
 * Remote execution end to end: the TF-shaped fixtures built through the real CLI on bazel's own reference REAPI
 * worker (test/helpers/remote-worker.ts), the protocol BuildBuddy, Buildbarn, EngFlow and NativeLink serve.
 *
 * - Both shapes build with --remote-executor: bazel's summary says the compile and link ran remotely (the plan
 *   overrides the `standalone` strategies the r1.4 bazel.rc pins), the wheel installs, `tfbuild verify` sees the
 *   requested ISA macros, and the compiled extension is byte-identical to the one a local build (another work dir,
 *   another bazel output root, no cache) produces.
 * - --remote-image reaches the worker as the action platform's container-image: bazel's execution log shows it, and
 *   the worker asks `docker run` for that image. No Docker engine exists here, so the worker's PATH has a stand-in
 *   `docker` that records what it was asked and runs the action on the host (what a container would run).
 * - A refused connection and a worker killed mid-action each fail with exit 5 and their diagnosis; the fix the
 *   diagnosis names (--remote-local-fallback) then finishes the build on this host.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo, type FixtureShape } from '../helpers/fixture.js';
import { freePort } from '../helpers/nginx.js';
import { processesIn, remoteWorkerMissing, startRemoteWorker, type RemoteWorker } from '../helpers/remote-worker.js';
import { findProcesses, runCli, startCli, stopBazelServers, type CliRun } from './build-cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const root = makeTempDir('tfb-e2e-rexec-');
const IMAGE = 'localhost/tfbuild:r1.4-remote-test';
const dockerLog = join(root, 'docker-calls.log');
const caches: string[] = [];
let worker: RemoteWorker;
const repos: Partial<Record<FixtureShape, FixtureRepo>> = {};

/** `docker run [-u U] [-v SRC:DST] [-w DIR] [-e K=V]… IMAGE CMD…` → records the call, runs CMD in SRC with the -e env. */
function writeDockerStandIn(dir: string): void {
  const script = `#!/bin/bash
printf '%s\\n' "$*" >> '${dockerLog}'
[ "$1" = run ] || exit 125
shift
envs=()
while [ $# -gt 0 ]; do
  case "$1" in
    -u|-w) shift 2 ;;
    -v) src="\${2%%:*}"; shift 2 ;;
    -e) envs+=("$2"); shift 2 ;;
    *) break ;;
  esac
done
shift # the image
cd "$src" && exec env "\${envs[@]}" "$@"
`;
  writeFileSync(join(dir, 'docker'), script);
  chmodSync(join(dir, 'docker'), 0o755);
}

beforeAll(async () => {
  // CI installs all of it (.ci/run): a missing piece is a failure with its fix, never a silent skip.
  const missing = remoteWorkerMissing();
  if (missing !== null) throw new Error(`cannot build bazel's reference worker: ${missing}`);
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeDockerStandIn(bin);
  worker = await startRemoteWorker({ env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
  repos['r1.4'] = makeFixtureRepo('r1.4', { tmp: join(root, 'r1.4') });
  repos['2.17'] = makeFixtureRepo('2.17', { tmp: join(root, '2.17') });
}, 600_000);

afterAll(async () => {
  for (const c of caches) stopBazelServers(join(c, 'tfbuild', 'bazel'));
  await worker?.stop();
});

const VERSION: Record<FixtureShape, string> = { 'r1.4': '1.4', '2.17': '2.17' };

interface Built extends CliRun {
  events: Array<Record<string, unknown>>;
  workdir: string;
  output: string;
}

function start(shape: FixtureShape, name: string, extra: string[]): { args: string[]; env: Record<string, string>; workdir: string; output: string } {
  const cache = join(root, `cache-${name}`);
  caches.push(cache);
  const workdir = join(root, `work-${name}`);
  const output = join(root, `out-${name}`);
  return {
    args: ['build', VERSION[shape], '--recipe', fixtureRecipe(shape), '--repo', repos[shape]!.bareRepo, '--workdir', workdir,
      '--output', output, '--no-disk-cache', '--json', ...extra],
    env: { XDG_CACHE_HOME: cache },
    workdir,
    output,
  };
}

function withEvents(r: CliRun, workdir: string, output: string): Built {
  const events = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { ...r, events, workdir, output };
}

async function build(shape: FixtureShape, name: string, extra: string[]): Promise<Built> {
  const s = start(shape, name, extra);
  return withEvents(await runCli(s.args, { env: s.env }), s.workdir, s.output);
}

interface Counts { remoteActions: number; localActions: number; cachedActions: number; totalActions: number; summarized: boolean }
function counts(b: Built): Counts {
  const result = b.events.find((e) => e.type === 'result') as { result: { cache: Counts } } | undefined;
  expect(result, b.stderr.slice(-3000)).toBeDefined();
  return result!.result.cache;
}

function bazelLog(b: Built): string {
  const logs = readdirSync(join(b.workdir, 'logs')).filter((f) => /-bazel\.log$/.test(f)).sort();
  return readFileSync(join(b.workdir, 'logs', logs.at(-1)!), 'utf8');
}

function diagnosisIds(b: Built): string[] {
  return b.events.filter((e) => e.type === 'diagnosis').map((e) => String(e.id));
}

/** Every *.so inside the wheel in `dir`, by path, as bytes (base64 keeps the comparison exact). */
function extensions(dir: string): Record<string, string> {
  const wheel = readdirSync(dir).filter((f) => f.endsWith('.whl'));
  expect(wheel).toHaveLength(1);
  const py = 'import sys, zipfile, base64, json\nz = zipfile.ZipFile(sys.argv[1])\n'
    + 'print(json.dumps({n: base64.b64encode(z.read(n)).decode() for n in z.namelist() if n.endswith(".so")}))';
  return JSON.parse(execFileSync('python3', ['-c', py, join(dir, wheel[0]!)], { encoding: 'utf8' })) as Record<string, string>;
}

describe.each(['r1.4', '2.17'] as FixtureShape[])('fixture %s on the reference remote worker', (shape) => {
  it('compiles and links remotely, installs, verifies the ISA macros; the extension equals a local build\'s byte for byte', async () => {
    const remote = await build(shape, `${shape}-remote`, ['--cpu-flags', 'avx2,fma', '--remote-executor', worker.url]);
    expect(remote.code, remote.stderr.slice(-3000)).toBe(0);
    // bazel's own summary: nothing but internal bookkeeping ran here (compile and link at least went remote).
    const line = /^INFO: (\d+) processes: (\d+) internal, (\d+) remote\.$/m.exec(bazelLog(remote));
    expect(line, bazelLog(remote)).not.toBeNull();
    expect(Number(line![3])).toBeGreaterThanOrEqual(2);
    expect(counts(remote)).toMatchObject({ remoteActions: Number(line![3]), localActions: 0, totalActions: Number(line![1]), summarized: true });
    // The plan said why it overrides the strategies, and the human summary counts what ran where.
    const warnings = remote.events.filter((e) => e.type === 'warning').map((e) => String(e.message)).join('\n');
    expect(warnings).toContain('--spawn_strategy=remote,local --genrule_strategy=remote,local');

    const venvPython = join(remote.workdir, 'venv', 'bin', 'python');
    const verify = await runCli(['verify', '--python', venvPython, '--expect-flags', 'avx2,fma'], { cwd: tmpdir() });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain('verify: OK');

    const local = await build(shape, `${shape}-local`, ['--cpu-flags', 'avx2,fma']);
    expect(local.code, local.stderr.slice(-3000)).toBe(0);
    expect(counts(local)).toMatchObject({ remoteActions: 0 });
    expect(counts(local).localActions).toBeGreaterThanOrEqual(2);

    const a = extensions(remote.output);
    const b = extensions(local.output);
    expect(Object.keys(a).length).toBeGreaterThan(0);
    expect(a).toEqual(b);
  }, 600_000);
});

describe('the remote platform and failures', () => {
  it('--remote-image reaches the worker as the platform\'s container-image', async () => {
    const execLog = join(root, 'exec-log.json');
    const r = await build('r1.4', 'image', ['--cpu-flags', 'none', '--no-install', '--remote-executor', worker.url, '--remote-image', IMAGE,
      '--bazel-flag=--noremote_accept_cached', `--bazel-flag=--execution_log_json_file=${execLog}`]);
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    expect(counts(r).remoteActions).toBeGreaterThanOrEqual(2);
    // What bazel sent with each remote action…
    expect(readFileSync(execLog, 'utf8')).toMatch(/"name": "container-image",\s*"value": "docker:\/\/localhost\/tfbuild:r1\.4-remote-test"/);
    // …and what the worker did with it: one `docker run … IMAGE …` per remote action.
    const calls = readFileSync(dockerLog, 'utf8').trim().split('\n');
    expect(calls.length).toBe(counts(r).remoteActions);
    for (const c of calls) expect(c).toMatch(new RegExp(`^run .* ${IMAGE.replace(/[.:/]/g, '\\$&')} `));
  }, 300_000);

  it('a refused connection is diagnosed; --remote-local-fallback then builds here', async () => {
    const dead = `grpc://127.0.0.1:${await freePort()}`;
    const r = await build('r1.4', 'refused', ['--cpu-flags', 'none', '--no-install', '--remote-executor', dead]);
    expect(r.code).toBe(5);
    expect(bazelLog(r)).toMatch(/Failed to query remote execution capabilities: Connection refused/);
    expect(diagnosisIds(r)).toContain('remote-executor-unreachable');
    expect(r.stderr).toMatch(/fix: .*--remote-local-fallback/);

    const again = await build('r1.4', 'refused-fallback', ['--cpu-flags', 'none', '--no-install', '--remote-executor', dead, '--remote-local-fallback']);
    expect(again.code, again.stderr.slice(-3000)).toBe(0);
    expect(counts(again)).toMatchObject({ remoteActions: 0 });
    expect(counts(again).localActions).toBeGreaterThanOrEqual(2);
  }, 300_000);

  it('a worker killed mid-action is diagnosed; --remote-local-fallback then finishes the build here', async () => {
    const doomed = await startRemoteWorker();
    try {
      const s = start('r1.4', 'killed', ['--cpu-flags', 'none', '--no-install', '--remote-executor', doomed.url,
        '--bazel-flag=--action_env=FIXTURE_SLOW_SECONDS=120']);
      const run = startCli(s.args, { env: s.env });
      // heavy_0 sleeps on the worker: wait until its `sleep` runs there, then kill the worker like a crash would.
      const sleeping = () => processesIn(doomed.workPath).filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('sleep\0');
        } catch {
          return false; // a short action that ended meanwhile
        }
      });
      const deadline = Date.now() + 120_000;
      while (sleeping().length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
      expect(sleeping().length).toBeGreaterThan(0);
      await doomed.kill();
      const r = withEvents(await run.done, s.workdir, s.output);
      expect(r.code).toBe(5);
      // Killed while the action ran: "(Exit 34): UNAVAILABLE: io exception"; while bazel was still sending it:
      // "(Exit 34): io.grpc.StatusRuntimeException: UNAVAILABLE: io exception". Both seen with bazel 4.2.3.
      expect(bazelLog(r)).toMatch(/failed: \(Exit 34\): (?:io\.grpc\.StatusRuntimeException: )?UNAVAILABLE/);
      expect(diagnosisIds(r)).toContain('remote-executor-lost');

      const again = await build('r1.4', 'killed-fallback', ['--cpu-flags', 'none', '--no-install', '--remote-executor', doomed.url,
        '--remote-local-fallback', '--bazel-flag=--action_env=FIXTURE_SLOW_SECONDS=1']);
      expect(again.code, again.stderr.slice(-3000)).toBe(0);
      expect(counts(again).localActions).toBeGreaterThanOrEqual(2);
    } finally {
      await doomed.stop();
    }
    expect(processesIn(doomed.dir)).toEqual([]);
  }, 400_000);

  it('leaves no worker, action or bazel server behind', async () => {
    for (const c of caches) stopBazelServers(join(c, 'tfbuild', 'bazel'));
    await worker.stop();
    expect(existsSync(`/proc/${worker.pid}`) && !/\) Z /.test(readFileSync(`/proc/${worker.pid}/stat`, 'utf8'))).toBe(false);
    expect(processesIn(worker.dir)).toEqual([]);
    expect(findProcesses(root)).toEqual([]);
  }, 120_000);
});
