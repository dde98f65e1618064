/**
 * The bazel version-management path end to end: the installed bazel is outside the recipe's range, there is no
 * bazelisk, so with --yes tfbuild downloads the recipe's bazel from a (loopback) release server, over a connection
 * that drops once, verifies it against the sha256 table, and the downloaded binary then really builds a
 * workspace. The "release" is a wrapper around this machine's real bazel, since nothing can be fetched from GitHub.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import type { HostFacts } from '../../src/probe/types.js';
import type { Recipe } from '../../src/recipes/schema.js';
import { bazelBuild, bazelShutdown } from '../../src/tools/bazel.js';
import { ensureBazel, getTfbuildCacheDir, type BazelReleaseTable } from '../../src/tools/bazel-release.js';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server.js';
import { makeCcWorkspace } from './remote-cache-workspace.js';
import { makeTempDir } from '../helpers/tmp.js';
import { createExec } from '../../src/exec/index.js';

const RELEASE = Buffer.from('#!/bin/sh\nexec /usr/bin/bazel "$@"\n');
const SHA = createHash('sha256').update(RELEASE).digest('hex');
const VERSION = '4.2.3';

const table = (sha: string): BazelReleaseTable => ({
  schemaVersion: 1,
  urlTemplate: 'http://127.0.0.1:9/{version}/bazel-{version}-{platform}',
  mirrors: [],
  releases: { [VERSION]: { 'linux-x86_64': { sha256: sha } } },
});
const recipe = { line: 'r0.0', bazel: { tested: VERSION, range: '>=4.2.0 <4.3.0', useBazelversionFile: false, flagRules: [], broken: [] } } as unknown as Recipe;
const facts = {
  os: { platform: 'linux', arch: 'x64' },
  bazel: { path: '/usr/bin/bazel', version: null, kind: 'bazel', unknownRelease: true },
  bazelisk: null,
} as unknown as HostFacts;

let server: TestHttpServer;
let tmp: string;
let outRoot: string;
beforeAll(async () => {
  server = await startHttpServer({ [`/${VERSION}/bazel-${VERSION}-linux-x86_64`]: { body: RELEASE, dropTimes: 1 } });
  tmp = makeTempDir('tfbuild-bzdl-');
  outRoot = join(tmp, 'out');
});
afterAll(async () => {
  await server.close();
});

describe('bazel download (loopback release server)', () => {
  it('a wrong published checksum stops with a clear error and leaves nothing in the cache', async () => {
    const cacheDir = getTfbuildCacheDir({ XDG_CACHE_HOME: join(tmp, 'xdg-bad') }, '/nonexistent-home');
    const err = await ensureBazel({ recipe, facts, yes: true, cacheDir, baseUrl: server.url, table: table('f'.repeat(64)), fetchImpl: fetch })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(String((err as Error).message)).toMatch(/does not match its published sha256/);
    // No file at all: neither the final binary nor a partial download.
    expect(readdirSync(cacheDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())).toEqual([]);
    expect(readdirSync(join(cacheDir, 'bazel', VERSION))).toEqual([]);
  });

  it('with --yes downloads over a flaky connection, verifies, and the binary builds for real', async () => {
    const cacheDir = getTfbuildCacheDir({ XDG_CACHE_HOME: join(tmp, 'xdg') }, '/nonexistent-home');
    // Start the request count afresh so the server drops this test's first connection.
    server.hits.clear();
    const events: string[] = [];
    const got = await ensureBazel({
      recipe, facts, yes: true, cacheDir, baseUrl: server.url, table: table(SHA), onEvent: (e) => events.push(e.kind),
    });
    expect(got).toMatchObject({ via: 'downloaded', version: VERSION, path: join(tmp, 'xdg', 'tfbuild', 'bazel', VERSION, 'bazel') });
    expect(server.hits.get(`/${VERSION}/bazel-${VERSION}-linux-x86_64`)).toBe(2);
    expect(events).toEqual(['start', 'retry', 'start', 'done']);

    const ws = makeCcWorkspace(join(tmp, 'ws'));
    const r = await bazelBuild({ bazel: got.path, cwd: ws.dir, startupArgs: [`--output_user_root=${outRoot}`], args: [...ws.overrides, ws.target] }, createExec());
    expect(r.exitCode).toBe(0);
    expect(r.summary.actionsExecuted).toBeGreaterThan(0);
    await bazelShutdown({ bazel: got.path, cwd: ws.dir, startupArgs: [`--output_user_root=${outRoot}`] }, createExec());
  });
});
