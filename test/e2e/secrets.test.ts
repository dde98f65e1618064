/**
 * Literal credentials, however short: `--remote-header 'Authorization=Bearer abc123'` against nginx on loopback
 * that requires exactly that token. The build is served by the cache (so the header reached the server through
 * the private rc file), and `abc123` appears nowhere: not in the plan (text or JSON, which store *** and say the
 * value must come from the environment), the NDJSON events, the commands tfbuild ran (TFBUILD_EXEC_RECORD), any
 * process's command line while it ran (/proc/PID/cmdline), the lock, the state, the logs or the build-info.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { startNginxCache, type NginxCache } from '../helpers/nginx.js';
import { makeTempDir } from '../helpers/tmp.js';
import { BIN, runCli, startCli, stopBazelServers } from './build-cli.js';

const SECRET = 'abc123';
const URL_PASSWORD = 'pw9Q';
const root = makeTempDir('tfb-e2e-secrets-');
let nginx: NginxCache;
let fx: FixtureRepo;

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
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

const args = (n: number) => ['build', '1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', join(root, `work${n}`),
  '--output', join(root, `out${n}`), '--remote-cache', nginx.url, '--no-disk-cache', '--no-install', '--cpu-flags', 'none',
  '--remote-header', `Authorization=Bearer ${SECRET}`];
const env = (n: number) => ({ XDG_CACHE_HOME: join(root, `cache${n}`) });

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

  it('reaches the cache (served from it the second time) and is in no output, file or command line', async () => {
    const record = join(root, 'exec.jsonl');
    const first = await runCli([...args(1), '--json'], { env: { ...env(1), TFBUILD_EXEC_RECORD: record } });
    expect(first.code, first.stderr).toBe(0);

    // The second build polls every process's argv and the lock file while it runs.
    const seen: string[] = [];
    const { done } = startCli([...args(2), '--json'], { env: { ...env(2), TFBUILD_EXEC_RECORD: record } });
    let running = true;
    const poll = (async () => {
      while (running) {
        // tfbuild's own argv holds what the user typed; every process it starts (bazel's client and server, git,
        // configure, python) must not.
        for (const c of allCmdlines()) if (c.includes(SECRET) && !c.includes('vitest') && !c.includes(BIN)) seen.push(c);
        const lock = join(root, 'work2', 'tfbuild.lock');
        try {
          if (readFileSync(lock, 'utf8').includes(SECRET)) seen.push(`lock: ${lock}`);
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
    for (const r of [first, second]) expect(r.stdout + r.stderr).not.toContain(SECRET);
    const recorded = readFileSync(record, 'utf8');
    expect(recorded).toContain('--bazelrc=');
    expect(recorded).not.toContain(SECRET);
    const written = [...allFiles(join(root, 'work1')), ...allFiles(join(root, 'work2')), ...allFiles(join(root, 'out1')), ...allFiles(join(root, 'out2'))]
      .filter((f) => !f.includes(`${join('src', fx.tag)}/`) || f.endsWith('.bazelrc'));
    expect(written.some((f) => f.endsWith('tfbuild-state.json'))).toBe(true);
    expect(written.some((f) => f.endsWith('.tfbuild.json'))).toBe(true);
    expect(written.filter((f) => readFileSync(f).includes(SECRET))).toEqual([]);
    // The state's resume command masks it and says so.
    const state = JSON.parse(readFileSync(join(root, 'work2', 'tfbuild-state.json'), 'utf8')) as { resumeCommand: string };
    expect(state.resumeCommand).toContain('Authorization=***');
    expect(state.resumeCommand).toContain('give the credentials masked as *** again');
  });
});
