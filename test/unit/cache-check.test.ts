import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeRemoteEndpoints, remoteCacheChecks } from '../../src/checks/cache.js';
import { clearSecrets, redact } from '../../src/exec/redact.js';
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
  clearSecrets();
});

describe('remote cache doctor check (real loopback servers)', () => {
  it('passes when the cache answers a lookup with 404, and sends the env token', async () => {
    const probes = await probeRemoteEndpoints({ ...base, remoteCache: open.url }, { TFBUILD_REMOTE_TOKEN: 'doctor-token-123' });
    expect(probes[0]).toMatchObject({ role: 'remote-cache', status: 404, error: null });
    expect(open.hits.get(KEY)).toBe(1);
    const [c] = remoteCacheChecks(probes);
    expect(c?.status).toBe('pass');
    // The token was read from the environment, so it is now masked everywhere.
    expect(redact('Bearer doctor-token-123')).toBe('Bearer ***');
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
