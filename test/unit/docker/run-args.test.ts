import { describe, expect, it } from 'vitest';
import { buildBuildArgs, buildRunArgs, formatContainerName, type RunArgsInput } from '../../../src/docker/run-args.js';

const base: RunArgsInput = {
  engine: 'docker',
  image: 'localhost/tfbuild:r1.4-cuda8-ubuntu16.04-0123456789ab',
  name: 'tfbuild-r1.4-1-x',
  gpuAccess: false,
  uid: 1000,
  gid: 1000,
  engineIsRoot: true,
  mounts: [
    { host: '/home/u/work', container: '/work' },
    { host: '/home/u/dist', container: '/out' },
    { host: '/home/u/recipes', container: '/in/recipe', readOnly: true },
  ],
  command: ['build', 'r1.4', '--yes'],
};

function flagValues(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
}

describe('run arguments', () => {
  const table: Array<[string, Partial<RunArgsInput>, { gpus: string[]; device: string[]; keepId: boolean; runtime: string[] }]> = [
    ['docker cpu', {}, { gpus: [], device: [], keepId: false, runtime: [] }],
    ['docker verify with GPU access', { gpuAccess: true }, { gpus: ['all'], device: [], keepId: false, runtime: [] }],
    ['podman root cpu', { engine: 'podman', runtime: 'runc' }, { gpus: [], device: [], keepId: false, runtime: ['runc'] }],
    ['podman root verify with GPU access', { engine: 'podman', gpuAccess: true }, { gpus: [], device: ['nvidia.com/gpu=all'], keepId: false, runtime: [] }],
    ['podman rootless verify with GPU access', { engine: 'podman', gpuAccess: true, engineIsRoot: false }, { gpus: [], device: ['nvidia.com/gpu=all'], keepId: true, runtime: [] }],
    ['docker ignores runtime', { runtime: 'runc' }, { gpus: [], device: [], keepId: false, runtime: [] }],
  ];
  for (const [name, over, want] of table) {
    it(name, () => {
      const a = buildRunArgs({ ...base, ...over });
      expect(flagValues(a, '--gpus')).toEqual(want.gpus);
      expect(flagValues(a, '--device')).toEqual(want.device);
      expect(flagValues(a, '--userns')).toEqual(want.keepId ? ['keep-id'] : []);
      expect(flagValues(a, '--runtime')).toEqual(want.runtime);
      // Global flags go before the verb; the image comes right before the entry point's arguments.
      expect(a.indexOf('run')).toBe(want.runtime.length ? 2 : 0);
      expect(a.slice(-4)).toEqual([base.image, 'build', 'r1.4', '--yes']);
      expect(flagValues(a, '--user')).toEqual(['1000:1000']);
      expect(flagValues(a, '--name')).toEqual(['tfbuild-r1.4-1-x']);
      expect(a).toContain('--rm');
      const suffix = over.engine === 'podman' ? ',z' : '';
      expect(flagValues(a, '--volume')).toEqual([`/home/u/work:/work:rw${suffix}`, `/home/u/dist:/out:rw${suffix}`, `/home/u/recipes:/in/recipe:ro${suffix}`]);
      expect(flagValues(a, '--env')).toContain('HOME=/work/.home');
      expect(flagValues(a, '--ulimit')).toEqual(over.engine === 'podman' ? ['host'] : []);
    });
  }

  it('build arguments: tag, build-args, podman isolation/runtime only for podman', () => {
    const p = buildBuildArgs({ engine: 'podman', tag: 't:1', contextDir: '/c', buildArgs: { BASE_IMAGE: 'localhost/debian-min:bookworm' }, isolation: 'chroot', runtime: 'runc' });
    expect(p).toEqual(['--runtime', 'runc', 'build', '--network', 'host', '--tag', 't:1', '--isolation', 'chroot', '--build-arg', 'BASE_IMAGE=localhost/debian-min:bookworm', '--file', '/c/Dockerfile', '/c']);
    const d = buildBuildArgs({ engine: 'docker', tag: 't:1', contextDir: '/c', buildArgs: {}, isolation: 'chroot', runtime: 'runc' });
    expect(d).toEqual(['build', '--network', 'host', '--tag', 't:1', '--file', '/c/Dockerfile', '/c']);
  });

  it('container names are valid and distinct per run', () => {
    const n = formatContainerName('r1.4', 42, 1_700_000_000_000);
    expect(n).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/);
    expect(n).not.toBe(formatContainerName('r1.4', 42, 1_700_000_000_001));
  });
});
