import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../../src/errors.js';
import { chooseEngine } from '../../../src/docker/engine.js';
import type { ContainerEngineFacts } from '../../../src/probe/types.js';

const docker = (works: boolean): ContainerEngineFacts => ({
  name: 'docker', path: '/usr/bin/docker', version: '28.2.2', works, nvidia: { runtime: false, cdi: false },
  problem: works ? null : 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
});
const podman = (works: boolean): ContainerEngineFacts => ({
  name: 'podman', path: '/usr/bin/podman', version: '4.3.1', works, nvidia: { runtime: false, cdi: false }, problem: works ? null : 'podman info exited with 125',
});

describe('chooseEngine', () => {
  it('prefers docker when its daemon answers', () => {
    expect(chooseEngine([docker(true), podman(true)]).name).toBe('docker');
  });
  it('falls back to podman when docker is only a client (this machine)', () => {
    const c = chooseEngine([docker(false), podman(true)]);
    expect(c.name).toBe('podman');
    expect(c.reason).toMatch(/Cannot connect to the Docker daemon/);
  });
  it('honours --engine, and fails with exit 3 when that engine does not work', () => {
    expect(chooseEngine([docker(true), podman(true)], 'podman').name).toBe('podman');
    let err: unknown;
    try {
      chooseEngine([docker(false), podman(true)], 'docker');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).exitCode).toBe(3);
    expect((err as EnvironmentError).message).toMatch(/installed but does not work/);
    expect(() => chooseEngine([docker(true)], 'podman')).toThrow(/podman is not installed/);
  });
  it('no working engine: environment error listing each problem', () => {
    let err: EnvironmentError | undefined;
    try {
      chooseEngine([docker(false), podman(false)]);
    } catch (e) {
      err = e as EnvironmentError;
    }
    expect(err?.details).toEqual([expect.stringMatching(/^docker: Cannot connect/), 'podman: podman info exited with 125']);
    expect(() => chooseEngine([])).toThrow(EnvironmentError);
  });
});
