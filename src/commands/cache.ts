/**
 * `tfbuild cache [info|clean] [--disk-cache DIR] [--json]`: the size of bazel's disk cache and trimming it.
 *
 * bazel's disk cache is a plain directory (`ac/` action results, `cas/` blobs, each fanned out by hash prefix)
 * that bazel before 7 never shrinks. An entry's last use is the later of its atime and mtime (bazel rewrites
 * or reads an entry on a hit; noatime mounts only keep the mtime, so age trimming is conservative there).
 * Trimming removes least-recently-used entries first; an action result whose blob was trimmed is just a miss.
 */
import type { Command } from 'commander';
import { existsSync, type Dirent } from 'node:fs';
import { lstat, readdir, rm, rmdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../errors.js';
import { getDefaultDiskCache, resolvePath } from '../plan/paths.js';
import { toJson } from '../ui/output.js';

export interface CacheEntry {
  path: string;
  bytes: number;
  /** ms since epoch: max(atime, mtime). */
  lastUsed: number;
  area: 'ac' | 'cas' | 'other';
}

export interface AreaStats {
  files: number;
  bytes: number;
}

export interface DiskCacheInfo {
  dir: string;
  exists: boolean;
  files: number;
  bytes: number;
  ac: AreaStats;
  cas: AreaStats;
  other: AreaStats;
  /** ISO dates of the least and most recently used entries; null when empty. */
  oldest: string | null;
  newest: string | null;
}

export interface TrimPolicy {
  /** Remove entries not used for more than this many days. */
  maxAgeDays?: number;
  /** Then remove least-recently-used entries until the cache is at most this many bytes. */
  maxBytes?: number;
  /** Remove everything. */
  all?: boolean;
  dryRun?: boolean;
  now?: number;
}

export interface TrimResult {
  dir: string;
  dryRun: boolean;
  removedFiles: number;
  removedBytes: number;
  remainingFiles: number;
  remainingBytes: number;
}

function areaOf(root: string, path: string): CacheEntry['area'] {
  const first = relative(root, path).split(sep)[0];
  return first === 'ac' ? 'ac' : first === 'cas' ? 'cas' : 'other';
}

/** Every file under the cache dir (no symlinks followed). */
export async function readCacheEntries(dir: string): Promise<CacheEntry[]> {
  if (!existsSync(dir)) return [];
  const out: CacheEntry[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    let items: Dirent[];
    try {
      items = await readdir(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const it of items) {
      const p = join(d, it.name);
      if (it.isDirectory()) stack.push(p);
      else if (it.isFile()) {
        const st = await lstat(p).catch(() => null);
        if (st) out.push({ path: p, bytes: st.size, lastUsed: Math.max(st.atimeMs, st.mtimeMs), area: areaOf(dir, p) });
      }
    }
  }
  return out;
}

export function summarizeEntries(dir: string, entries: readonly CacheEntry[], exists = true): DiskCacheInfo {
  const area = (a: CacheEntry['area']): AreaStats => {
    const e = entries.filter((x) => x.area === a);
    return { files: e.length, bytes: e.reduce((s, x) => s + x.bytes, 0) };
  };
  const times = entries.map((e) => e.lastUsed);
  return {
    dir,
    exists,
    files: entries.length,
    bytes: entries.reduce((s, x) => s + x.bytes, 0),
    ac: area('ac'),
    cas: area('cas'),
    other: area('other'),
    oldest: times.length ? new Date(Math.min(...times)).toISOString() : null,
    newest: times.length ? new Date(Math.max(...times)).toISOString() : null,
  };
}

export async function readDiskCacheInfo(dir: string): Promise<DiskCacheInfo> {
  return summarizeEntries(dir, await readCacheEntries(dir), existsSync(dir));
}

/** Which entries a policy removes (pure): too old first, then least recently used down to the size limit. */
export function selectForTrim(entries: readonly CacheEntry[], policy: TrimPolicy): CacheEntry[] {
  if (policy.all) return [...entries];
  const now = policy.now ?? Date.now();
  const byAge = [...entries].sort((a, b) => a.lastUsed - b.lastUsed);
  const remove = new Set<CacheEntry>();
  if (policy.maxAgeDays !== undefined) {
    const cutoff = now - policy.maxAgeDays * 86_400_000;
    for (const e of byAge) if (e.lastUsed < cutoff) remove.add(e);
  }
  if (policy.maxBytes !== undefined) {
    let total = entries.reduce((s, e) => s + (remove.has(e) ? 0 : e.bytes), 0);
    for (const e of byAge) {
      if (total <= policy.maxBytes) break;
      if (remove.has(e)) continue;
      remove.add(e);
      total -= e.bytes;
    }
  }
  return byAge.filter((e) => remove.has(e));
}

async function removeEmptyDirs(root: string, dir: string): Promise<void> {
  const items = await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
  for (const it of items) if (it.isDirectory()) await removeEmptyDirs(root, join(dir, it.name));
  if (dir !== root) await rmdir(dir).catch(() => {});
}

export async function trimDiskCache(dir: string, policy: TrimPolicy): Promise<TrimResult> {
  if (!policy.all && policy.maxAgeDays === undefined && policy.maxBytes === undefined) {
    throw new UsageError('cache clean needs a policy: --max-age DAYS, --max-size SIZE, or --all.', {
      hint: 'e.g. tfbuild cache clean --max-size 50G (keeps the most recently used 50 GiB), or --max-age 30.',
    });
  }
  const entries = await readCacheEntries(dir);
  const victims = selectForTrim(entries, policy);
  if (!policy.dryRun) {
    for (const v of victims) await rm(v.path, { force: true });
    await removeEmptyDirs(dir, dir);
  }
  const removedBytes = victims.reduce((s, v) => s + v.bytes, 0);
  const totalBytes = entries.reduce((s, v) => s + v.bytes, 0);
  return {
    dir,
    dryRun: policy.dryRun ?? false,
    removedFiles: victims.length,
    removedBytes,
    remainingFiles: entries.length - victims.length,
    remainingBytes: totalBytes - removedBytes,
  };
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "50G", "512M", "1.5GiB", "1000" (bytes) → bytes. */
export function parseSize(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(s);
  const unit = UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m?.[1] || unit === undefined) {
    throw new UsageError(`--max-size ${JSON.stringify(s)} is not a size.`, { hint: 'Use a number with an optional K/M/G/T suffix (powers of 1024), e.g. 50G.' });
  }
  return Math.floor(Number(m[1]) * unit);
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function formatCacheInfo(info: DiskCacheInfo): string {
  if (!info.exists) return `Disk cache: ${info.dir}\n  (does not exist yet: the first build creates it)\n`;
  return [
    `Disk cache: ${info.dir}`,
    `  size:    ${formatBytes(info.bytes)} in ${info.files} files`,
    `  ac:      ${info.ac.files} action results (${formatBytes(info.ac.bytes)})`,
    `  cas:     ${info.cas.files} blobs (${formatBytes(info.cas.bytes)})`,
    ...(info.other.files > 0 ? [`  other:   ${info.other.files} files (${formatBytes(info.other.bytes)})`] : []),
    ...(info.oldest ? [`  used:    ${info.oldest.slice(0, 10)} … ${(info.newest ?? '').slice(0, 10)}`] : []),
    '',
  ].join('\n');
}

export function formatTrimResult(r: TrimResult): string {
  const verb = r.dryRun ? 'Would remove' : 'Removed';
  return `${verb} ${r.removedFiles} files (${formatBytes(r.removedBytes)}) from ${r.dir}; ${r.remainingFiles} files (${formatBytes(r.remainingBytes)}) ${r.dryRun ? 'would remain' : 'remain'}.\n`;
}

function resolveCacheDir(opt: string | undefined): string {
  const env = { home: homedir(), cwd: process.cwd(), xdgCacheHome: process.env.XDG_CACHE_HOME };
  return opt === undefined ? getDefaultDiskCache(env) : resolvePath(env, opt);
}

function parseDays(s: string): number {
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--max-age ${JSON.stringify(s)} is not a number of days.`, { hint: 'e.g. --max-age 30' });
  return n;
}

export function register(program: Command, io: CliIO): Command {
  const cache = program
    .command('cache')
    .description("show or trim bazel's disk cache (default: the one tfbuild builds use)");
  const dirOpt = '--disk-cache <dir>';
  const dirHelp = 'the disk cache directory (default: $XDG_CACHE_HOME/tfbuild/disk-cache or ~/.cache/tfbuild/disk-cache)';
  const info = async (o: { diskCache?: string; json?: boolean }) => {
    const r = await readDiskCacheInfo(resolveCacheDir(o.diskCache));
    io.stdout(o.json ? toJson(r) : formatCacheInfo(r));
  };
  cache
    .command('info', { isDefault: true })
    .description('size, entries and age range of the disk cache')
    .option(dirOpt, dirHelp)
    .option('--json', 'print as JSON')
    .action(info);
  cache
    .command('clean')
    .description('trim the disk cache: entries older than --max-age, then least recently used down to --max-size')
    .option(dirOpt, dirHelp)
    .option('--max-age <days>', 'remove entries not used for more than this many days')
    .option('--max-size <size>', 'then keep at most this much, most recently used first (e.g. 50G, 512M)')
    .option('--all', 'remove every entry')
    .option('--dry-run', 'only report what would be removed')
    .option('--json', 'print the result as JSON')
    .action(async (o: { diskCache?: string; maxAge?: string; maxSize?: string; all?: boolean; dryRun?: boolean; json?: boolean }) => {
      const dir = resolveCacheDir(o.diskCache);
      const r = await trimDiskCache(dir, {
        ...(o.maxAge === undefined ? {} : { maxAgeDays: parseDays(o.maxAge) }),
        ...(o.maxSize === undefined ? {} : { maxBytes: parseSize(o.maxSize) }),
        all: o.all ?? false,
        dryRun: o.dryRun ?? false,
      });
      io.stdout(o.json ? toJson(r) : formatTrimResult(r));
    });
  return cache;
}
