/**
 * Air-gapped builds. (1) `tfbuild fetch` on the TF-shaped fixture runs source → patch → configure → bazel fetch and
 * nothing else. (2) The mechanism itself with real bazel: a workspace pins an http_archive served from loopback;
 * `bazel fetch` with tfbuild's --repository_cache fills the cache; with the server gone, a fresh output root
 * still builds from the cache alone.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteFlags } from '../../src/plan/remote.js';
import { bazelBuild, bazelFetch, bazelShutdown } from '../../src/tools/bazel.js';
import { fixtureRecipe, makeFixtureRepo } from '../helpers/fixture.js';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server.js';
import { runCli, stopBazelServers } from './build-cli.js';
import { makeCcWorkspace } from './remote-cache-workspace.js';
import { makeTempDir } from '../helpers/tmp.js';
import { createExec } from '../../src/exec/index.js';

const bazel = '/usr/bin/bazel';

describe('tfbuild fetch (fixture r1.4)', () => {
  const tmp = makeTempDir('tfbuild-fetch-');
  // Its own cache dir: bazel's output root (and the server left running there) must not land in the user's ~/.cache.
  const env = { XDG_CACHE_HOME: join(tmp, 'cache') };
  afterAll(() => stopBazelServers(join(tmp, 'cache', 'tfbuild', 'bazel')));

  it('runs only source, patch, configure and bazel fetch, filling the work dir for a later offline build', async () => {
    const fx = makeFixtureRepo('r1.4', { tmp });
    const work = join(tmp, 'work');
    const rc = join(tmp, 'repo-cache');
    const r = await runCli(['fetch', '1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', work,
      '--repository-cache', rc, '--json'], { env });
    expect(r.stderr + r.stdout).not.toMatch(/Internal error/);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; step?: { kind: string } });
    const finished = events.filter((e) => e.type === 'step-finished').map((e) => e.step?.kind);
    expect(finished).toEqual(['source', 'patch', 'configure']);
    expect(existsSync(join(work, 'src', fx.tag, '.tf_configure.bazelrc'))).toBe(true);
    const log = readFileSync(join(work, 'logs', 'bazel-fetch.log'), 'utf8');
    expect(log).toMatch(/All external dependencies fetched successfully|INFO:/);
    // Nothing was built or packaged.
    expect(existsSync(join(work, 'src', fx.tag, 'bazel-bin', 'tensorflow', 'tools', 'pip_package', 'build_pip_package'))).toBe(false);
  });

  it('refuses to run without a place to put the archives (exit 2)', async () => {
    const r = await runCli(['fetch', '1.4', '--recipe', fixtureRecipe('r1.4')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--repository-cache DIR/);
  });
});

describe('repository cache: fetch online, build offline (real bazel)', () => {
  let server: TestHttpServer;
  const tmp = makeTempDir('tfbuild-airgap-');
  const roots: string[] = [];
  let wsDir = '';
  let overrides: string[] = [];

  beforeAll(async () => {
    // An external C library as a release tarball.
    const src = join(tmp, 'extlib-1.0');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'BUILD'), 'cc_library(name = "ext", srcs = ["ext.cc"], visibility = ["//visibility:public"])\n');
    writeFileSync(join(src, 'ext.cc'), 'int ext_value() { return 42; }\n');
    execFileSync('tar', ['--sort=name', '--mtime=2020-01-01', '-czf', join(tmp, 'extlib.tar.gz'), '-C', tmp, 'extlib-1.0']);
    const body = readFileSync(join(tmp, 'extlib.tar.gz'));
    const sha = createHash('sha256').update(body).digest('hex');
    server = await startHttpServer({ '/extlib-1.0.tar.gz': { body } });

    const ws = makeCcWorkspace(join(tmp, 'base'), 1);
    wsDir = ws.dir;
    writeFileSync(join(ws.dir, 'WORKSPACE'), `load("@bazel_tools//tools/build_defs/repo:http.bzl", "http_archive")
http_archive(name = "extlib", urls = ["${server.url}/extlib-1.0.tar.gz"], sha256 = "${sha}", strip_prefix = "extlib-1.0")
`);
    writeFileSync(join(ws.dir, 'pkg', 'BUILD'), 'cc_binary(name = "hello", srcs = ["hello.cc"], deps = ["@extlib//:ext"])\n');
    writeFileSync(join(ws.dir, 'pkg', 'hello.cc'), '#include <cstdio>\nint ext_value();\nint main() { std::printf("%d\\n", ext_value()); }\n');
    overrides = ws.overrides;
  });

  afterAll(async () => {
    for (const r of roots) await bazelShutdown({ bazel, cwd: wsDir, startupArgs: [`--output_user_root=${r}`] }, createExec()).catch(() => {});
    await server?.close();
  });

  it('fills the cache through tfbuild\'s flags, then builds with the server stopped', async () => {
    const rc = join(tmp, 'repo-cache');
    const flags = remoteFlags({ diskCache: false, repositoryCache: rc, remoteHeaders: [], distdir: [] }, { bazelVersion: null, defaultDiskCache: null, env: {} }).flags;
    expect(flags).toEqual([`--repository_cache=${rc}`]);

    const online = join(tmp, 'out-online');
    roots.push(online);
    await bazelFetch({ bazel, cwd: wsDir, startupArgs: [`--output_user_root=${online}`], args: [...flags, ...overrides, '//pkg:hello'] }, createExec());
    expect(server.hits.get('/extlib-1.0.tar.gz')).toBe(1);
    expect(readdirSync(join(rc, 'content_addressable', 'sha256')).length).toBeGreaterThanOrEqual(1);

    await server.close();
    const offline = join(tmp, 'out-offline');
    roots.push(offline);
    const r = await bazelBuild({ bazel, cwd: wsDir, startupArgs: [`--output_user_root=${offline}`], args: [...flags, ...overrides, '//pkg:hello'] }, createExec());
    expect(r.exitCode).toBe(0);
    const binary = join(wsDir, 'bazel-bin', 'pkg', 'hello');
    expect(execFileSync(binary, { encoding: 'utf8' }).trim()).toBe('42');
  });
});
