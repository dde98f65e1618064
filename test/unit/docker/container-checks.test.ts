import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { containerChecks } from '../../../src/checks/containers.js';
import type { ContainerEngineFacts, HostFacts } from '../../../src/probe/types.js';

// Real probed hosts (test/fixtures/hosts): this machine has a docker client without daemon and a working podman.
const host = (name: string): HostFacts => JSON.parse(readFileSync(new URL(`../../fixtures/hosts/${name}.json`, import.meta.url), 'utf8')) as HostFacts;
const withEngines = (facts: HostFacts, containers: ContainerEngineFacts[]): HostFacts => ({ ...facts, containers });

describe('containerChecks', () => {
  it('this machine: podman is used, the daemonless docker client is named as not used', () => {
    const [c] = containerChecks({ facts: host('debian12-this-machine'), gpu: false });
    expect(c).toMatchObject({ id: 'containers', status: 'pass', fix: null });
    expect(c!.message).toMatch(/^tfbuild docker uses podman 4\.3\.1 \(\/usr\/bin\/podman\); not used: docker 28\.2\.2 .*no docker daemon socket/);
  });

  it('no engine: a warning with the install command, not a failure', () => {
    const r = containerChecks({ facts: host('ubuntu1604-cuda8-gtx1080'), gpu: true });
    expect(r).toEqual([{ id: 'containers', status: 'warn', message: expect.stringMatching(/no docker or podman/), fix: expect.stringMatching(/apt-get install -y podman$/) }]);
  });

  it('--gpu: GPU passthrough per engine (docker: nvidia runtime; podman: CDI spec)', () => {
    const laptop = host('ubuntu2204-cpu-laptop');
    const docker = laptop.containers[0]!;
    const noRuntime = containerChecks({ facts: laptop, gpu: true });
    expect(noRuntime.map((r) => [r.id, r.status])).toEqual([['containers', 'pass'], ['containers.gpu', 'warn']]);
    expect(noRuntime[1]!.fix).toMatch(/nvidia-ctk runtime configure --runtime=docker/);
    const withRuntime = containerChecks({ facts: withEngines(laptop, [{ ...docker, nvidia: { runtime: true, cdi: false } }]), gpu: true });
    expect(withRuntime[1]).toMatchObject({ id: 'containers.gpu', status: 'pass' });

    const here = host('debian12-this-machine');
    expect(containerChecks({ facts: here, gpu: true })[1]).toMatchObject({ status: 'warn', fix: expect.stringMatching(/nvidia-ctk cdi generate --output=\/etc\/cdi\/nvidia\.yaml/) });
    const cdi = here.containers.map((e) => ({ ...e, nvidia: { runtime: false, cdi: true } }));
    expect(containerChecks({ facts: withEngines(here, cdi), gpu: true })[1]).toMatchObject({ status: 'pass' });
  });

  it('engines present but none works: a warning listing why, with the daemon start as fix', () => {
    const here = host('debian12-this-machine');
    const dead = here.containers.map((e) => ({ ...e, works: false, problem: e.problem ?? 'podman info exited with 125' }));
    const [c] = containerChecks({ facts: withEngines(here, dead), gpu: true });
    expect(c).toMatchObject({ id: 'containers', status: 'warn' });
    expect(c!.message).toMatch(/no working container engine .*podman info exited with 125/);
    expect(c!.fix).toMatch(/^sudo systemctl start docker, or /);
  });
});
