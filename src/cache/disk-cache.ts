/**
 * bazel's disk cache: reading it and trimming it. It is a plain directory (`ac/` action results, `cas/` blobs, each
 * fanned out by hash prefix; bazel 7 adds `gc/`, and `tmp/` holds writes in flight) that bazel before 7 never
 * shrinks. An entry's last use is the later of its atime and mtime (bazel rewrites or reads an entry on a hit;
 * noatime mounts only keep the mtime, so age trimming is conservative there). Trimming removes least-recently-used
 * entries first; an action result whose blob was trimmed is just a miss.
 *
 * Trimming deletes files, so it first proves the directory is a disk cache: nothing at its top but bazel's own
 * areas. A typo that names a project or a home dir is refused before anything is touched, and only regular files
 * under ac/ and cas/ are ever removed.
 */
import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { lstat, readdir, rm, rmdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { UsageError } from '../errors.js';

/** What bazel (0.14 … 8) puts at the top of a --disk_cache dir. */
export const DISK_CACHE_AREAS = ['ac', 'cas', 'tmp', 'gc'] as const;

/** Throws (exit 2) unless `dir` is missing, empty, or holds nothing but bazel's disk cache areas. */
export function verifyDiskCacheLayout(dir: string): void {
  if (!existsSync(dir)) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new UsageError(`--disk-cache ${dir} is not a directory tfbuild can read (${(e as NodeJS.ErrnoException).code ?? String(e)}).`, {
      hint: 'Name the directory bazel uses as --disk_cache (tfbuild cache info shows the default).',
    });
  }
  const foreign = names.filter((n) => !(DISK_CACHE_AREAS as readonly string[]).includes(n));
  if (foreign.length > 0) {
    throw new UsageError(`${dir} is not a bazel disk cache: it holds ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ` and ${foreign.length - 5} more` : ''}; refusing to delete anything in it.`, {
      hint: `A disk cache holds only ${DISK_CACHE_AREAS.join('/, ')}/. Check the --disk-cache path (tfbuild cache info shows the default one).`,
    });
  }
}

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
    // A loop, not Math.min(...times): spreading a few hundred thousand entries overflows the call stack.
    oldest: times.length ? new Date(times.reduce((a, b) => Math.min(a, b))).toISOString() : null,
    newest: times.length ? new Date(times.reduce((a, b) => Math.max(a, b))).toISOString() : null,
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
  // The areas themselves stay: bazel expects them.
  if (dir !== root && relative(root, dir).includes(sep)) await rmdir(dir).catch(() => {});
}

export async function trimDiskCache(dir: string, policy: TrimPolicy): Promise<TrimResult> {
  if (!policy.all && policy.maxAgeDays === undefined && policy.maxBytes === undefined) {
    throw new UsageError('cache clean needs a policy: --max-age DAYS, --max-size SIZE, or --all.', {
      hint: 'e.g. tfbuild cache clean --max-size 50G (keeps the most recently used 50 GiB), or --max-age 30.',
    });
  }
  verifyDiskCacheLayout(dir);
  // tmp/ and gc/ belong to a running bazel: only finished entries are trimmed.
  const entries = (await readCacheEntries(dir)).filter((e) => e.area !== 'other');
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

