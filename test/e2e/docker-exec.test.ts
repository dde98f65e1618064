/**
 * The container executor for real with podman: a build container started from the debootstrapped Debian base, and
 * src/exec's own run() executing specs inside it through a runner wrapped with the container transform (podman exec -w -e), with output
 * streamed, exit codes and errors as for a host process, files landing in the mounted work dir, and the container
 * stopped when the executor ends, interrupted or not.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InterruptedError, ToolError } from '../../src/errors.js';
import { createExec } from '../../src/exec/index.js';
import { removeStaleContainers, startBuildContainer, stopBuildContainer, withContainerExecutor, type ContainerTarget } from '../../src/tools/container-exec.js';
import { BASE_IMAGE, canRunPodmanTests, ensureBaseImage } from '../helpers/podman.js';
import { makeTempDir } from '../helpers/tmp.js';

const enabled = canRunPodmanTests();
const work = makeTempDir('tfb-e2e-exec-');
const host = createExec();
const { run } = host;

function containerExists(name: string): boolean {
  return execFileSync('podman', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n').includes(name);
}

async function start(name: string): Promise<ContainerTarget> {
  const target: ContainerTarget = { engine: 'podman', path: 'podman', name };
  await startBuildContainer({ target, image: BASE_IMAGE, uid: 0, gid: 0, engineIsRoot: true, mounts: [{ host: work, container: '/work' }], runtime: 'runc', workdirLabel: work }, host);
  return target;
}

beforeAll(() => {
  if (enabled) ensureBaseImage();
}, 600_000);

describe.skipIf(!enabled)('container executor (podman exec through src/exec)', () => {
  it('runs specs inside the container with their cwd and env, streams their lines, and stops the container at the end', async () => {
    const name = `tfbuild-exec-test-${process.pid}-a`;
    const target = await start(name);
    const lines: string[] = [];
    const r = await withContainerExecutor(target, host, async (inside) => {
      const ok = await inside.run({
        cmd: 'sh', args: ['-c', 'test -e /run/.containerenv && echo "inside:$FOO:$(pwd)"; echo made-inside > out.txt'],
        cwd: '/work', env: { FOO: 'bar baz' }, effect: 'write', timeout: 60_000, onLine: (l) => lines.push(l),
      });
      const failed = await inside.run({ cmd: 'sh', args: ['-c', 'echo oops >&2; exit 7'], effect: 'write', timeout: 60_000, reject: false });
      const thrown = await inside.run({ cmd: 'false', args: [], effect: 'write', timeout: 60_000, title: 'false' }).catch((e: unknown) => e);
      expect(containerExists(name)).toBe(true);
      return { ok, failed, thrown };
    });
    expect(r.ok.stdout.trim()).toBe('inside:bar baz:/work');
    expect(lines).toEqual(['inside:bar baz:/work']);
    expect(r.ok.command.slice(0, 6)).toEqual(['podman', 'exec', '--workdir', '/work', '--env', 'FOO=bar baz']);
    expect(readFileSync(join(work, 'out.txt'), 'utf8')).toBe('made-inside\n');
    expect(r.failed).toMatchObject({ exitCode: 7, stderr: 'oops' });
    expect(r.thrown).toBeInstanceOf(ToolError);
    expect((r.thrown as ToolError).message).toMatch(/false \(in tfbuild-exec-test-\d+-a\)/);
    expect(containerExists(name)).toBe(false);
    // The host's runner was never changed: its processes run on the host.
    expect((await run({ cmd: 'sh', args: ['-c', 'test -e /run/.containerenv && echo inside || echo host'], effect: 'read', timeout: 10_000 })).stdout.trim()).toBe('host');
  });

  it('an interrupt ends the step and the container with it', async () => {
    const name = `tfbuild-exec-test-${process.pid}-b`;
    const target = await start(name);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 1500);
    const e = await withContainerExecutor(target, host, (inside) => inside.run({ cmd: 'sleep', args: ['300'], effect: 'write', timeout: 600_000, signal: ac.signal })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InterruptedError);
    expect(containerExists(name)).toBe(false);
  });

  it('a container left by a killed run of the work dir is removed by the next run; a live run\'s is kept', async () => {
    // 4194304 is above Linux's largest pid_max: no process has it.
    const dead: ContainerTarget = { engine: 'podman', path: 'podman', name: 'tfbuild-exec-test-4194304-c' };
    const live: ContainerTarget = { engine: 'podman', path: 'podman', name: `tfbuild-exec-test-${process.pid}-d` };
    try {
      await start(dead.name);
      await start(live.name);
      expect(await removeStaleContainers({ engine: 'podman', path: 'podman' }, work, host)).toEqual([dead.name]);
      expect(containerExists(dead.name)).toBe(false);
      expect(containerExists(live.name)).toBe(true);
      await stopBuildContainer(live, host);
      expect(containerExists(live.name)).toBe(false);
    } finally {
      // A failed assertion or start must not leave either container (and its `sleep infinity`) running.
      for (const c of [dead, live]) if (containerExists(c.name)) await stopBuildContainer(c, host);
    }
  });
});
