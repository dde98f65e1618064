import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeRemoteEndpoints, remoteCacheChecks } from '../../src/checks/cache.js';
import { SecretRegistry } from '../../src/exec/redact.js';
import { freePort } from '../helpers/nginx.js';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server.js';

const KEY = `/ac/${'0'.repeat(64)}`;
const base = { remoteHeaders: [] as string[], distdir: [] as string[] };

let open: TestHttpServer;
let denied: TestHttpServer;
let silent: Server;
let silentPort: number;

beforeAll(async () => {
  open = await startHttpServer();
  denied = await startHttpServer({ [KEY]: { body: Buffer.alloc(0), status: 401 } });
  // Accepts connections, never answers: a hung proxy.
  silent = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as { port: number }).port;
});
afterAll(async () => {
  await open.close();
  await denied.close();
  silent.close();
});

describe('remote cache doctor check (real loopback servers)', () => {
  it('passes when the cache answers a lookup with 404, and sends the env token', async () => {
    const secrets = new SecretRegistry();
    const probes = await probeRemoteEndpoints({ ...base, remoteCache: open.url }, { TFBUILD_REMOTE_TOKEN: 'doctor-token-123' }, undefined, secrets);
    expect(probes[0]).toMatchObject({ role: 'remote-cache', status: 404, error: null });
    expect(open.hits.get(KEY)).toBe(1);
    const [c] = remoteCacheChecks(probes);
    expect(c?.status).toBe('pass');
    // The token was read from the environment, so the caller's registry now masks it.
    expect(secrets.redact('Bearer doctor-token-123')).toBe('Bearer ***');
  });

  it('fails on 401 with a fix naming the credential variables', async () => {
    const [c] = remoteCacheChecks(await probeRemoteEndpoints({ ...base, remoteCache: denied.url }, {}));
    expect(c).toMatchObject({ status: 'fail' });
    expect(c?.fix).toMatch(/TFBUILD_REMOTE_TOKEN/);
  });

  it('fails fast on a closed port and on a server that never answers', async () => {
    const port = await freePort();
    const [refused] = remoteCacheChecks(await probeRemoteEndpoints({ ...base, remoteCache: `http://127.0.0.1:${port}` }, {}));
    expect(refused?.message).toMatch(/ECONNREFUSED/);
    const t0 = Date.now();
    const [hung] = remoteCacheChecks(await probeRemoteEndpoints({ ...base, remoteCache: `http://127.0.0.1:${silentPort}` }, {}, 300));
    expect(hung?.status).toBe('fail');
    expect(hung?.message).toMatch(/no answer within 300 ms/);
    expect(Date.now() - t0).toBeLessThan(3_000);
  });

  it('gRPC endpoints get a TCP connect', async () => {
    const ok = await probeRemoteEndpoints({ ...base, remoteExecutor: `grpc://127.0.0.1:${open.port}` }, {});
    expect(remoteCacheChecks(ok)[0]).toMatchObject({ id: 'remote-executor', status: 'pass' });
    const port = await freePort();
    const bad = await probeRemoteEndpoints({ ...base, remoteCache: `grpcs://127.0.0.1:${port}` }, {});
    expect(remoteCacheChecks(bad)[0]?.status).toBe('fail');
  });

  it('names unset variables the settings reference, and masks URL passwords', async () => {
    const probes = await probeRemoteEndpoints({ ...base, remoteCache: `http://bob:\${NOPE_PW}@127.0.0.1:${open.port}` }, {});
    const [c] = remoteCacheChecks(probes);
    expect(c).toMatchObject({ status: 'fail' });
    expect(c?.message).toMatch(/\$NOPE_PW/);
    const lit = await probeRemoteEndpoints({ ...base, remoteCache: `http://bob:hunter2x@127.0.0.1:${open.port}` }, {});
    expect(JSON.stringify(remoteCacheChecks(lit))).not.toContain('hunter2x');
  });

  it('no configured endpoint, no findings', async () => {
    expect(await probeRemoteEndpoints(base, {})).toEqual([]);
  });
});

describe('tfbuild doctor --remote-cache (compiled CLI)', () => {
  const root = new URL('../..', import.meta.url).pathname;
  beforeAll(() => {
  }, 120_000);
  // Asynchronous: the cache under test is served from this very process.
  const doctor = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = execFile('node', [`${root}bin/tfbuild.js`, 'doctor', '--json', ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } },
        (_err, stdout) => resolve({ status: child.exitCode, stdout }));
    });
  const remoteCheck = (out: string) => (JSON.parse(out) as { checks: Array<{ id: string; status: string }> }).checks.find((c) => c.id === 'remote-cache');

  it('adds a passing remote-cache check for a cache that answers', async () => {
    const r = await doctor(['--remote-cache', open.url]);
    expect(remoteCheck(r.stdout)).toMatchObject({ status: 'pass' });
  }, 60_000);

  it('fails the check, and exits 3, for a cache that does not answer', async () => {
    const r = await doctor(['--remote-cache', `http://127.0.0.1:${await freePort()}`]);
    expect(remoteCheck(r.stdout)).toMatchObject({ status: 'fail' });
    expect(r.status).toBe(3);
  }, 60_000);
});
