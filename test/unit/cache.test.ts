import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDiskCacheInfo, selectForTrim, summarizeEntries, trimDiskCache, type CacheEntry } from '../../src/cache/disk-cache.js';
import { parseSize } from '../../src/commands/cache.js';
import { UsageError } from '../../src/errors.js';
import { makeTempDir } from '../helpers/tmp.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const bin = new URL('../../bin/tfbuild.js', import.meta.url).pathname;

/** A bazel-shaped disk cache: ac/ and cas/ fanned out by prefix, entries aged by `daysAgo`. */
function makeCache(spec: Array<{ area: 'ac' | 'cas'; name: string; bytes: number; daysAgo: number }>): string {
  const dir = makeTempDir('dcache-');
  for (const s of spec) {
    const d = join(dir, s.area, s.name.slice(0, 2));
    mkdirSync(d, { recursive: true });
    const p = join(d, s.name);
    writeFileSync(p, Buffer.alloc(s.bytes, 1));
    const t = (NOW - s.daysAgo * DAY) / 1000;
    utimesSync(p, t, t);
  }
  return dir;
}

const spec = [
  { area: 'ac' as const, name: 'aa01', bytes: 100, daysAgo: 40 },
  { area: 'cas' as const, name: 'bb01', bytes: 4000, daysAgo: 40 },
  { area: 'cas' as const, name: 'bb02', bytes: 3000, daysAgo: 10 },
  { area: 'ac' as const, name: 'aa02', bytes: 100, daysAgo: 1 },
  { area: 'cas' as const, name: 'bb03', bytes: 2000, daysAgo: 1 },
];

describe('disk cache info', () => {
  it('counts ac and cas entries, bytes and the age range from the real files', async () => {
    const info = await readDiskCacheInfo(makeCache(spec));
    expect(info).toMatchObject({ exists: true, files: 5, bytes: 9200, ac: { files: 2, bytes: 200 }, cas: { files: 3, bytes: 9000 } });
    expect(info.oldest).toBe(new Date(NOW - 40 * DAY).toISOString());
    expect(info.newest).toBe(new Date(NOW - DAY).toISOString());
  });

  it('reports a missing cache as empty, not an error', async () => {
    const info = await readDiskCacheInfo('/nonexistent/tfbuild-cache');
    expect(info).toMatchObject({ exists: false, files: 0, bytes: 0, oldest: null });
  });
});

describe('a disk cache of TensorFlow size', () => {
  it('summarises 600 000 entries (oldest and newest) without overflowing the call stack', () => {
    const entries: CacheEntry[] = Array.from({ length: 600_000 }, (_, i) => ({ path: `/c/cas/${i}`, bytes: 1, lastUsed: 1_000_000 + i, area: 'cas' }));
    const info = summarizeEntries('/c', entries);
    expect(info.oldest).toBe(new Date(1_000_000).toISOString());
    expect(info.newest).toBe(new Date(1_599_999).toISOString());
  });
});

describe('trimming', () => {
  it('removes entries older than --max-age and leaves the rest (and prunes empty dirs)', async () => {
    const dir = makeCache(spec);
    const r = await trimDiskCache(dir, { maxAgeDays: 30, now: NOW });
    expect(r).toMatchObject({ removedFiles: 2, removedBytes: 4100, remainingFiles: 3, remainingBytes: 5100 });
    expect(existsSync(join(dir, 'ac', 'aa', 'aa01'))).toBe(false);
    expect(existsSync(join(dir, 'cas', 'bb', 'bb02'))).toBe(true);
    expect((await readDiskCacheInfo(dir)).files).toBe(3);
  });

  it('--max-size removes least recently used first until under the limit', async () => {
    const dir = makeCache(spec);
    const r = await trimDiskCache(dir, { maxBytes: 5000, now: NOW });
    // 9200 → drop aa01 (100) and bb01 (4000) = 5100 > 5000 → drop bb02 (3000) = 2100.
    expect(r).toMatchObject({ removedFiles: 3, remainingBytes: 2100 });
    expect(existsSync(join(dir, 'cas', 'bb', 'bb03'))).toBe(true);
  });

  it('--dry-run removes nothing', async () => {
    const dir = makeCache(spec);
    const r = await trimDiskCache(dir, { all: true, dryRun: true });
    expect(r.removedFiles).toBe(5);
    expect((await readDiskCacheInfo(dir)).files).toBe(5);
  });

  it('refuses to clean without a policy', async () => {
    await expect(trimDiskCache(makeCache(spec), {})).rejects.toBeInstanceOf(UsageError);
  });

  it('selectForTrim applies age then size', () => {
    const e = (n: number, bytes: number, daysAgo: number): CacheEntry => ({ path: `p${n}`, bytes, lastUsed: NOW - daysAgo * DAY, area: 'cas' });
    const entries = [e(1, 10, 5), e(2, 10, 50), e(3, 10, 1)];
    expect(selectForTrim(entries, { maxAgeDays: 30, maxBytes: 10, now: NOW }).map((x) => x.path)).toEqual(['p2', 'p1']);
  });

  it('parses sizes', () => {
    expect(parseSize('50G')).toBe(50 * 1024 ** 3);
    expect(parseSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('512m')).toBe(512 * 1024 ** 2);
    expect(parseSize('1000')).toBe(1000);
    expect(() => parseSize('lots')).toThrow(UsageError);
  });
});

describe('tfbuild cache (compiled CLI)', () => {
  beforeAll(() => {
  }, 120_000);

  it('info --json prints the numbers; clean without a policy exits 2; clean --max-age trims', () => {
    const dir = makeCache(spec);
    const info = JSON.parse(execFileSync('node', [bin, 'cache', 'info', '--disk-cache', dir, '--json'], { encoding: 'utf8' })) as { files: number; bytes: number };
    expect(info).toMatchObject({ files: 5, bytes: 9200 });
    const bad = spawnSync('node', [bin, 'cache', 'clean', '--disk-cache', dir], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--max-age DAYS, --max-size SIZE, or --all/);
    const badSize = spawnSync('node', [bin, 'cache', 'clean', '--disk-cache', dir, '--max-size', 'huge'], { encoding: 'utf8' });
    expect(badSize.status).toBe(2);
    // The files are months old relative to the real clock: --max-age 0 removes all of them.
    const out = execFileSync('node', [bin, 'cache', 'clean', '--disk-cache', dir, '--max-age', '0', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ removedFiles: 5, remainingFiles: 0 });
  });

  it('defaults to $XDG_CACHE_HOME/tfbuild/disk-cache', () => {
    const xdg = makeTempDir('xdg-');
    const out = execFileSync('node', [bin, 'cache', '--json'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: xdg } });
    expect(JSON.parse(out)).toMatchObject({ dir: join(xdg, 'tfbuild', 'disk-cache'), exists: false });
  });
});
