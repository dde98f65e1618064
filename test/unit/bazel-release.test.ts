import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, EnvironmentError, UsageError } from '../../src/errors.js';
import type { HostFacts } from '../../src/probe/types.js';
import type { Recipe } from '../../src/recipes/schema.js';
import {
  downloadBazel, ensureBazel, getBazelPlatform, getDownloadedBazelPath, getTfbuildCacheDir, pickDownloadVersion,
  readBazelReleaseTable, type BazelReleaseTable,
} from '../../src/tools/bazel-release.js';
import { readBazelVersion } from '../../src/tools/bazel.js';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server.js';
import { makeTempDir } from '../helpers/tmp.js';

// A "release" that behaves like bazel's client for `--version`.
const FAKE = Buffer.from('#!/bin/sh\necho "bazel 9.8.7"\n');
const FAKE_SHA = createHash('sha256').update(FAKE).digest('hex');
const path = (v: string) => `/${v}/bazel-${v}-linux-x86_64`;

function table(entries: Record<string, string | null>): BazelReleaseTable {
  return {
    schemaVersion: 1,
    urlTemplate: 'http://127.0.0.1:9/{version}/bazel-{version}-{platform}',
    mirrors: [],
    releases: Object.fromEntries(Object.entries(entries).map(([v, sha]) => [v, { 'linux-x86_64': { sha256: sha } }])),
  };
}

function recipe(tested: string, range: string): Recipe {
  return { line: 'r9.9', bazel: { tested, range, useBazelversionFile: false, flagRules: [], broken: [] } } as unknown as Recipe;
}

function facts(bazel: HostFacts['bazel'], bazelisk: HostFacts['bazelisk'] = null): HostFacts {
  return { os: { platform: 'linux', arch: 'x64' }, bazel, bazelisk } as unknown as HostFacts;
}

const listAll = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name) : [];

let server: TestHttpServer;
beforeAll(async () => {
  server = await startHttpServer({
    [path('9.8.7')]: { body: FAKE },
    [path('9.8.8')]: { body: FAKE, dropTimes: 1 },
    [path('9.8.9')]: { body: FAKE, dropTimes: 100 },
    [path('9.9.0')]: { body: Buffer.from('#!/bin/sh\necho tampered\n') },
  });
});
afterAll(() => server.close());

describe('the shipped sha256 table', () => {
  const t = readBazelReleaseTable();
  it('validates, and every non-null value is a 64-hex sha256', () => {
    const shas = Object.values(t.releases).flatMap((p) => Object.values(p).map((a) => a?.sha256)).filter(Boolean);
    expect(shas.length).toBeGreaterThanOrEqual(10);
    for (const s of shas) expect(s).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(shas).size).toBe(shas.length);
  });

  it('lists every bazel a catalog recipe was tested with (null when no published value was found)', () => {
    const dir = new URL('../../recipes/', import.meta.url);
    const files = readdirSync(dir).filter((f) => /^r\d+\.\d+\.yaml$/.test(f));
    for (const f of files) {
      const r = parseYaml(readFileSync(new URL(f, dir), 'utf8')) as { bazel?: { tested?: string } };
      const tested = r.bazel?.tested;
      if (tested) expect(Object.keys(t.releases), `${f} bazel.tested ${tested}`).toContain(tested);
    }
  });

  it('knows real published values (6.5.0 from three independent pins)', () => {
    expect(t.releases['6.5.0']?.['linux-x86_64']?.sha256).toBe('a40ac69263440761199fcb8da47ad4e3f328cbe79ffbf4ecc14e5ba252857307');
  });
});

describe('downloadBazel (loopback server)', () => {
  it('downloads, verifies, marks executable and the binary runs', async () => {
    const cache = makeTempDir('bzdl-');
    const r = await downloadBazel({ version: '9.8.7', platform: 'linux-x86_64', cacheDir: cache, baseUrl: server.url, table: table({ '9.8.7': FAKE_SHA }) });
    expect(r.path).toBe(join(cache, 'bazel', '9.8.7', 'bazel'));
    expect(r.downloaded).toBe(true);
    expect(statSync(r.path).mode & 0o111).not.toBe(0);
    expect((await readBazelVersion(r.path)).version).toBe('9.8.7');
    expect(listAll(cache)).toEqual(['bazel']);
    // Second call reuses the verified copy without a request.
    const before = server.hits.get(path('9.8.7'));
    const again = await downloadBazel({ version: '9.8.7', platform: 'linux-x86_64', cacheDir: cache, baseUrl: server.url, table: table({ '9.8.7': FAKE_SHA }) });
    expect(again.downloaded).toBe(false);
    expect(server.hits.get(path('9.8.7'))).toBe(before);
  });

  it('replaces a cached binary that was changed after download', async () => {
    const cache = makeTempDir('bzdl-');
    const t = table({ '9.8.7': FAKE_SHA });
    const r = await downloadBazel({ version: '9.8.7', platform: 'linux-x86_64', cacheDir: cache, baseUrl: server.url, table: t });
    writeFileSync(r.path, '#!/bin/sh\necho evil\n');
    const again = await downloadBazel({ version: '9.8.7', platform: 'linux-x86_64', cacheDir: cache, baseUrl: server.url, table: t });
    expect(again.downloaded).toBe(true);
    expect(readFileSync(r.path)).toEqual(FAKE);
  });

  it('rejects a wrong checksum with a clear error and leaves nothing behind', async () => {
    const cache = makeTempDir('bzdl-');
    const err = await downloadBazel({
      version: '9.9.0', platform: 'linux-x86_64', cacheDir: cache, baseUrl: server.url, table: table({ '9.9.0': FAKE_SHA }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).message).toMatch(/does not match its published sha256; it was deleted/);
    expect((err as EnvironmentError).details.join('\n')).toContain(`expected: ${FAKE_SHA}`);
    expect(listAll(cache)).toEqual([]);
  });

  it('retries a dropped connection with backoff and then succeeds', async () => {
    const cache = makeTempDir('bzdl-');
    const events: string[] = [];
    const r = await downloadBazel({
      version: '9.8.8', platform: 'linux-x86_64', cacheDir: cache, baseUrl: server.url, table: table({ '9.8.8': FAKE_SHA }),
      backoffMs: 10, onEvent: (e) => events.push(e.kind),
    });
    expect(server.hits.get(path('9.8.8'))).toBe(2);
    expect(events).toEqual(['start', 'retry', 'start', 'done']);
    expect(readFileSync(r.path)).toEqual(FAKE);
    expect(listAll(cache)).toEqual(['bazel']);
  });

  it('gives up after the attempts with the failures listed, leaving no partial file', async () => {
    const cache = makeTempDir('bzdl-');
    const err = await downloadBazel({
      version: '9.8.9', platform: 'linux-x86_64', cacheDir: cache, baseUrl: server.url, table: table({ '9.8.9': FAKE_SHA }),
      attempts: 3, backoffMs: 5,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).details).toHaveLength(3);
    expect(server.hits.get(path('9.8.9'))).toBe(3);
    expect(listAll(cache)).toEqual([]);
  });

  it('does not retry a 404', async () => {
    const cache = makeTempDir('bzdl-');
    const err = await downloadBazel({
      version: '9.7.0', platform: 'linux-x86_64', cacheDir: cache, baseUrl: server.url, table: table({ '9.7.0': FAKE_SHA }), backoffMs: 5,
    }).catch((e: unknown) => e);
    expect((err as EnvironmentError).details.join('\n')).toMatch(/HTTP 404/);
    expect(server.hits.get(path('9.7.0'))).toBe(1);
  });

  it('refuses a version without a published checksum before any request', async () => {
    const cache = makeTempDir('bzdl-');
    for (const t of [table({ '9.6.0': null }), table({})]) {
      const err = await downloadBazel({ version: '9.6.0', platform: 'linux-x86_64', cacheDir: cache, baseUrl: server.url, table: t }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).hint).toMatch(/recipes\/bazel-releases\.yaml/);
    }
    expect(server.hits.get(path('9.6.0'))).toBeUndefined();
  });
});

describe('ensureBazel', () => {
  const bz = (version: string | null, kind: 'bazel' | 'bazelisk' = 'bazel') =>
    ({ path: `/usr/bin/${kind}`, version, kind, unknownRelease: version === null }) as HostFacts['bazel'];

  it('uses the installed bazel when it is in range (any bazel for range "*")', async () => {
    const r = await ensureBazel({ recipe: recipe('9.8.7', '>=9.0.0 <10'), facts: facts(bz('9.1.0')), yes: false, cacheDir: '/nonexistent' });
    expect(r).toEqual({ path: '/usr/bin/bazel', version: '9.1.0', via: 'installed', env: {} });
    const any = await ensureBazel({ recipe: recipe('9.8.7', '*'), facts: facts(bz(null)), yes: false, cacheDir: '/nonexistent' });
    expect(any.via).toBe('installed');
  });

  it('prefers bazelisk with USE_BAZEL_VERSION when the installed bazel is out of range', async () => {
    const r = await ensureBazel({
      recipe: recipe('0.26.1', '>=0.24.1 <=0.26.1'), facts: facts(bz('4.2.3'), { path: '/opt/bazelisk', version: '1.19.0' }), yes: false, cacheDir: '/x',
    });
    expect(r).toEqual({ path: '/opt/bazelisk', version: '0.26.1', via: 'bazelisk', env: { USE_BAZEL_VERSION: '0.26.1' } });
  });

  it('without --yes and without a prompt it fails naming --yes; with --yes it downloads the verified release', async () => {
    const cache = makeTempDir('bzdl-');
    const spec = { recipe: recipe('9.8.7', '>=9.8.0 <9.9.0'), facts: facts(bz(null)), cacheDir: cache, baseUrl: server.url, table: table({ '9.8.7': FAKE_SHA }) };
    const err = await ensureBazel({ ...spec, yes: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).hint).toMatch(/--yes/);
    expect(listAll(cache)).toEqual([]);
    const declined = await ensureBazel({ ...spec, yes: false, confirm: async () => false }).catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(UsageError);
    const r = await ensureBazel({ ...spec, yes: false, confirm: async () => true });
    expect(r.via).toBe('downloaded');
    expect(r.path).toBe(getDownloadedBazelPath(cache, '9.8.7'));
    expect(execFileSync(r.path, ['--version'], { encoding: 'utf8' }).trim()).toBe('bazel 9.8.7');
  });

  it('picks the tested version, else the newest checksummed one in range', () => {
    const t = table({ '1.0.0': 'a'.repeat(64), '1.2.0': 'b'.repeat(64), '1.1.0': null, '2.0.0': 'c'.repeat(64) });
    expect(pickDownloadVersion(recipe('1.0.0', '>=1.0.0 <2'), t, 'linux-x86_64')).toBe('1.0.0');
    expect(pickDownloadVersion(recipe('1.1.0', '>=1.0.0 <2'), t, 'linux-x86_64')).toBe('1.2.0');
    expect(pickDownloadVersion(recipe('3.0.0', '>=3'), t, 'linux-x86_64')).toBeNull();
  });

  it('maps platforms and honours XDG_CACHE_HOME', () => {
    expect(getBazelPlatform({ platform: 'linux', arch: 'x64' })).toBe('linux-x86_64');
    expect(getBazelPlatform({ platform: 'linux', arch: 'arm64' })).toBe('linux-arm64');
    expect(getBazelPlatform({ platform: 'win32', arch: 'x64' })).toBeNull();
    expect(getTfbuildCacheDir({ XDG_CACHE_HOME: '/xdg' }, '/home/u')).toBe('/xdg/tfbuild');
    expect(getTfbuildCacheDir({}, '/home/u')).toBe('/home/u/.cache/tfbuild');
  });
});
