/**
 * nginx-light as a bazel HTTP remote cache on loopback (shared/ENVIRONMENT.md): WebDAV PUT into a temp root,
 * `daemon off`, its own pid/log/temp paths, started and stopped by the test. With `requireBearer`, requests
 * without `Authorization: Bearer <token>` get 401, so a test can prove a credential really reached the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { makeTempDir } from './tmp.js';

export interface NginxCache {
  url: string;
  port: number;
  /** Where cache entries land (`ac/`, `cas/`). */
  root: string;
  dir: string;
  accessLog: string;
  errorLog: string;
  /** Files and bytes stored so far. */
  stats(): { files: number; bytes: number };
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port }, () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

function walk(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += statSync(join(e.parentPath, e.name)).size;
  }
  return { files, bytes };
}

export async function startNginxCache(opts: { requireBearer?: string } = {}): Promise<NginxCache> {
  const dir = makeTempDir('tfbuild-nginx-');
  const root = join(dir, 'root');
  for (const d of [root, join(dir, 'body'), join(dir, 'proxy'), join(dir, 'fastcgi'), join(dir, 'uwsgi'), join(dir, 'scgi')]) {
    mkdirSync(d, { recursive: true });
    // The worker runs as www-data when the test runs as root: it must write the cache and its temp files.
    chmodSync(d, 0o777);
  }
  chmodSync(dir, 0o755);
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const auth = opts.requireBearer === undefined
    ? ''
    : `      if ($http_authorization != "Bearer ${opts.requireBearer}") { return 401; }\n`;
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `${asRoot ? 'user www-data;\n' : ''}daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location / {
${auth}      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw group:rw all:r;
      client_max_body_size 0;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn('nginx', ['-e', join(dir, 'error.log'), '-p', dir, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  let exited: number | null = null;
  child.once('exit', (code) => { exited = code ?? -1; });
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (exited !== null) throw new Error(`nginx exited with ${exited}: ${stderr}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`nginx did not listen on ${port}: ${stderr}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    root,
    dir,
    accessLog: join(dir, 'access.log'),
    errorLog: join(dir, 'error.log'),
    stats: () => walk(root),
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== null) return resolve();
        child.once('exit', () => resolve());
        // SIGQUIT: graceful shutdown of master and workers.
        child.kill('SIGQUIT');
        setTimeout(() => { if (exited === null) child.kill('SIGKILL'); }, 5_000).unref();
      }),
  };
}
