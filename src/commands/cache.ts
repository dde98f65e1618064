/**
 * `tfbuild cache [info|clean] [--disk-cache DIR] [--json]`: the size of bazel's disk cache and trimming it
 * (the trimmer itself is src/cache/disk-cache.ts), and `tfbuild cache servers [--stop]`: the bazel servers of
 * tfbuild's builds.
 */
import type { Command } from 'commander';
import { homedir } from 'node:os';
import { listBazelServers, stopBazelServers } from '../cache/bazel-servers.js';
import { readDiskCacheInfo, trimDiskCache, type DiskCacheInfo, type TrimResult } from '../cache/disk-cache.js';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../errors.js';
import { getDefaultDiskCache, getOutputUserRoot, resolvePath } from '../plan/paths.js';
import { toJson } from '../ui/output.js';
import { formatBytes } from '../util/format.js';

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

function pathEnv() {
  return { home: homedir(), cwd: process.cwd(), xdgCacheHome: process.env.XDG_CACHE_HOME };
}

function resolveCacheDir(opt: string | undefined): string {
  const env = pathEnv();
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
  cache
    .command('servers')
    .description('the bazel servers of tfbuild builds still running (each holds memory until it idles out); --stop ends them')
    .option('--stop', 'stop them (SIGTERM; a server finishes its current request first)')
    .option('--json', 'print as JSON')
    .action((o: { stop?: boolean; json?: boolean }) => {
      const root = getOutputUserRoot(pathEnv());
      const servers = listBazelServers(root);
      const stopped = o.stop ? stopBazelServers(servers) : [];
      if (o.json) {
        io.stdout(toJson({ outputUserRoot: root, servers, stopped }));
        return;
      }
      if (servers.length === 0) {
        io.stdout(`No bazel server of tfbuild is running (output root ${root}).\n`);
        return;
      }
      const lines = servers.map((s) => `  pid ${s.pid}  ${s.rssBytes === null ? '?' : formatBytes(s.rssBytes)}  ${s.workspace ?? '?'}`);
      const tail = o.stop ? `Stopped ${stopped.length} of them.` : 'Stop them with: tfbuild cache servers --stop';
      io.stdout([`${servers.length} bazel server(s) of tfbuild builds (output root ${root}):`, ...lines, tail, ''].join('\n'));
    });
  return cache;
}
