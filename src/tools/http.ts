/**
 * HTTP for tfbuild's own downloads. Node 20's global fetch ignores HTTP_PROXY/HTTPS_PROXY/NO_PROXY; undici's
 * EnvHttpProxyAgent reads them (upper or lower case) like curl and bazel do, so a download goes where the user's
 * other tools go. The agent is remade when the variables change (tests, long-lived callers).
 */
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';

let agent: { key: string; value: EnvHttpProxyAgent } | undefined;

function proxyKey(env: NodeJS.ProcessEnv): string {
  return ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'].map((k) => env[k] ?? '').join('|');
}

/** The proxy variables in effect, for messages ("via proxy http://…" or "no proxy variables set"). */
export function describeProxy(env: NodeJS.ProcessEnv = process.env): string {
  const p = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  return p ? `via the proxy in HTTPS_PROXY/HTTP_PROXY (${p.replace(/\/\/[^@/]*@/, '//***@')})` : 'directly (no HTTPS_PROXY/HTTP_PROXY set)';
}

export function fetchWithProxy(url: string, init: { signal?: AbortSignal } = {}): Promise<Response> {
  const key = proxyKey(process.env);
  if (agent?.key !== key) agent = { key, value: new EnvHttpProxyAgent() };
  return undiciFetch(url, { ...init, dispatcher: agent.value }) as unknown as Promise<Response>;
}
