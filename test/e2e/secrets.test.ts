/**
 * Credentials, however short: `--remote-header 'Authorization=Bearer abc123'` against nginx on loopback that
 * requires exactly that token, given as a literal in the first build and as `${TFB_E2E_TOKEN}` (plus a second
 * header from `${TFB_E2E_PROBE}`) in the second. The second build is served by the cache (so the header reached the
 * server through the private rc file), and neither value appears anywhere: not in the plan (text or JSON, which
 * store *** and say the value must come from the environment), the NDJSON events, the commands tfbuild ran
 * (TFBUILD_EXEC_RECORD), any process's command line while it ran (/proc/PID/cmdline), the lock, and not in the bytes
 * of any file the builds left: work dirs (state, logs, source tree), outputs (build-info), and the cache dirs with
 * bazel's output root (each output base: java.log, command.log, the gzipped profile, execroot, external).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { startNginxCache, type NginxCache } from '../helpers/nginx.js';
import { makeTempDir } from '../helpers/tmp.js';
import { BIN, runCli, startCli, stopBazelServers } from './build-cli.js';

const SECRET = 'abc123';
const URL_PASSWORD = 'pw9Q';
/** Only ever given through the environment. */
const ENV_SECRET = 'k7Vq2x';
const root = makeTempDir('tfb-e2e-secrets-');
let nginx: NginxCache;
let fx: FixtureRepo;

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}

/** Whether a file's bytes hold `value` (as UTF-8/Latin-1 or UTF-16), also inside gzip (bazel's command.profile.gz). */
function holds(file: string, value: string): boolean {
  let bytes = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = Buffer.concat([bytes, gunzipSync(bytes)]);
    } catch {
      /* not whole gzip: the raw bytes are scanned */
    }
  }
  return bytes.includes(Buffer.from(value, 'utf8')) || bytes.includes(Buffer.from(value, 'utf16le'));
}

/** Every live process's argv, as any user on the machine could read it. */
function allCmdlines(): string[] {
  const out: string[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      out.push(readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      /* gone */
    }
  }
  return out;
}

beforeAll(async () => {
  nginx = await startNginxCache({ requireBearer: SECRET });
  fx = makeFixtureRepo('r1.4', { tmp: root });
});
afterAll(async () => {
  for (const c of ['cache1', 'cache2']) stopBazelServers(join(root, c, 'tfbuild', 'bazel'));
  await nginx?.stop();
});

const common = (n: number) => ['build', '1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', join(root, `work${n}`),
  '--output', join(root, `out${n}`), '--remote-cache', nginx.url, '--no-disk-cache', '--no-install', '--cpu-flags', 'none'];
const args = (n: number) => [...common(n), '--remote-header', `Authorization=Bearer ${SECRET}`];
/** The same token, and one more value, only through the environment. */
const envArgs = (n: number) => [...common(n), '--remote-header', 'Authorization=Bearer ${TFB_E2E_TOKEN}', '--remote-header', 'X-Tfb-Probe=${TFB_E2E_PROBE}'];
const env = (n: number) => ({ XDG_CACHE_HOME: join(root, `cache${n}`) });
const secretEnv = { TFB_E2E_TOKEN: SECRET, TFB_E2E_PROBE: ENV_SECRET };

describe('a literal credential of six characters', () => {
  it('plan text and JSON store *** and say the value must come from the environment; a saved plan with *** is refused', async () => {
    const withPassword = [...args(0).slice(1), '--remote-executor', `grpc://u:${URL_PASSWORD}@127.0.0.1:1`];
    const text = await runCli(['plan', ...withPassword], { env: env(0) });
    const json = await runCli(['plan', ...withPassword, '--json'], { env: env(0) });
    for (const r of [text, json]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stdout + r.stderr).not.toContain(URL_PASSWORD);
      expect(r.stdout).toContain('Authorization=***');
      expect(r.stdout).toContain('A literal credential is stored as *** in this plan');
    }
    const file = join(root, 'plan.json');
    (await import('node:fs')).writeFileSync(file, json.stdout);
    const run = await runCli(['build', '--plan', file], { env: env(0) });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('masked as ***');
  });

  it('reaches the cache (served from it the second time, given through ${ENV}) and is in no output, file or command line', async () => {
    const record = join(root, 'exec.jsonl');
    const first = await runCli([...args(1), '--json'], { env: { ...env(1), TFBUILD_EXEC_RECORD: record } });
    expect(first.code, first.stderr).toBe(0);

    // The second build polls every process's argv and the lock file while it runs.
    const seen: string[] = [];
    const { done } = startCli([...envArgs(2), '--json'], { env: { ...env(2), ...secretEnv, TFBUILD_EXEC_RECORD: record } });
    let running = true;
    const poll = (async () => {
      while (running) {
        // tfbuild's own argv holds what the user typed; every process it starts (bazel's client and server, git,
        // configure, python) must not.
        for (const c of allCmdlines()) if ((c.includes(SECRET) && !c.includes('vitest') && !c.includes(BIN)) || c.includes(ENV_SECRET)) seen.push(c);
        const lock = join(root, 'work2', 'tfbuild.lock');
        try {
          const l = readFileSync(lock, 'utf8');
          if (l.includes(SECRET) || l.includes(ENV_SECRET)) seen.push(`lock: ${lock}`);
        } catch {
          /* not there (yet, or any more) */
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const second = await done;
    running = false;
    await poll;
    expect(second.code, second.stderr).toBe(0);
    // The token reached nginx: nothing was refused, and the second build came from the cache.
    expect(readFileSync(nginx.accessLog, 'utf8')).not.toMatch(/" 401 /);
    const result = JSON.parse(second.stdout.trim().split('\n').find((l) => l.includes('"type":"result"')) ?? '{}') as { result?: { cache?: { remoteHits: number } } };
    expect(result.result?.cache?.remoteHits).toBeGreaterThan(0);

    expect(seen).toEqual([]);
    for (const r of [first, second]) for (const v of [SECRET, ENV_SECRET]) expect(r.stdout + r.stderr).not.toContain(v);
    const recorded = readFileSync(record, 'utf8');
    expect(recorded).toContain('--bazelrc=');
    expect(recorded).not.toContain(SECRET);
    expect(recorded).not.toContain(ENV_SECRET);
    // Every file the builds left under the test's root: work dirs, outputs, and the cache dirs holding bazel's output
    // root (tfbuild's servers are shut down by now, so their logs are complete).
    const written = allFiles(root);
    for (const n of [1, 2]) {
      const outputRoot = join(root, `cache${n}`, 'tfbuild', 'bazel');
      const scanned = written.filter((f) => f.startsWith(`${outputRoot}/`)).map((f) => f.slice(outputRoot.length + 1));
      // The scan reaches the output base: bazel's server log (still written), command log and profile are among the files.
      for (const name of [/^[0-9a-f]{32}\/java\.log\.[^/]+$/, /^[0-9a-f]{32}\/command\.log$/, /^[0-9a-f]{32}\/command\.profile\.gz$/, /^[0-9a-f]{32}\/execroot\//]) {
        expect(scanned.some((f) => name.test(f)), `${name} under ${outputRoot}`).toBe(true);
      }
      const javaLog = scanned.find((f) => /java\.log\./.test(f))!;
      expect(readFileSync(join(outputRoot, javaLog), 'utf8')).toContain('Build identifier');
    }
    expect(written.some((f) => f.endsWith('tfbuild-state.json'))).toBe(true);
    expect(written.some((f) => f.endsWith('.tfbuild.json'))).toBe(true);
    expect(written.some((f) => f.includes(`${join(root, 'work2', 'logs')}/`))).toBe(true);
    expect(written.filter((f) => holds(f, SECRET) || holds(f, ENV_SECRET))).toEqual([]);
    // The state's resume command masks a literal and says so; a ${ENV} value stays a reference.
    const state = (n: number) => JSON.parse(readFileSync(join(root, `work${n}`, 'tfbuild-state.json'), 'utf8')) as { resumeCommand: string };
    expect(state(1).resumeCommand).toContain('Authorization=***');
    expect(state(1).resumeCommand).toContain('give the credentials masked as *** again');
    expect(state(2).resumeCommand).toContain('${TFB_E2E_TOKEN}');
    expect(state(2).resumeCommand).toContain('${TFB_E2E_PROBE}');
  });
});
