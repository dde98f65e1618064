import { describe, expect, it } from 'vitest';
import { staleContainers, startContainerArgs, toContainerExec } from '../../../src/tools/container-exec.js';

const c = { engine: 'podman' as const, path: '/usr/bin/podman', name: 'tfbuild-r1.4-1-x' };

describe('toContainerExec', () => {
  it('a step becomes ENGINE exec with its cwd, env and argv; everything else about the spec is kept', () => {
    const onLine = () => {};
    const t = toContainerExec({
      cmd: 'bazel', args: ['build', '--config=opt', '//x:y'], cwd: '/work/build/src', env: { TF_NEED_CUDA: '1', PYTHONPATH: undefined, A: 'b c' },
      effect: 'write', timeout: 'build', logFile: '/work/build/logs/b.log', onLine, tailLines: 40, title: 'bazel build',
    }, c);
    expect(t).toEqual({
      cmd: '/usr/bin/podman',
      args: ['exec', '--workdir', '/work/build/src', '--env', 'TF_NEED_CUDA=1', '--env', 'A=b c', 'tfbuild-r1.4-1-x', 'bazel', 'build', '--config=opt', '//x:y'],
      effect: 'write', timeout: 'build', logFile: '/work/build/logs/b.log', onLine, tailLines: 40, title: 'bazel build (in tfbuild-r1.4-1-x)',
    });
  });

  it('the engine\'s own calls stay on the host', () => {
    const stop = { cmd: '/usr/bin/podman', args: ['stop', 'x'], effect: 'write' as const, timeout: 1000 };
    expect(toContainerExec(stop, c)).toBe(stop);
    expect(toContainerExec({ ...stop, cmd: 'podman' }, c).args).toEqual(['stop', 'x']);
  });
});

describe('the build container of a killed run', () => {
  it('is labelled with its work dir and found by the pid in its name', () => {
    const args = startContainerArgs({ target: c, image: 'img', uid: 1, gid: 2, engineIsRoot: true, mounts: [], workdirLabel: '/w d' });
    expect(args.slice(0, 8)).toEqual(['run', '--detach', '--entrypoint', 'sleep', '--label', 'tfbuild.workdir=/w d', '--rm', '--name']);
    const alive = (pid: number) => pid === 42;
    expect(staleContainers(['tfbuild-r1.4-42-mx1', 'tfbuild-r1.4-7-mx2', 'tfbuild-r2.17-9-a0', 'other'], alive)).toEqual(['tfbuild-r1.4-7-mx2', 'tfbuild-r2.17-9-a0']);
  });
});
