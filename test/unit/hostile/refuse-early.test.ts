/**
 * Class "refuse early, refuse clearly": values that cannot be meant are exit 2 before any work; a missing program
 * is exit 3 "NAME not found"; a lock whose pid now names an unrelated process is recognised, and tfbuild never
 * tells anyone to kill it; a work dir bazel cannot handle is refused before the clone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConflictError, EnvironmentError } from '../../../src/errors.js';
import { plainExec, createExec } from '../../../src/exec/index.js';

const { run } = plainExec;
import { acquireLock, LOCK_FILE, readProcessStart } from '../../../src/state/lock.js';
import { runSourceStep } from '../../../src/steps/source.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { makeVictim } from '../../helpers/victim.js';

const bin = new URL('../../../bin/tfbuild.js', import.meta.url).pathname;
const hostFacts = new URL('../../fixtures/hosts/ubuntu1604-cuda8-gtx1080.json', import.meta.url).pathname; // r1.4 is native there: a plan is made

function tfbuild(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1', NO_COLOR: '1' } });
  return { code: r.status, err: r.stderr };
}

describe('absurd numbers are exit 2 before any work', () => {
  for (const [jobs, why] of [[' ', /--jobs is empty/], ['0', /--jobs must be at least 1/], ['1e9', /needs a whole number/], ['99999999', /--jobs must be at most 4096/], ['-3', /needs a whole number/], ['4x', /needs a whole number/]] as const) {
    it(`--jobs ${JSON.stringify(jobs)}`, () => {
      const v = makeVictim();
      const before = v.snapshot();
      const r = tfbuild(['plan', '1.4', '--jobs', jobs, '--host-facts', hostFacts, '--workdir', join(v.dir, 'w')]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(why);
      expect(v.snapshot()).toEqual(before);
    });
  }
});

describe('conflicting flags and values that name nothing are exit 2 before any work', () => {
  for (const [args, why] of [
    [['--no-install', '--install-into', '/usr/bin/python3'], /--install-into and --no-install contradict each other/],
    [['--install-into', '/usr/bin/python3', '--venv', '/tmp/v'], /--install-into and --venv contradict each other/],
    [['--output', ''], /--output is empty/],
    [['--source', '/nonexistent/tensorflow'], /--source \/nonexistent\/tensorflow: no such file or directory/],
    [['--venv', ' '], /--venv is empty/],
  ] as const) {
    it(args.join(' ') || '(empty)', () => {
      const v = makeVictim();
      const before = v.snapshot();
      const r = tfbuild(['plan', '1.4', ...args, '--host-facts', hostFacts, '--workdir', join(v.dir, 'w')]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(why);
      expect(v.snapshot()).toEqual(before);
    });
  }
});

describe('an empty plan', () => {
  it('is exit 2 before any work', () => {
    const plan = JSON.parse(spawnSync(process.execPath, [bin, 'plan', '1.4', '--json', '--host-facts', hostFacts], { encoding: 'utf8' }).stdout) as { steps: unknown[] };
    plan.steps = [];
    const p = join(makeTempDir('tfb-plan-'), 'plan.json');
    writeFileSync(p, JSON.stringify(plan));
    const r = tfbuild(['build', '1.4', '--plan', p, '--yes']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no steps: there is nothing to build/);
  });
});

describe('a missing program', () => {
  it('is exit 3 "NAME not found", not a tool failure', async () => {
    const e = await run({ cmd: 'git-not-installed-here', args: ['clone'], effect: 'read', timeout: 5_000 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as EnvironmentError).exitCode).toBe(3);
    expect((e as Error).message).toBe('git-not-installed-here not found on PATH.');
  });
});

describe('locks', () => {
  const lockIn = (dir: string, pid: number, extra: Record<string, unknown> = {}) =>
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), startedAt: '2026-01-01T00:00:00Z', command: 'tfbuild build 2.17', ...extra }));

  it('a lock whose pid was reused by an unrelated process (start time differs) is stale and taken over', () => {
    const w = makeTempDir('tfb-lock-');
    lockIn(w, 1, { procStart: '999999999999' });
    const held = acquireLock(w, 'tfbuild build 2.17');
    expect(held.tookOverFrom?.pid).toBe(1);
    held.release();
  });

  it('a lock naming a live non-tfbuild process (old lock format): exit 6 that says what the pid is now, never "kill 1"', () => {
    const w = makeTempDir('tfb-lock-');
    lockIn(w, 1);
    const e = (() => { try { acquireLock(w, 'x'); return null; } catch (x) { return x; } })();
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).hint).not.toMatch(/kill 1\b/);
    expect((e as ConflictError).hint).toMatch(/may now be an unrelated process/);
    expect((e as ConflictError).details.join('\n')).toMatch(/pid 1 is now: /);
  });

  it('a lock held by a live tfbuild: exit 6 suggesting to stop that pid', async () => {
    const w = makeTempDir('tfb-lock-');
    const child = spawn('bash', ['-c', 'exec -a tfbuild-fake-build sleep 30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      lockIn(w, child.pid!, { procStart: readProcessStart(child.pid!) });
      const e = (() => { try { acquireLock(w, 'x'); return null; } catch (x) { return x; } })();
      expect(e).toBeInstanceOf(ConflictError);
      expect((e as ConflictError).hint).toContain(`kill ${child.pid}`);
    } finally {
      child.kill();
    }
  });
});

describe('paths bazel cannot handle', () => {
  it('a non-ASCII work dir is refused before cloning (exit 3) with the reason', async () => {
    const root = makeTempDir('tfb-ascii-');
    const w = join(root, 'täglich');
    const step = { id: 'source', kind: 'source', title: 'clone', cmd: 'git', args: [], cwd: w, env: {}, pathPrepend: [], mode: 'clone', dir: join(w, 'src', 'v1.4.1'), repo: '/nonexistent', tag: 'v1.4.1', allowDirty: false };
    const ctx = { plan: { workdir: w, steps: [] }, signal: new AbortController().signal, emit: () => undefined, outputs: {}, logDir: root, runId: 't', setStatus: () => undefined, currentLog: null, exec: createExec() };
    const e = await runSourceStep(step as never, ctx as never).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as Error).message).toMatch(/non-ASCII source dir.*täglich/);
    expect(spawnSync('ls', [root], { encoding: 'utf8' }).stdout).toBe('');
  });
});

describe("tfbuild's own downloads honour the proxy variables", () => {
  it('a download goes through HTTP_PROXY (the host name resolves nowhere; only the proxy can answer)', async () => {
    const { createServer } = await import('node:http');
    const { connect } = await import('node:net');
    const { fetchWithProxy, describeProxy } = await import('../../../src/tools/http.js');
    // undici's proxy agent tunnels every request with CONNECT: the proxy records the target and relays the tunnel
    // to a local server standing in for the release host.
    const origin = createServer((_req, res) => res.end('via proxy'));
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    const seen: string[] = [];
    const proxy = createServer();
    proxy.on('connect', (req, socket) => {
      seen.push(req.url ?? '');
      const up = connect((origin.address() as { port: number }).port, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.pipe(socket);
        socket.pipe(up);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as { port: number }).port;
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy, http_proxy: process.env.http_proxy };
    process.env.HTTP_PROXY = `http://127.0.0.1:${port}`;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    delete process.env.http_proxy;
    try {
      const res = await fetchWithProxy('http://bazel-release.tfbuild-test.invalid/bazel-4.2.3');
      expect(await res.text()).toBe('via proxy');
      expect(seen).toEqual(['bazel-release.tfbuild-test.invalid:80']);
      expect(describeProxy({ HTTPS_PROXY: 'http://u:secret@p:3128' })).toContain('//***@p:3128');
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      proxy.closeAllConnections();
      origin.closeAllConnections();
      proxy.close();
      origin.close();
    }
  });
});
