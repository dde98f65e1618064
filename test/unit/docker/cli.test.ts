// Runs the compiled CLI (npm test builds first).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../helpers/tmp.js';
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
    // No node in the image (Node 20 needs glibc 2.28; Ubuntu 16.04 has 2.23).
    expect(r.stdout).not.toMatch(/COPY node|check-node/);
    expect(r.stdout).toContain('ARG NVIDIA_CUDA_KEY_FPR=EB693B3035CD5710E231E123A4B469963BF863CC');
    expect(r.stdout).toContain('ARG NVIDIA_ML_KEY_FPR=AE09FE4BBD223A84B2CCFCE3F60F4B3D7FA2AF80');
    expect(r.stdout).toContain('ARG BAZEL_KEY_FPR=71A1D0EFCFEB6281FD0437C93D5919B448457EE0');
    expect(r.stdout).toMatch(/install-cuda\.sh 8\.0 ubuntu1604 machine-learning .* -- libcudnn6=6\.0\.21-1\+cuda8\.0/);
    expect(r.stdout).toContain(' apt-transport-https ');
  });

  it('--dry-run --gpu prints the image build, the build container (no GPU device) and the plan it executes', () => {
    const tmp = makeTempDir('tfb-dry-');
    const r = spawnSync(process.execPath, [bin, 'docker', 'r1.4', '--gpu', '--dry-run', '--engine', 'podman', '--output', join(tmp, 'out'), '--workdir', join(tmp, 'w'), '--mirror', 'http://127.0.0.1:9/m', '--', '--cpu-flags', 'avx2,fma'],
      { encoding: 'utf8', env: { ...process.env, CI: '1', XDG_CACHE_HOME: join(tmp, 'cache'), PATH: `/nonexistent:${process.env.PATH ?? ''}` } });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const build = lines.find((l) => /^\S*podman .*\bbuild --network host --tag localhost\/tfbuild:r1\.4-cuda8-ubuntu16\.04-[0-9a-f]{12} /.test(l));
    expect(build, r.stdout).toBeDefined();
    expect(build).toContain('--build-arg MIRROR=http://127.0.0.1:9/m');
    const run = lines.find((l) => / run --detach --entrypoint sleep --label tfbuild\.workdir=\S+ --rm --name tfbuild-r1\.4-/.test(l))!;
    expect(run, r.stdout).toBeDefined();
    expect(run).not.toMatch(/--device|--gpus|tfbuild-runtime/);
    // The work and output dirs are mounted at their own paths, so the plan's paths are valid inside.
    expect(run).toContain(`--volume ${join(tmp, 'w')}:${join(tmp, 'w')}:rw,z --volume ${join(tmp, 'out')}:${join(tmp, 'out')}:rw,z`);
    expect(run).toMatch(/ infinity$/);
    // The plan made for the image: its python and CUDA, the CPU flags after --, and (no GPU here) the recipe's
    // default compute capabilities, said in a note.
    expect(r.stdout).toContain(`Plan for TensorFlow v1.4.1 (r1.4, GPU) in ${join(tmp, 'w')}`);
    expect(r.stdout).toContain('PYTHON_BIN_PATH=/usr/bin/python3');
    expect(r.stdout).toContain('CUDA_TOOLKIT_PATH=/usr/local/cuda-8.0');
    expect(r.stdout).toContain('TF_CUDA_COMPUTE_CAPABILITIES=3.5,5.2');
    expect(r.stdout).toContain('CC_OPT_FLAGS=-mavx2 -mfma');
    expect(r.stderr).toMatch(/compute capabilities 3\.5,5\.2: the recipe's default/);
    expect(lines.at(-2)).toMatch(/podman rm --force --time 0 tfbuild-r1\.4-/);
    // Then this host's install: this host has no CUDA 8 runtime and cuDNN 6 for the image's GPU wheel (the default target says so).
    expect(lines.at(-1)).toBe('# Then on this host: nothing (the GPU wheel needs CUDA 8/cuDNN 6 libraries, and this host lacks a CUDA 8 runtime (libcudart) and cuDNN 6: TensorFlow would not import here).');
    expect(existsSync(join(tmp, 'out'))).toBe(false);
    expect(existsSync(join(tmp, 'w'))).toBe(false);
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
