/**
 * What keeps the container route from installing a wheel on this host that cannot run there: the GPU wheel's CUDA
 * runtime and cuDNN (the reason the container route was taken is often that this host lacks them), a user's python
 * the host probe never listed (its version read live before step 1), and Ctrl-C during the host steps, which ends
 * the run whatever the target.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decideForContainer } from '../../../src/commands/prepare-container.js';
import { installOnHost } from '../../../src/commands/container-verify.js';
import { createExec } from '../../../src/exec/index.js';
import type { PythonFacts } from '../../../src/probe/types.js';
import { loadCatalog } from '../../../src/recipes/index.js';
import { sampleFacts } from '../plan/samples.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { cli, writeLaptopFacts } from './laptop-host.js';

/** The laptop host (laptop-host.ts) with a python 3.5, optionally CUDA 8/cuDNN 6 and other facts. */
const laptop = (cuda: boolean, extra: Record<string, unknown> = {}) => writeLaptopFacts({ cuda, extra });

beforeEach(() => {
  vi.stubEnv('CI', '1');
  vi.stubEnv('XDG_CACHE_HOME', makeTempDir('tfb-host-guard-cache-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const common = ['--yes', '--gpu', '--workdir', '/nonexistent/w', '--output', '/nonexistent/out'];

describe('the GPU wheel on a host without its CUDA runtime and cuDNN', () => {
  it('the default target: no host steps, and the plan says why', async () => {
    const r = await cli(['plan', 'r1.4', '--host-facts', laptop(false), ...common]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Then on this host: nothing (the GPU wheel needs CUDA 8/cuDNN 6 libraries');
    expect(r.stdout).toContain('the wheel will not be installed on this host: the GPU wheel needs CUDA 8/cuDNN 6 libraries, and this host lacks a CUDA 8 runtime (libcudart) and cuDNN 6');
  });

  it('a chosen target: plan, --dry-run and the run refuse with exit 3 before step 1, naming the runtime and --no-install', async () => {
    const args = ['r1.4', '--host-facts', laptop(false), ...common, '--install-into', '/opt/py35/bin/python3.5'];
    for (const way of [['plan', ...args], ['build', '--dry-run', ...args], ['build', ...args]]) {
      const r = await cli(way);
      expect(r.code, way.join(' ')).toBe(3);
      expect(r.stderr).toContain('Cannot install the GPU wheel on this host: the GPU wheel needs CUDA 8/cuDNN 6 libraries, and this host lacks a CUDA 8 runtime (libcudart) and cuDNN 6');
      expect(r.stderr).toMatch(/Pass --no-install .*or install the wheel where CUDA 8\/cuDNN 6 exist/);
    }
  });

  it('with CUDA 8 and cuDNN 6 on the host, the host steps are planned', async () => {
    const r = await cli(['plan', 'r1.4', '--host-facts', laptop(true), ...common]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('[install] Install the wheel on this host for /nonexistent/w/host-venv/bin/python');
  });
});

describe('--install-into a python the host probe did not list', () => {
  it('its version is read before step 1: a python 3.11 for the image\'s cp35 wheel is refused with exit 3', async () => {
    const dir = makeTempDir('tfb-host-guard-py-');
    mkdirSync(join(dir, 'bin'));
    const python = join(dir, 'bin', 'python3');
    // A python no probe listed (a user's venv, a wrapper): this machine's python 3.11 under another path.
    symlinkSync('/usr/bin/python3', python);
    const r = await cli(['build', 'r1.4', '--dry-run', '--host-facts', laptop(false), '--yes', '--workdir', '/nonexistent/w', '--install-into', python]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`--install-into ${python} is python 3\\.\\d+, but the wheel the image builds is for python 3\\.5 \\(cp35\\): pip would refuse it\\.`));
  });
});

/** A default host target whose python (python 3.5, as the image's) does not exist here: its first step fails. */
async function brokenHostSteps() {
  const recipe = loadCatalog().find((r) => r.line === 'r1.4')!;
  const py35: PythonFacts = { path: '/nonexistent/py35/python3.5', realPath: '/nonexistent/py35/python3.5', version: '3.5.10', numpy: null, pip: '20', wheel: true, venv: true, headers: true, sitePackages: '/x' };
  const host = sampleFacts({});
  return decideForContainer({
    version: 'r1.4', tag: 'v1.4.1', hostFacts: { ...host, pythons: [py35] }, recipe, config: undefined, ctx: { interactive: false, reason: '--yes' }, yes: true,
    print: () => undefined, env: {}, cwd: '/', given: { gpu: true, output: '/out', workdir: makeTempDir('tfb-host-guard-w-'), cpuFlags: 'none' },
  });
}

describe('the host steps report as the plan\'s steps do', () => {
  it('step-started and step-failed events with the id host-install; the default target\'s failure is reported, not thrown', async () => {
    const { plan, side } = await brokenHostSteps();
    const events: Array<{ type: string; step?: { id: string }; error?: { kind: string } }> = [];
    const said: string[] = [];
    const r = await installOnHost('/out/tf.whl', side.host!, plan!, (l) => said.push(l), new AbortController().signal, createExec(), (e) => events.push(e as never));
    expect(r.installed).toBe(false);
    expect(events.map((e) => [e.type, e.step?.id])).toEqual([['step-started', 'host-install'], ['step-failed', 'host-install']]);
    expect(events[1]!.error!.kind).not.toBe('interrupted');
    expect(said.join('\n')).toContain('The verify in the container stands.');
  });
});

describe('--install-into a python that does not run here', () => {
  it('is refused before step 1 with a hint for this route (--install-into, not --python, which names the image\'s)', async () => {
    const r = await cli(['build', 'r1.4', '--dry-run', '--host-facts', laptop(false), '--yes', '--workdir', '/nonexistent/w', '--install-into', '/nonexistent/bin/python3']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('/nonexistent/bin/python3 could not be run');
    expect(r.stderr).toContain('Pass a python of this host that runs with --install-into PYTHON, or --no-install (on the container route --python names the image\'s python');
  });
});

describe('Ctrl-C during the host steps', () => {
  it('ends the run on the default target too (the interrupt is not reported as a failed install)', async () => {
    const { plan, side } = await brokenHostSteps();
    expect(side.host).toMatchObject({ strict: false });
    expect(side.host!.steps).not.toBeNull();
    const ac = new AbortController();
    ac.abort();
    const said: string[] = [];
    await expect(installOnHost('/out/tf.whl', side.host!, plan!, (l) => said.push(l), ac.signal, createExec())).rejects.toBeInstanceOf(Error);
    expect(said.join('\n')).not.toContain('The verify in the container stands. Try');
  });
});

describe('--python on the container route names the image\'s python, not one of this host', () => {
  // This machine (Debian 12, as CI) has python 3.11 only: /usr/bin/python3.9 and /usr/bin/python3.6 do not run here.
  it('tfbuild docker 2.10 -- --python /usr/bin/python3.9 (the cuda11 image\'s second python) plans with it, unprobed here', async () => {
    const r = await cli(['docker', '2.10', '--dry-run', '--workdir', '/nonexistent/w', '--output', '/nonexistent/out', '--', '--python', '/usr/bin/python3.9']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('$ /usr/bin/python3.9 -m venv --system-site-packages /nonexistent/w/build-python');
  });

  it('the guided build takes the container route first; a python the image lacks is a usage error (exit 2) naming the image\'s', async () => {
    const r = await cli(['r1.4', '--gpu', '--dry-run', '--yes', '--workdir', '/nonexistent/w', '--python', '/usr/bin/python3.6']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--python /usr/bin/python3.6: the image of cuda8-ubuntu16.04 has no such python');
    expect(r.stderr).toContain('Pass one of the image\'s pythons (/usr/bin/python3, python 3.5.2)');
  });
});

describe('the GPU the build container gets, as --dry-run shows it', () => {
  const podman = (cdi: boolean) => [{ name: 'podman', path: '/usr/bin/podman', version: '4.3.1', works: true, nvidia: { runtime: false, cdi }, problem: null }];
  const gpuHost = (cdi: boolean) => laptop(true, {
    driver: { version: '535.104', cudaVersion: '12.2', source: 'nvidia-smi' },
    gpus: [{ index: 0, name: 'GeForce GTX 1080', computeCapability: '6.1', ccSource: 'name-table', memoryMiB: 8119 }],
    containers: podman(cdi),
  });
  const args = ['build', 'r1.4', '--gpu', '--dry-run', '--yes', '--engine', 'podman', '--workdir', '/nonexistent/w', '--output', '/nonexistent/out'];

  it('a described host with a driver and a CDI-capable podman: the container gets the GPU and its verify requires one, as the run does', async () => {
    const r = await cli([...args, '--host-facts', gpuHost(true)]);
    expect(r.code, r.stderr).toBe(0);
    const start = r.stdout.split('\n').find((l) => l.includes(' run --detach '))!;
    expect(start).toContain('--device nvidia.com/gpu=all');
    const verify = r.stdout.split('\n').find((l) => l.includes('$ tfbuild verify --python /nonexistent/w/venv/bin/python'))!;
    expect(verify).toContain('--gpu');
    expect(verify).not.toContain('--no-require-gpu');
    // The host's GPU gives the compute capabilities.
    expect(r.stdout).toContain('TF_CUDA_COMPUTE_CAPABILITIES=6.1');
  });

  it('tfbuild plan shows the same verify as --dry-run and the run: a GPU required with passthrough, not without', async () => {
    const planArgs = ['plan', 'r1.4', '--gpu', '--yes', '--engine', 'podman', '--workdir', '/nonexistent/w', '--output', '/nonexistent/out'];
    const verifyLine = (out: string) => out.split('\n').find((l) => l.includes('$ tfbuild verify --python /nonexistent/w/venv/bin/python'))!;
    const withCdi = await cli([...planArgs, '--host-facts', gpuHost(true)]);
    expect(withCdi.code, withCdi.stderr).toBe(0);
    expect(verifyLine(withCdi.stdout)).toContain('--gpu');
    expect(verifyLine(withCdi.stdout)).not.toContain('--no-require-gpu');
    const dry = await cli([...args, '--host-facts', gpuHost(true)]);
    expect(verifyLine(dry.stdout)).toBe(verifyLine(withCdi.stdout));
    const without = await cli([...planArgs, '--host-facts', gpuHost(false)]);
    expect(verifyLine(without.stdout)).toContain('--no-require-gpu');
  });

  it('without GPU passthrough in the engine: no GPU device, the verify does not require one, and a note says why', async () => {
    const r = await cli([...args, '--host-facts', gpuHost(false)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('nvidia.com/gpu=all');
    expect(r.stdout.split('\n').find((l) => l.includes('$ tfbuild verify --python /nonexistent/w/venv/bin/python'))).toContain('--no-require-gpu');
    expect(r.stderr).toContain('note: podman cannot pass this host\'s GPU through');
  });
});
