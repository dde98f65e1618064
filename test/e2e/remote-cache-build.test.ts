/**
 * `tfbuild build --remote-cache` on the TF-shaped fixture against nginx on loopback that requires a bearer token
 * (given only through TFBUILD_REMOTE_TOKEN). A first build fills the cache; a second build in a fresh work dir
 * and a fresh bazel output root is served from it (so the token really reached nginx) — and the token appears in
 * none of: the plan (`tfbuild plan --json`), the dry-run output, the NDJSON events, the step logs, the state file,
 * the build-info file next to the wheel.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { startNginxCache, type NginxCache } from '../helpers/nginx.js';
import { runCli, stopBazelServers } from './build-cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const TOKEN = 'tfb-build-e2e-3f9a27c1d5';
const root = makeTempDir('tfb-e2e-rcb-');
let nginx: NginxCache;
let fx: FixtureRepo;

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}

function leaks(files: string[]): string[] {
  return files.filter((f) => readFileSync(f).includes(TOKEN));
}

beforeAll(async () => {
  nginx = await startNginxCache({ requireBearer: TOKEN });
  fx = makeFixtureRepo('r1.4', { tmp: root });
});
afterAll(async () => {
  for (const c of ['cache1', 'cache2']) stopBazelServers(join(root, c, 'tfbuild', 'bazel'));
  await nginx?.stop();
});

const args = (n: number) => ['build', '1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', join(root, `work${n}`),
  '--output', join(root, `out${n}`), '--remote-cache', nginx.url, '--no-disk-cache', '--no-install', '--cpu-flags', 'none', '--json'];
const env = (n: number) => ({ XDG_CACHE_HOME: join(root, `cache${n}`), TFBUILD_REMOTE_TOKEN: TOKEN });

describe('tfbuild build --remote-cache with a token from the environment', () => {
  it('the plan and the dry run reference the token, never contain it', async () => {
    const plan = await runCli(['plan', ...args(0).slice(1).filter((a) => a !== '--no-install')], { env: env(0) });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Authorization=Bearer ${TFBUILD_REMOTE_TOKEN}');
    expect(plan.stdout + plan.stderr).not.toContain(TOKEN);
    const dry = await runCli([...args(0), '--dry-run'], { env: env(0) });
    expect(dry.code, dry.stderr).toBe(0);
    // The header is not on bazel's argv: it goes to a private rc file named by --bazelrc.
    expect(dry.stdout).toMatch(/--bazelrc=\S*credentials\.bazelrc/);
    expect(dry.stdout).not.toContain('--remote_header');
    expect(dry.stdout + dry.stderr).not.toContain(TOKEN);

    // --remote-header with a ${VAR} value: the plan keeps the reference.
    const hdr = await runCli(['plan', ...args(0).slice(1).filter((a) => a !== '--no-install'), '--remote-header', 'x-api-key=${RC_KEY}'],
      { env: { ...env(0), RC_KEY: 'rc-key-value-99' } });
    expect(hdr.code).toBe(0);
    expect(hdr.stdout).toContain('--remote_header=x-api-key=${RC_KEY}');
    expect(hdr.stdout).not.toContain('rc-key-value-99');
  });

  it('a referenced variable that is unset stops the build with a usage error naming it', async () => {
    const r = await runCli([...args(3), '--remote-header', 'x-api-key=${RC_UNSET_KEY}'], { env: { XDG_CACHE_HOME: join(root, 'cache3') } });
    stopBazelServers(join(root, 'cache3', 'tfbuild', 'bazel'));
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('$RC_UNSET_KEY');
  });

  it('fills the cache, then a fresh work dir and output root build from it; the token is nowhere on disk or stdout', async () => {
    const first = await runCli(args(1), { env: env(1) });
    expect(first.stderr).not.toMatch(/Internal error/);
    expect(first.code, first.stderr.slice(-3000)).toBe(0);
    expect(nginx.stats().files).toBeGreaterThan(0);

    const second = await runCli(args(2), { env: env(2) });
    expect(second.code).toBe(0);
    const bazelLog = allFiles(join(root, 'work2', 'logs')).find((f) => /bazel[^/]*\.log$/.test(f));
    expect(bazelLog).toBeDefined();
    expect(readFileSync(bazelLog!, 'utf8')).toMatch(/INFO: \d+ processes: (\d+ remote cache hit, )?\d+ internal\.|remote cache hit/);
    expect(readFileSync(bazelLog!, 'utf8')).toMatch(/\d+ remote cache hit/);
    expect(readFileSync(nginx.accessLog, 'utf8')).not.toMatch(/" 401 /);
    // The result event carries bazel's summary: everything came from the remote cache, nothing was executed here.
    const result = JSON.parse(second.stdout.trim().split('\n').find((l) => l.includes('"type":"result"')) ?? '{}') as {
      result?: { cache?: { remoteHits: number; localActions: number; totalActions: number } };
    };
    expect(result.result?.cache?.remoteHits).toBeGreaterThan(0);
    expect(result.result?.cache?.localActions).toBe(0);

    for (const r of [first, second]) {
      const events = r.stdout.trim().split('\n');
      expect(events.length).toBeGreaterThan(3);
      for (const e of events) expect(() => JSON.parse(e)).not.toThrow();
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
    }
    const written = [...allFiles(join(root, 'work1')), ...allFiles(join(root, 'work2')), ...allFiles(join(root, 'out1')), ...allFiles(join(root, 'out2'))]
      .filter((f) => !f.includes(`${join('src', fx.tag)}/`) || f.endsWith('.bazelrc'));
    expect(written.some((f) => f.endsWith('.tfbuild.json'))).toBe(true);
    expect(written.some((f) => f.endsWith('tfbuild-state.json'))).toBe(true);
    expect(leaks(written)).toEqual([]);
    // Nor in bazel's own files (java.log, the server's command log) under the output root; the rc file is gone.
    // bazel's server logs the rc options it gets from the client in java.log (0644) under the output base: the
    // output root's parent is private (0700), so no other user can reach them.
    for (const c of ['cache1', 'cache2']) expect(statSync(join(root, c, 'tfbuild')).mode & 0o777).toBe(0o700);
    expect(existsSync(join(root, 'work2', 'private', 'credentials.bazelrc'))).toBe(false);
    expect(statSync(join(root, 'work2', 'tfbuild-state.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'work2', 'logs')).mode & 0o777).toBe(0o700);
  });
});
