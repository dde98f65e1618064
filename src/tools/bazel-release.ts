/**
 * Verified bazel downloads, and the choice of which bazel a build runs (`ensureBazel`).
 *
 * A release binary is fetched with Node's fetch (network I/O, not a subprocess) into
 * `<cacheDir>/bazel/<version>/bazel`, hashed while it streams, and renamed into place only when its sha256 equals
 * the published value in recipes/bazel-releases.yaml. A mismatch deletes the file; a dropped connection or a 5xx
 * is retried with exponential backoff; a 404 moves on to the next mirror. Nothing half-written is ever left at the
 * final path, so a cached binary is always one that was verified.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, EnvironmentError, UsageError } from '../errors.js';
import type { HostFacts } from '../probe/types.js';
import { describeProxy, fetchWithProxy } from './http.js';
import type { Recipe } from '../recipes/schema.js';
import { sha256File } from '../util/sha256.js';

export const PLATFORMS = ['linux-x86_64', 'linux-arm64', 'darwin-x86_64', 'darwin-arm64'] as const;
export type BazelPlatform = (typeof PLATFORMS)[number];

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex sha256');
const AssetSchema = z.object({ sha256: Sha256.nullable(), source: z.string().optional() }).strict();
export const BazelReleaseTableSchema = z
  .object({
    schemaVersion: z.literal(1),
    urlTemplate: z.string().includes('{version}'),
    mirrors: z.array(z.string()).default([]),
    releases: z.record(z.string().regex(/^\d+\.\d+\.\d+$/), z.partialRecord(z.enum(PLATFORMS), AssetSchema)),
  })
  .strict();
export type BazelReleaseTable = z.infer<typeof BazelReleaseTableSchema>;

export const RELEASE_TABLE_FILE = new URL('../../recipes/bazel-releases.yaml', import.meta.url);

let cachedTable: BazelReleaseTable | undefined;

/** The shipped sha256 table (validated). */
export function readBazelReleaseTable(file: URL | string = RELEASE_TABLE_FILE): BazelReleaseTable {
  if (file === RELEASE_TABLE_FILE && cachedTable) return cachedTable;
  const parsed = BazelReleaseTableSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new ConfigError(`The bazel release table ${String(file)} is invalid.`, {
      details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      hint: 'Fix the entry named above (sha256 must be 64 lower-case hex digits or null).',
    });
  }
  if (file === RELEASE_TABLE_FILE) cachedTable = parsed.data;
  return parsed.data;
}

/** bazel's asset suffix for this OS/arch, or null when bazel publishes no binary for it. */
export function getBazelPlatform(os: { platform: string; arch: string }): BazelPlatform | null {
  const o = os.platform === 'linux' ? 'linux' : os.platform === 'darwin' ? 'darwin' : null;
  const a = os.arch === 'x64' || os.arch === 'x86_64' ? 'x86_64' : os.arch === 'arm64' || os.arch === 'aarch64' ? 'arm64' : null;
  return o && a ? (`${o}-${a}` as BazelPlatform) : null;
}

/** `$XDG_CACHE_HOME/tfbuild` or `~/.cache/tfbuild`. */
export function getTfbuildCacheDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg !== '' ? xdg : join(home, '.cache'), 'tfbuild');
}

export function getDownloadedBazelPath(cacheDir: string, version: string): string {
  return join(cacheDir, 'bazel', version, 'bazel');
}

function addHint(version: string, platform: string): string {
  return `Add its published sha256 to recipes/bazel-releases.yaml (from https://github.com/bazelbuild/bazel/releases/download/${version}/bazel-${version}-${platform}.sha256, checked against a second source), or install that bazel yourself / use bazelisk and pass --bazel PATH.`;
}

/** The published sha256 for a version/platform; throws a ConfigError when the table has none. */
export function getPublishedSha256(table: BazelReleaseTable, version: string, platform: BazelPlatform): string {
  const entry = table.releases[version]?.[platform];
  if (!entry) {
    throw new ConfigError(`bazel ${version} (${platform}) is not in tfbuild's checksum table, so it cannot be downloaded safely.`, {
      hint: addHint(version, platform),
    });
  }
  if (entry.sha256 === null) {
    throw new ConfigError(`No published sha256 is recorded for bazel ${version} (${platform}); tfbuild refuses unverified downloads.`, {
      hint: addHint(version, platform),
    });
  }
  return entry.sha256;
}

export function getReleaseUrls(table: BazelReleaseTable, version: string, platform: BazelPlatform, baseUrl?: string): string[] {
  const fill = (t: string) => t.replaceAll('{version}', version).replaceAll('{platform}', platform);
  if (baseUrl !== undefined) return [`${baseUrl.replace(/\/$/, '')}/${version}/bazel-${version}-${platform}`];
  return [fill(table.urlTemplate), ...table.mirrors.map(fill)];
}

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

export interface DownloadSpec {
  version: string;
  platform: BazelPlatform;
  /** tfbuild's cache dir (`getTfbuildCacheDir`); the binary goes to <cacheDir>/bazel/<version>/bazel. */
  cacheDir: string;
  /** Serve releases from here instead of GitHub: `<baseUrl>/<version>/bazel-<version>-<platform>`. */
  baseUrl?: string;
  fetchImpl?: FetchLike;
  table?: BazelReleaseTable;
  /** Attempts per URL for dropped connections and 5xx (default 4). */
  attempts?: number;
  /** First backoff delay; doubles each retry (default 500 ms). */
  backoffMs?: number;
  signal?: AbortSignal;
  /** Progress and retry notes for the UI. */
  onEvent?: (e: { kind: 'start' | 'retry' | 'done' | 'cached'; url?: string; message: string }) => void;
}

export interface DownloadResult {
  path: string;
  version: string;
  sha256: string;
  /** False when a verified copy was already cached. */
  downloaded: boolean;
  url: string | null;
}

class PermanentHttpError extends Error {}

async function downloadOnce(url: string, tmp: string, fetchImpl: FetchLike, signal?: AbortSignal): Promise<string> {
  const res = await fetchImpl(url, signal ? { signal } : {});
  if (!res.ok || !res.body) {
    const msg = `HTTP ${res.status} from ${url}`;
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new PermanentHttpError(msg);
    throw new Error(msg);
  }
  const expected = Number(res.headers.get('content-length') ?? NaN);
  const hash = createHash('sha256');
  const fh = await open(tmp, 'w', 0o644);
  let received = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      received += chunk.byteLength;
      await fh.write(chunk);
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (Number.isFinite(expected) && received !== expected) {
    throw new Error(`connection dropped after ${received} of ${expected} bytes`);
  }
  return hash.digest('hex');
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

/**
 * Download (or reuse) a verified bazel. Throws ConfigError when no checksum is known, EnvironmentError when the
 * download keeps failing or its sha256 differs (the file is deleted in both cases).
 */
export async function downloadBazel(spec: DownloadSpec): Promise<DownloadResult> {
  const table = spec.table ?? readBazelReleaseTable();
  const sha256 = getPublishedSha256(table, spec.version, spec.platform);
  const dest = getDownloadedBazelPath(spec.cacheDir, spec.version);
  if (existsSync(dest)) {
    if ((await sha256File(dest)) === sha256) {
      spec.onEvent?.({ kind: 'cached', message: `Using verified bazel ${spec.version} from ${dest}` });
      return { path: dest, version: spec.version, sha256, downloaded: false, url: null };
    }
    // Someone changed the cached binary: never run it.
    await rm(dest, { force: true });
  }
  await mkdir(dirname(dest), { recursive: true });
  const fetchImpl = spec.fetchImpl ?? ((u, i) => fetchWithProxy(u, i));
  const attempts = spec.attempts ?? 4;
  const backoff = spec.backoffMs ?? 500;
  const tmp = `${dest}.part-${process.pid}-${Date.now()}`;
  const failures: string[] = [];
  try {
    for (const url of getReleaseUrls(table, spec.version, spec.platform, spec.baseUrl)) {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        if (spec.signal?.aborted) throw new UsageError('Download cancelled.');
        spec.onEvent?.({ kind: 'start', url, message: `Downloading bazel ${spec.version} from ${url}` });
        let got: string;
        try {
          got = await downloadOnce(url, tmp, fetchImpl, spec.signal);
        } catch (e) {
          await rm(tmp, { force: true });
          const msg = e instanceof Error ? e.message : String(e);
          failures.push(`${url} (attempt ${attempt}): ${msg}`);
          if (e instanceof PermanentHttpError) break;
          if (attempt < attempts) {
            const wait = backoff * 2 ** (attempt - 1);
            spec.onEvent?.({ kind: 'retry', url, message: `${msg}; retrying in ${wait} ms` });
            await sleep(wait, spec.signal);
          }
          continue;
        }
        if (got !== sha256) {
          await rm(tmp, { force: true });
          throw new EnvironmentError(`The downloaded bazel ${spec.version} does not match its published sha256; it was deleted.`, {
            details: [`url:      ${url}`, `expected: ${sha256}`, `got:      ${got}`],
            hint: 'A proxy or mirror served a different file. Retry on another network or set --bazel to a bazel you trust; '
              + 'if bazel re-published the release, update recipes/bazel-releases.yaml from the release page.',
          });
        }
        await chmod(tmp, 0o755);
        await rename(tmp, dest);
        spec.onEvent?.({ kind: 'done', url, message: `Verified bazel ${spec.version} (sha256 ${sha256.slice(0, 12)}…) → ${dest}` });
        return { path: dest, version: spec.version, sha256, downloaded: true, url };
      }
    }
  } finally {
    await rm(tmp, { force: true });
  }
  throw new EnvironmentError(`Could not download bazel ${spec.version}.`, {
    details: failures.slice(-6),
    hint: `tfbuild connected ${describeProxy()}: check the network or the proxy variables, or install that bazel yourself / use bazelisk and pass --bazel PATH.`,
  });
}

export interface EnsureBazelSpec {
  recipe: Recipe;
  facts: HostFacts;
  /** Download without asking. */
  yes: boolean;
  /** tfbuild's cache dir (`getTfbuildCacheDir`). */
  cacheDir: string;
  fetchImpl?: FetchLike;
  baseUrl?: string;
  table?: BazelReleaseTable;
  /** Asked before downloading when `yes` is false (interactive runs). Absent: fail naming --yes. */
  confirm?: (message: string) => Promise<boolean>;
  onEvent?: DownloadSpec['onEvent'];
  signal?: AbortSignal;
}

export interface EnsuredBazel {
  path: string;
  /** The bazel release that will run (null: an installed bazel without a release label, accepted by range "*"). */
  version: string | null;
  via: 'installed' | 'bazelisk' | 'downloaded';
  /** Environment for the bazel process (USE_BAZEL_VERSION under bazelisk). */
  env: Record<string, string>;
}

/** Whether an installed bazel fits the recipe: a known release inside the range, or any bazel for range "*". */
export function isBazelInRange(version: string | null, range: string): boolean {
  if (range.trim() === '*' || range.trim() === '') return true;
  if (version === null) return false;
  const v = semver.coerce(version);
  return v !== null && semver.satisfies(v, range);
}

/** The version to fetch: the recipe's tested bazel when its checksum is known, else the newest checksummed one in range. */
export function pickDownloadVersion(recipe: Recipe, table: BazelReleaseTable, platform: BazelPlatform): string | null {
  const has = (v: string) => typeof table.releases[v]?.[platform]?.sha256 === 'string';
  if (has(recipe.bazel.tested) && isBazelInRange(recipe.bazel.tested, recipe.bazel.range)) return recipe.bazel.tested;
  const candidates = Object.keys(table.releases)
    .filter((v) => has(v) && isBazelInRange(v, recipe.bazel.range))
    .sort(semver.rcompare);
  return candidates[0] ?? null;
}

/**
 * Decide which bazel runs the build: the installed one when it fits recipe.bazel.range; else bazelisk with
 * USE_BAZEL_VERSION=<tested>; else a verified download into the cache (asked first unless `yes`).
 */
export async function ensureBazel(spec: EnsureBazelSpec): Promise<EnsuredBazel> {
  const { recipe, facts } = spec;
  const installed = facts.bazel;
  const wanted = recipe.bazel.tested;
  if (installed && installed.kind === 'bazel' && isBazelInRange(installed.version, recipe.bazel.range)) {
    return { path: installed.path, version: installed.version, via: 'installed', env: {} };
  }
  const bazelisk = installed?.kind === 'bazelisk' ? installed.path : facts.bazelisk?.path;
  if (bazelisk) {
    return { path: bazelisk, version: wanted, via: 'bazelisk', env: { USE_BAZEL_VERSION: wanted } };
  }
  const platform = getBazelPlatform(facts.os);
  const have = installed ? `bazel ${installed.version ?? '(no release label)'} at ${installed.path}` : 'no bazel';
  if (platform === null) {
    throw new EnvironmentError(`This build needs bazel ${recipe.bazel.range} (tested: ${wanted}); found ${have}, and bazel publishes no binary for ${facts.os.platform}/${facts.os.arch}.`, {
      hint: `Build bazel ${wanted} from its -dist.zip and pass --bazel PATH.`,
    });
  }
  const table = spec.table ?? readBazelReleaseTable();
  const version = pickDownloadVersion(recipe, table, platform);
  if (version === null) {
    throw new ConfigError(`This build needs bazel ${recipe.bazel.range} (tested: ${wanted}); found ${have}, and no bazel in that range has a published sha256 in tfbuild's table.`, {
      hint: `Install bazelisk (it honours USE_BAZEL_VERSION=${wanted}) or bazel ${wanted} and pass --bazel PATH. ${addHint(wanted, platform)}`,
    });
  }
  const dest = getDownloadedBazelPath(spec.cacheDir, version);
  if (!spec.yes) {
    const question = `${have} is outside ${recipe.bazel.range} for TensorFlow ${recipe.line}. Download bazel ${version} (sha256-verified) to ${dest}?`;
    const ok = spec.confirm ? await spec.confirm(question) : false;
    if (!ok) {
      throw new UsageError(`This build needs bazel ${recipe.bazel.range} (tested: ${wanted}); found ${have}.`, {
        hint: `Re-run with --yes to download bazel ${version} (checked against its published sha256) into ${dest}, install bazelisk, or pass --bazel PATH.`,
      });
    }
  }
  const r = await downloadBazel({
    version, platform, cacheDir: spec.cacheDir, table,
    baseUrl: spec.baseUrl,
    fetchImpl: spec.fetchImpl,
    onEvent: spec.onEvent,
    signal: spec.signal,
  });
  return { path: r.path, version, via: 'downloaded', env: {} };
}
