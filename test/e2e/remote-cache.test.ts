/**
 * Real bazel (Debian's 4.2.3) against real nginx as an HTTP remote cache on loopback: a build fills the cache;
 * with a fresh output root the same build is served 100 % from the cache and executes nothing. The cache
 * requires a bearer token given through the environment: it reaches nginx (else no hits), never the logs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExec, SecretRegistry } from '../../src/exec/index.js';
import { expandEnvRefsOrThrow, remoteFlags } from '../../src/plan/remote.js';
import { bazelBuild, bazelShutdown } from '../../src/tools/bazel.js';
import { startNginxCache, type NginxCache } from '../helpers/nginx.js';
import { makeCcWorkspace, type CcWorkspace } from './remote-cache-workspace.js';
import { makeTempDir } from '../helpers/tmp.js';

const TOKEN = 'tfb-e2e-7d1f0c9a-secret';
const bazel = '/usr/bin/bazel';
const roots: string[] = [];
/** The run's registry: what the pipeline expands from the environment is added to it. */
const secrets = new SecretRegistry();
const exec = createExec({ secrets });

let cache: NginxCache;
let ws: CcWorkspace;
let tmp: string;

beforeAll(async () => {
  cache = await startNginxCache({ requireBearer: TOKEN });
  tmp = makeTempDir('tfbuild-rc-');
  ws = makeCcWorkspace(tmp);
});

afterAll(async () => {
  for (const root of roots) await bazelShutdown({ bazel, cwd: ws.dir, startupArgs: [`--output_user_root=${root}`] }, exec).catch(() => {});
  await cache?.stop();
});

/** What the pipeline does: plan flags with ${REF}s, expand from the environment just before bazel, register secrets. */
function cacheArgs(env: Record<string, string>): string[] {
  const planned = remoteFlags(
    { diskCache: false, remoteCache: cache.url, remoteHeaders: [], distdir: [] },
    { bazelVersion: null, defaultDiskCache: null, env },
  );
  expect(planned.flags.join(' ')).not.toContain(TOKEN);
  const expanded = expandEnvRefsOrThrow(planned.flags, env);
  secrets.addAll(expanded.secrets);
  const args = expanded.args;
  return args;
}

async function build(name: string) {
  const root = join(tmp, `out-${name}`);
  roots.push(root);
  const logFile = join(tmp, `${name}.log`);
  const r = await bazelBuild({
    bazel, cwd: ws.dir, startupArgs: [`--output_user_root=${root}`],
    args: [...cacheArgs({ TFBUILD_REMOTE_TOKEN: TOKEN }), ...ws.overrides, ws.target], logFile,
  }, exec);
  return { ...r, log: readFileSync(logFile, 'utf8') };
}

describe('nginx as a bazel HTTP remote cache', () => {
  it('a cold build fills the cache; a fresh output root is then served 100 % from it', async () => {
    const cold = await build('cold');
    expect(cold.exitCode).toBe(0);
    expect(cold.summary.actionsExecuted).toBeGreaterThanOrEqual(4);
    expect(cold.summary.remoteCacheHits).toBe(0);
    expect(cache.stats().files).toBeGreaterThanOrEqual(cold.summary.actionsExecuted! * 2);

    const warm = await build('from-cache');
    expect(warm.exitCode).toBe(0);
    expect(warm.summary.actionsExecuted).toBe(0);
    expect(warm.summary.remoteCacheHits).toBe(cold.summary.actionsExecuted);
    expect(warm.summary.remoteCacheHits).toBe((warm.summary.processes ?? 0) - warm.summary.internal);
    expect(warm.log).toMatch(/\d+ remote cache hit/);
  });

  it('the token reached nginx (authorised GETs) and never the logs, the dry-run line or the planned flags', async () => {
    const access = readFileSync(cache.accessLog, 'utf8');
    expect(access).toMatch(/"GET \/ac\/[0-9a-f]{64} HTTP\/1\.1" 200/);
    expect(access).not.toMatch(/" 401 /);
    for (const f of ['cold.log', 'from-cache.log']) expect(readFileSync(join(tmp, f), 'utf8')).not.toContain(TOKEN);

    const printed: string[] = [];
    const dry = createExec({ dryRun: true, printDryRun: (l) => printed.push(l), secrets });
    await bazelBuild({ bazel, cwd: ws.dir, args: [...cacheArgs({ TFBUILD_REMOTE_TOKEN: TOKEN }), ws.target] }, dry);
    expect(printed.join('\n')).toContain('--remote_header=Authorization=Bearer ***');
    expect(printed.join('\n')).not.toContain(TOKEN);
  });

  it('a wrong token gets no cache hits (so the header is really what authorises)', async () => {
    const root = join(tmp, 'out-wrong');
    roots.push(root);
    const r = await bazelBuild({
      bazel, cwd: ws.dir, startupArgs: [`--output_user_root=${root}`],
      args: [`--remote_cache=${cache.url}`, '--remote_header=Authorization=Bearer wrong-token', ...ws.overrides, ws.target],
    }, exec);
    expect(r.exitCode).toBe(0);
    expect(r.summary.remoteCacheHits).toBe(0);
    expect(r.summary.actionsExecuted).toBeGreaterThan(0);
    expect(existsSync(cache.accessLog) && / 401 /.test(readFileSync(cache.accessLog, 'utf8'))).toBe(true);
  });
});
