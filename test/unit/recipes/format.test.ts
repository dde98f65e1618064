import { describe, expect, it } from 'vitest';
import { resolveRecipe } from '../../../src/recipes/index.js';
import { formatShellLine, getBazelBuildArgs, getConfigureEnv, getPackagingStep } from '../../../src/recipes/format.js';

describe('recipe rendering (pure)', () => {
  const r14 = resolveRecipe('r1.4').recipe;

  it('adds the bazel 0.9 flag rule only for bazel 0.9.x', () => {
    expect(getBazelBuildArgs(r14, { gpu: false, bazelVersion: '0.9.1' })).toContain('--incompatible_load_argument_is_label=false');
    expect(getBazelBuildArgs(r14, { gpu: false, bazelVersion: '0.5.4' })).not.toContain('--incompatible_load_argument_is_label=false');
  });

  it('fills template variables it is given and keeps the others', () => {
    const env = getConfigureEnv(r14, { gpu: true, vars: { python: '/usr/bin/python3', cudaPath: '/usr/local/cuda-8.0' } });
    const m = Object.fromEntries(env.map((e) => [e.name, e.value]));
    expect(m).toMatchObject({ PYTHON_BIN_PATH: '/usr/bin/python3', CUDA_TOOLKIT_PATH: '/usr/local/cuda-8.0', TF_CUDNN_VERSION: '{cudnnVersion}' });
  });

  it('2.17 CPU names the wheel tensorflow_cpu through WHEEL_NAME; 2.0 builds the v2 API', () => {
    const r217 = resolveRecipe('2.17').recipe;
    expect(getBazelBuildArgs(r217, { gpu: false })).toContain('--repo_env=WHEEL_NAME=tensorflow_cpu');
    expect(getPackagingStep(r217)).toEqual({ command: null, wheelDir: 'bazel-bin/tensorflow/tools/pip_package/wheel_house' });
    expect(getBazelBuildArgs(resolveRecipe('2.0').recipe, { gpu: false })).toContain('--config=v2');
  });

  it('quotes only what the shell would split', () => {
    expect(formatShellLine(['bazel', 'build', '--copt=-march=native', 'a b', "it's"])).toBe(`bazel build --copt=-march=native 'a b' 'it'\\''s'`);
  });
});

describe('recipes show and the plan agree on the bazel flags', () => {
  it('includes --config=opt, and --config=cuda for GPU builds, as a build does', () => {
    const r14 = resolveRecipe('r1.4').recipe;
    expect(getBazelBuildArgs(r14, { gpu: false, bazelVersion: '0.5.4' })).toContain('--config=opt');
    const gpu = getBazelBuildArgs(r14, { gpu: true, bazelVersion: '0.5.4' });
    expect(gpu).toContain('--config=cuda');
    expect(gpu.at(-1)).toBe('//tensorflow/tools/pip_package:build_pip_package');
  });
});
