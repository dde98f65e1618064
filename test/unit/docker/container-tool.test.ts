import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEngineInfo } from '../../../src/tools/container.js';
import { parseEngineVersion } from '../../../src/tools/containers.js';

const fx = (f: string) => readFileSync(new URL(`fixtures/${f}`, import.meta.url), 'utf8');

describe('container adapter parsers (outputs recorded on this host; docker with a daemon built from its format)', () => {
  it('versions', () => {
    expect(parseEngineVersion(fx('docker-version.txt'))).toBe('28.2.2');
    expect(parseEngineVersion(fx('podman-version.txt'))).toBe('4.3.1');
    expect(parseEngineVersion('nothing')).toBeNull();
  });
  it('docker client without a daemon does not work, and says why', () => {
    const i = parseEngineInfo('docker', 1, fx('docker-info-no-daemon.json'), fx('docker-info-no-daemon.stderr'));
    expect(i.works).toBe(false);
    expect(i.problem).toMatch(/Cannot connect to the Docker daemon/);
    // Even a zero exit with an empty ServerVersion is a client talking to nothing.
    expect(parseEngineInfo('docker', 0, fx('docker-info-no-daemon.json'), '').works).toBe(false);
  });
  it('docker with the NVIDIA runtime registered', () => {
    const i = parseEngineInfo('docker', 0, fx('docker-info-nvidia.json'), '');
    expect(i).toMatchObject({ works: true, problem: null, rootless: false });
    expect(i.runtimes).toContain('nvidia');
  });
  it('rootful podman here', () => {
    const i = parseEngineInfo('podman', 0, fx('podman-info-root.json'), '');
    expect(i).toMatchObject({ works: true, rootless: false, problem: null });
    expect(i.runtimes).toEqual(['runc']);
    expect(parseEngineInfo('podman', 125, '', 'Error: cannot set up namespace\n').problem).toBe('Error: cannot set up namespace');
  });
});
