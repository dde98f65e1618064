/**
 * docker and podman: client version, whether the engine answers, and whether GPUs can be passed in.
 * docker: the daemon's /info over its unix socket (no `docker info` spawn: ~150 ms and it blocks when the daemon
 * hangs); podman is daemonless, so "works" means the client runs and an OCI runtime is installed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { probeRun, type ProbeRunOptions } from './probe-run.js';

/** `Docker version 28.2.2, build e6534b4`, `podman version 4.3.1`. */
export function parseEngineVersion(stdout: string): string | null {
  return /version\s+v?(\d+\.\d+(?:\.\d+)?)/i.exec(stdout)?.[1] ?? null;
}

export function dockerSocketPath(env: NodeJS.ProcessEnv): string | null {
  const host = env.DOCKER_HOST;
  if (host) return host.startsWith('unix://') ? host.slice('unix://'.length) : null;
  return '/var/run/docker.sock';
}

/** GET /info on the docker socket; resolves to its JSON or throws with the reason. */
export function dockerInfo(socketPath: string, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    if (!existsSync(socketPath)) {
      reject(new Error(`no docker daemon socket at ${socketPath}`));
      return;
    }
    const req = request({ socketPath, path: '/info', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as Record<string, unknown>);
        } catch {
          reject(new Error(`docker daemon at ${socketPath} answered HTTP ${res.statusCode} without JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`docker daemon at ${socketPath} did not answer within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(e));
    req.end();
  });
}

/** `/etc/docker/daemon.json` with `"runtimes": {"nvidia": …}` (what nvidia-ctk runtime configure writes). */
export function daemonJsonHasNvidia(text: string): boolean {
  try {
    const runtimes = (JSON.parse(text) as { runtimes?: Record<string, unknown> }).runtimes;
    return runtimes !== undefined && Object.keys(runtimes).some((k) => k.includes('nvidia'));
  } catch {
    return false;
  }
}

/** CDI specs (`nvidia-ctk cdi generate`) in /etc/cdi or /var/run/cdi naming nvidia.com/gpu. */
export function hasNvidiaCdiSpec(dirs: readonly string[] = ['/etc/cdi', '/var/run/cdi']): boolean {
  for (const d of dirs) {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names) {
      if (!/\.(ya?ml|json)$/.test(n)) continue;
      try {
        if (readFileSync(join(d, n), 'utf8').includes('nvidia.com/gpu')) return true;
      } catch {
        /* unreadable spec */
      }
    }
  }
  return false;
}

export async function readEngineVersion(path: string, o: ProbeRunOptions): Promise<string | null> {
  const out = await probeRun(path, ['--version'], o);
  if (!out.ok) throw new Error(out.problem ?? `${path} --version failed`);
  return parseEngineVersion(out.stdout);
}
