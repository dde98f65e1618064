// Runs the compiled CLI (npm test builds first).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lintDockerfile } from '../../../src/docker/lint.js';

const bin = new URL('../../../bin/tfbuild.js', import.meta.url).pathname;
const tfbuild = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });

describe('tfbuild docker (CLI)', () => {
  it('--print-dockerfile for r1.4 --gpu prints the CUDA 8 / cuDNN 6 / gcc 5 / bazel 0.5.4 definition', () => {
    const r = tfbuild('docker', 'r1.4', '--gpu', '--print-dockerfile');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ARG BASE_IMAGE=docker.io/library/ubuntu:16.04');
    expect(r.stdout).toContain('cuda-command-line-tools-8-0=8.0.61-1');
    expect(r.stdout).toContain('libcudnn6=6.0.21-1+cuda8.0');
    expect(r.stdout).toContain(" 'gcc-5|gcc' 'g++-5|g++' ");
    expect(r.stdout).toContain('ARG BAZEL=0.5.4');
    expect(lintDockerfile(r.stdout)).toEqual([]);
  });

  it('--print-dockerfile --json, and the CPU image for a 2.x release', () => {
    const r = tfbuild('docker', '2.15', '--print-dockerfile', '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { generation: string; dockerfile: string };
    expect(j.generation).toBe('cpu-cuda12-ubuntu22.04');
    expect(j.dockerfile).toContain('ARG BAZEL=6.1.0');
    expect(j.dockerfile).not.toContain('install-cuda.sh');
  });

  it('bad flags are usage errors (exit 2); unknown releases are config errors (exit 4)', () => {
    const e = tfbuild('docker', 'r1.4', '--engine', 'lxc', '--print-dockerfile');
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/expected docker or podman/);
    const v = tfbuild('docker', 'r0.3', '--print-dockerfile');
    expect(v.status).toBe(4);
  });
});
