/**
 * Caches and remote execution → bazel flags. PURE: options and an environment map in, flags out.
 *
 * Credentials never live in a plan, a config file or argv that tfbuild prints. They come from the environment
 * and appear in flags only as `${NAME}` references, expanded just before bazel starts (`expandEnvRefs`), whose
 * values are then registered for redaction (src/exec/redact.ts):
 *   - `--remote-header K=${ENV}`      any header, value read from ENV at run time (a literal value works but is
 *                                     stored in the plan: a warning says so);
 *   - `TFBUILD_REMOTE_TOKEN`          adds `Authorization: Bearer <token>` (unless an Authorization header is given);
 *   - `TFBUILD_REMOTE_HEADER_<NAME>`  adds header `<name>` (lower-cased, `_` → `-`), e.g.
 *                                     TFBUILD_REMOTE_HEADER_X_BUILDBUDDY_API_KEY → `x-buildbuddy-api-key`;
 *   - `https://user:${ENV}@host`      basic auth in the cache URL itself (bazel's HTTP cache reads userinfo).
 *
 * Flag names follow the bazel release (null = unknown release, treated as current):
 *   bazel ≥ 0.25 takes `--remote_cache=(http|https|grpc|grpcs)://…`; 0.10–0.24 took `--remote_http_cache=URL` for
 *   HTTP and `--remote_cache=HOST:PORT` for gRPC; before 0.10 HTTP was `--remote_rest_cache` (bazel PR #7897 and the
 *   0.10.0 release notes). `--disk_cache` arrived in 0.14; `--remote_header` is sent as given (bazel 1.0+ reads it).
 *
 * Remote execution needs more than `--remote_executor` (REMOTE_EXEC_SPELLINGS below has the facts per release):
 *   - strategies: TensorFlow 1.x's tools/bazel.rc sets `build --spawn_strategy=standalone` and
 *     `build --genrule_strategy=standalone`; with those a build given a remote executor runs every action locally and
 *     says nothing (bazel 4.2.3 here: "11 processes: 5 internal, 6 local"). Flags on the command line beat the rc
 *     files, so the plan passes both strategies again whenever a remote executor is set.
 *   - the platform: `--remote-image IMAGE` becomes the `container-image=docker://IMAGE` execution property.
 */
import semver from 'semver';
import { UsageError } from '../errors.js';
import type { BuildOptions } from './options.js';
import { remoteExecFlags } from './remote-exec.js';

export type RemoteOptions = Pick<
  BuildOptions,
  'diskCache' | 'remoteCache' | 'remoteExecutor' | 'remoteInstanceName' | 'remoteHeaders' | 'repositoryCache' | 'distdir'
> & Partial<Pick<BuildOptions, 'remoteImage' | 'remoteLocalFallback'>>;

export interface RemoteContext {
  /** The bazel release that will run, or null when unknown (Debian's `bazel no_version`). */
  bazelVersion: string | null;
  /** Used when `diskCache` is undefined (on by default); null leaves the disk cache off. */
  defaultDiskCache: string | null;
  /** Environment to read TFBUILD_REMOTE_* from (names only are kept in flags, never values). */
  env: Readonly<Record<string, string | undefined>>;
  /** The recipe's container generation for this build (e.g. cpu-cuda12-ubuntu22.04), named in the platform note. */
  containerGeneration?: string | null;
}

export interface RemoteFlags {
  /** The disk cache dir that will be used, or null. Also in `flags` as --disk_cache when the release supports it. */
  diskCache: string | null;
  /** bazel build flags, stable order, with `${NAME}` references left unexpanded (safe to print and store). */
  flags: string[];
  /** Environment variables the flags reference (all must be set when bazel starts). */
  envRefs: string[];
  /** Literal values that look like credentials: register them for redaction. */
  literalSecrets: string[];
  warnings: string[];
  /** What the plan changed on its own to make remote execution real (strategy overrides, platform), for the user. */
  notes: string[];
}

export const TOKEN_ENV = 'TFBUILD_REMOTE_TOKEN';
export const HEADER_ENV_PREFIX = 'TFBUILD_REMOTE_HEADER_';

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const CACHE_SCHEMES = ['http', 'https', 'grpc', 'grpcs'] as const;
const EXECUTOR_SCHEMES = ['grpc', 'grpcs'] as const;

function atLeast(version: string | null, min: string): boolean {
  if (version === null) return true;
  const v = semver.coerce(version);
  return v === null ? true : semver.gte(v, min);
}

/** `${NAME}` references in a string, in order of appearance. */
export function findEnvRefs(s: string): string[] {
  return [...s.matchAll(REF)].map((m) => m[1] as string);
}

function schemeOf(url: string): string | null {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  return m?.[1] ? m[1].toLowerCase() : null;
}

/** Checks a cache/executor URL's scheme; throws a UsageError naming the accepted forms. */
export function verifyRemoteUrl(url: string, kind: 'cache' | 'executor'): string {
  const scheme = schemeOf(url);
  const allowed: readonly string[] = kind === 'cache' ? CACHE_SCHEMES : EXECUTOR_SCHEMES;
  if (scheme === null || !allowed.includes(scheme)) {
    const flag = kind === 'cache' ? '--remote-cache' : '--remote-executor';
    throw new UsageError(`${flag} ${JSON.stringify(url)} must start with ${allowed.map((s) => `${s}://`).join(', ')}.`, {
      hint: kind === 'cache'
        ? 'e.g. --remote-cache http://cache.local:8080 (bazel-remote HTTP) or --remote-cache grpcs://remote.buildbuddy.io'
        : 'e.g. --remote-executor grpc://buildbarn-frontend:8980',
    });
  }
  return scheme;
}

/** `K=V` → [K, V]; throws on a malformed header. */
export function parseHeader(h: string): [string, string] {
  const i = h.indexOf('=');
  const name = i > 0 ? h.slice(0, i).trim() : '';
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
    throw new UsageError(`--remote-header ${JSON.stringify(h.replace(/=.*/, '=…'))} is not NAME=VALUE.`, {
      hint: 'e.g. --remote-header \'x-buildbuddy-api-key=${BUILDBUDDY_API_KEY}\' (single quotes keep the shell from expanding it).',
    });
  }
  return [name, h.slice(i + 1)];
}

/** Headers defined by TFBUILD_REMOTE_TOKEN and TFBUILD_REMOTE_HEADER_*, as NAME=${ENV} references. Sorted. */
export function readEnvHeaders(env: Readonly<Record<string, string | undefined>>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const key of Object.keys(env).sort()) {
    if (!key.startsWith(HEADER_ENV_PREFIX) || !env[key]) continue;
    const name = key.slice(HEADER_ENV_PREFIX.length).toLowerCase().replace(/_/g, '-');
    if (name !== '') out.push([name, `\${${key}}`]);
  }
  if (env[TOKEN_ENV]) out.push(['Authorization', `Bearer \${${TOKEN_ENV}}`]);
  return out;
}

function urlPassword(url: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/@:]+:([^/@]+)@/i.exec(url);
  return m?.[1] ?? null;
}

/** gRPC before bazel 0.25 took HOST:PORT plus --tls_enabled for TLS. */
function legacyGrpc(url: string, scheme: string, flag: string, flags: string[]): void {
  flags.push(`--${flag}=${url.replace(/^[a-z]+:\/\//i, '')}`);
  if (scheme === 'grpcs') flags.push('--tls_enabled=true');
}

export function remoteFlags(opts: RemoteOptions, ctx: RemoteContext): RemoteFlags {
  const flags: string[] = [];
  const warnings: string[] = [];
  const literalSecrets: string[] = [];
  const v = ctx.bazelVersion;
  const modern = atLeast(v, '0.25.0');

  const diskCache = opts.diskCache === false ? null : (opts.diskCache ?? ctx.defaultDiskCache);
  if (diskCache !== null) {
    if (atLeast(v, '0.14.0')) flags.push(`--disk_cache=${diskCache}`);
    else warnings.push(`bazel ${v} has no --disk_cache (added in 0.14): building without a disk cache.`);
  }

  const remote = opts.remoteCache !== undefined || opts.remoteExecutor !== undefined;
  if (opts.remoteCache !== undefined) {
    const url = opts.remoteCache;
    const scheme = verifyRemoteUrl(url, 'cache');
    const pw = urlPassword(url);
    if (pw !== null && findEnvRefs(pw).length === 0) {
      literalSecrets.push(pw);
      warnings.push('The --remote-cache URL holds a literal password: it is masked in output and saved plans (which then '
        + 'cannot run) but stored in configs. Use https://user:${ENV_VAR}@host instead.');
    }
    if (modern) flags.push(`--remote_cache=${url}`);
    else if (scheme.startsWith('http')) flags.push(`--${atLeast(v, '0.10.0') ? 'remote_http_cache' : 'remote_rest_cache'}=${url}`);
    else legacyGrpc(url, scheme, 'remote_cache', flags);
  }
  if (opts.remoteExecutor !== undefined) {
    const scheme = verifyRemoteUrl(opts.remoteExecutor, 'executor');
    if (modern) flags.push(`--remote_executor=${opts.remoteExecutor}`);
    else legacyGrpc(opts.remoteExecutor, scheme, 'remote_executor', flags);
  }
  const exec = remoteExecFlags(opts, v, ctx.containerGeneration ?? null);
  flags.push(...exec.flags);
  warnings.push(...exec.warnings);
  if (opts.remoteInstanceName !== undefined) {
    if (remote) flags.push(`--remote_instance_name=${opts.remoteInstanceName}`);
    else warnings.push('--remote-instance-name is ignored without --remote-cache or --remote-executor.');
  }

  const given = opts.remoteHeaders.map(parseHeader);
  const names = new Set(given.map(([k]) => k.toLowerCase()));
  const headers = [...given, ...readEnvHeaders(ctx.env).filter(([k]) => !names.has(k.toLowerCase()))];
  if (headers.length > 0 && !remote) {
    warnings.push('Remote headers are ignored without --remote-cache or --remote-executor.');
  } else {
    for (const [k, value] of headers) {
      if (findEnvRefs(value).length === 0 && value.length > 0) {
        literalSecrets.push(value);
        warnings.push(`--remote-header ${k} has a literal value: it is masked in output and saved plans (which then `
          + `cannot run) but stored in configs. Prefer ${k}=\${ENV_VAR}.`);
      }
      flags.push(`--remote_header=${k}=${value}`);
    }
  }

  if (opts.repositoryCache !== undefined) flags.push(`--repository_cache=${opts.repositoryCache}`);
  for (const d of opts.distdir) flags.push(`--distdir=${d}`);

  const envRefs = [...new Set(flags.flatMap(findEnvRefs))];
  return { diskCache, flags, envRefs, literalSecrets, warnings, notes: exec.notes };
}

export interface ExpandedFlags {
  args: string[];
  /** Every value substituted for a reference: register them all for redaction before bazel starts. */
  secrets: string[];
  /** References whose variable is unset or empty. */
  missing: string[];
}

/**
 * Replace `${NAME}` references with values from `env`. Pure; the caller decides what a missing variable means
 * (`verifyEnvRefs` turns it into a ConfigError-style usage error).
 */
export function expandEnvRefs(flags: readonly string[], env: Readonly<Record<string, string | undefined>>): ExpandedFlags {
  const secrets = new Set<string>();
  const missing = new Set<string>();
  const args = flags.map((f) =>
    f.replace(REF, (_m, name: string) => {
      const value = env[name];
      if (value === undefined || value === '') {
        missing.add(name);
        return '';
      }
      secrets.add(value);
      return value;
    }),
  );
  return { args, secrets: [...secrets], missing: [...missing] };
}

/** expandEnvRefs, throwing a UsageError that names every unset variable. */
export function expandEnvRefsOrThrow(flags: readonly string[], env: Readonly<Record<string, string | undefined>>): ExpandedFlags {
  const r = expandEnvRefs(flags, env);
  if (r.missing.length > 0) {
    throw new UsageError(`The remote cache settings need ${r.missing.map((n) => `$${n}`).join(', ')}, which ${r.missing.length === 1 ? 'is' : 'are'} not set.`, {
      hint: `export ${r.missing[0]}=… (see docs/remote.md), or drop the header/flag that references it.`,
    });
  }
  return r;
}

/**
 * Every credential the remote options carry, for the redactor: literal URL passwords and header values (any
 * length), and the values of the `${NAME}` references (and TFBUILD_REMOTE_*) in `env`. Pure.
 */
export function findRemoteSecrets(opts: Pick<RemoteOptions, 'remoteCache' | 'remoteExecutor' | 'remoteHeaders'>, env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  const texts: string[] = [];
  for (const url of [opts.remoteCache, opts.remoteExecutor]) {
    if (url === undefined) continue;
    const pw = urlPassword(url);
    if (pw === null) continue;
    if (findEnvRefs(pw).length === 0) out.push(pw);
    else texts.push(pw);
  }
  for (const h of opts.remoteHeaders) {
    const i = h.indexOf('=');
    const value = i >= 0 ? h.slice(i + 1) : '';
    if (value === '') continue;
    if (findEnvRefs(value).length === 0) out.push(value);
    else texts.push(value);
  }
  for (const [, value] of readEnvHeaders(env)) texts.push(value);
  for (const t of texts) {
    for (const name of findEnvRefs(t)) {
      const v = env[name];
      if (v !== undefined && v !== '') out.push(v);
    }
    // `Bearer ${TOKEN}`: the expanded whole is a secret too.
    const whole = expandEnvRefs([t], env);
    if (whole.missing.length === 0 && whole.args[0] !== undefined && whole.args[0] !== t) out.push(whole.args[0]);
  }
  return [...new Set(out)];
}
