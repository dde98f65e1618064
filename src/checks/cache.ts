/**
 * doctor: does the configured remote cache / executor answer? Collect (`probeRemoteEndpoints`, network I/O with
 * short timeouts) then evaluate (`remoteCacheChecks`, pure), like the other checks.
 *
 * HTTP caches are asked for an action result that cannot exist (`GET <url>/ac/000…0`), exactly the request bazel
 * makes: 404 means the cache answers, 401/403 means the credentials are wrong or missing. gRPC endpoints get a
 * TCP connect (speaking the REAPI would need a gRPC stack tfbuild does not ship).
 */
import { connect } from 'node:net';
import { SecretRegistry } from '../exec/redact.js';
import { expandEnvRefs, remoteFlags, type RemoteOptions } from '../plan/remote.js';
import { fail, pass, warn, type CheckResult } from './types.js';

export interface EndpointProbe {
  /** `remote-cache` or `remote-executor`. */
  role: 'remote-cache' | 'remote-executor';
  /** The URL with any password masked. */
  url: string;
  protocol: 'http' | 'grpc';
  /** HTTP status, when one came back. */
  status: number | null;
  /** Connection-level failure (refused, timeout, DNS). */
  error: string | null;
  /** Environment variables the settings reference but that are unset. */
  missingEnv: string[];
  ms: number;
}

const EMPTY_KEY = '0'.repeat(64);
export const PROBE_TIMEOUT_MS = 3_000;

function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]+):[^/@]+@/i, '$1:***@');
}

function hostPort(url: URL, tls: boolean): { host: string; port: number } {
  return { host: url.hostname, port: url.port ? Number(url.port) : tls ? 443 : 80 };
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (err: string | null) => { sock.destroy(); resolve(err); };
    sock.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    sock.once('connect', () => done(null));
    sock.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

async function probeHttp(url: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number | null; error: string | null }> {
  const u = new URL(url);
  const auth = u.username ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}` : null;
  u.username = '';
  u.password = '';
  const target = `${u.toString().replace(/\/$/, '')}/ac/${EMPTY_KEY}`;
  try {
    const res = await fetch(target, {
      method: 'GET',
      headers: { ...(auth ? { authorization: auth } : {}), ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return { status: res.status, error: null };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const msg = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.cause?.code ?? err.message);
    return { status: null, error: msg };
  }
}

/** Probe every configured endpoint. The credentials it sends (literal or from the environment) go into `secrets`. */
export async function probeRemoteEndpoints(
  opts: RemoteOptions,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs = PROBE_TIMEOUT_MS,
  secrets: SecretRegistry = new SecretRegistry(),
): Promise<EndpointProbe[]> {
  const planned = remoteFlags({ ...opts, diskCache: false }, { bazelVersion: null, defaultDiskCache: null, env });
  secrets.addAll(planned.literalSecrets);
  const expanded = expandEnvRefs(planned.flags, env);
  secrets.addAll(expanded.secrets);
  const headers: Record<string, string> = {};
  let cacheUrl: string | undefined;
  for (const f of expanded.args) {
    const h = /^--remote_header=([^=]+)=(.*)$/.exec(f);
    if (h?.[1]) headers[h[1]] = h[2] ?? '';
    const c = /^--remote_cache=(.*)$/.exec(f);
    if (c?.[1]) cacheUrl = c[1];
  }
  const out: EndpointProbe[] = [];
  const endpoints: Array<{ role: EndpointProbe['role']; url: string }> = [];
  if (cacheUrl !== undefined) endpoints.push({ role: 'remote-cache', url: cacheUrl });
  if (opts.remoteExecutor !== undefined) endpoints.push({ role: 'remote-executor', url: opts.remoteExecutor });
  for (const { role, url } of endpoints) {
    const started = Date.now();
    const u = new URL(url);
    const scheme = u.protocol.replace(':', '');
    const base = { role, url: maskUrl(url), missingEnv: expanded.missing };
    if (scheme === 'http' || scheme === 'https') {
      const r = await probeHttp(url, headers, timeoutMs);
      out.push({ ...base, protocol: 'http', ...r, ms: Date.now() - started });
    } else {
      const { host, port } = hostPort(u, scheme === 'grpcs');
      const error = await tcpConnect(host, port, timeoutMs);
      out.push({ ...base, protocol: 'grpc', status: null, error, ms: Date.now() - started });
    }
  }
  return out;
}

/** Pure: probes → doctor findings. */
export function remoteCacheChecks(probes: readonly EndpointProbe[]): CheckResult[] {
  return probes.map((p) => {
    const id = p.role;
    if (p.missingEnv.length > 0) {
      return fail(id, `${p.url}: the settings reference ${p.missingEnv.map((n) => `$${n}`).join(', ')}, which is not set.`,
        `export ${p.missingEnv[0]}=… before running tfbuild (see docs/remote.md)`);
    }
    if (p.error !== null) {
      return fail(id, `${p.url} does not answer (${p.error}).`,
        `Check the URL and that the service runs and is reachable from here; build without it by dropping --${p.role}.`);
    }
    if (p.protocol === 'grpc') return pass(id, `${p.url} accepts connections (${p.ms} ms; TCP only, gRPC not spoken).`);
    const s = p.status ?? 0;
    if (s === 401 || s === 403) {
      return fail(id, `${p.url} refused the credentials (HTTP ${s}).`,
        'Set TFBUILD_REMOTE_TOKEN (Bearer) or the header your cache expects, e.g. --remote-header \'x-api-key=${MY_KEY}\'.');
    }
    if (s === 404 || (s >= 200 && s < 300)) return pass(id, `${p.url} answers (HTTP ${s} for a cache lookup, ${p.ms} ms).`);
    return warn(id, `${p.url} answered HTTP ${s} to a cache lookup; bazel may not be able to use it.`,
      'Check that the URL is the cache root (bazel appends /ac/… and /cas/…).');
  });
}
