// Runs the compiled CLI (npm test builds first; built here too when dist lacks the command).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { makeTempDir } from '../../helpers/tmp.js';

const root = new URL('../../../', import.meta.url).pathname;
const bin = `${root}bin/tfbuild.js`;
const tfbuild = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1', NO_COLOR: '1' } });
const r14 = () => YAML.parse(readFileSync(`${root}recipes/r1.4.yaml`, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function writeTmp(name: string, text: string): string {
  const dir = makeTempDir('tfbuild-recipe-');
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

// Each case spawns node (seconds on a loaded 2-core machine): allow well over the 30 s default.
describe('tfbuild recipes (compiled CLI)', { timeout: 120_000 }, () => {
  beforeAll(() => {
  }, 120_000);

  it('--json lists all 38 releases with version, line, tags and the docs table strings', () => {
    const r = tfbuild(['recipes', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { version: string; line: string; tags: { default: string; known: string[] }; tested: Record<string, string> }[];
    expect(rows).toHaveLength(38);
    const r14row = rows.find((x) => x.version === '1.4.0');
    expect(r14row).toMatchObject({ line: 'r1.4', tags: { default: 'v1.4.1', known: ['v1.4.0', 'v1.4.1'] } });
    expect(r14row?.tested).toEqual({ python: '2.7, 3.3-3.6', compiler: 'GCC 4.8', bazel: '0.5.4', cudnn: '6', cuda: '8' });
    expect(rows.at(-1)?.tested).toEqual({ python: '3.10-3.13', compiler: 'Clang 18.1.8', bazel: '7.4.1', cudnn: '9.3', cuda: '12.5' });
  });

  it('prints a table of releases by default', () => {
    const r = tfbuild(['recipes']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/│ 1\.4\.0\s+│ r1\.4\s+│ v1\.4\.1\s+│ 2\.7, 3\.3-3\.6 │ GCC 4\.8\s+│ 0\.5\.4\s+│ 6\s+│ 8\s+│ configure\.py │ E1/);
  });

  it('show r1.4 --gpu --json: the recipe, the tag and the exact configure env and bazel command it implies', () => {
    const r = tfbuild(['recipes', 'show', 'v1.4.0', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { tag: string; recipe: { line: string; patches: string[] }; implied: Record<'cpu' | 'gpu', { configureEnv: { name: string; value: string }[]; bazel: string[]; packaging: string[] }> };
    expect(j.tag).toBe('v1.4.0');
    expect(j.recipe.patches).toEqual(['nasm-mirror']);
    const gpuEnv = Object.fromEntries(j.implied.gpu.configureEnv.map((e) => [e.name, e.value]));
    // The matrix §5.8 set, booleans as 0/1.
    expect(Object.keys(gpuEnv).sort()).toEqual(
      ['PYTHON_BIN_PATH', 'PYTHON_LIB_PATH', 'TF_NEED_JEMALLOC', 'TF_NEED_GCP', 'TF_NEED_HDFS', 'TF_NEED_S3', 'TF_ENABLE_XLA', 'TF_NEED_GDR', 'TF_NEED_VERBS', 'TF_NEED_OPENCL', 'TF_NEED_MPI', 'TF_NEED_CUDA', 'TF_CUDA_CLANG', 'TF_CUDA_VERSION', 'CUDA_TOOLKIT_PATH', 'TF_CUDNN_VERSION', 'CUDNN_INSTALL_PATH', 'TF_CUDA_COMPUTE_CAPABILITIES', 'GCC_HOST_COMPILER_PATH', 'CC_OPT_FLAGS'].sort(),
    );
    expect(gpuEnv).toMatchObject({ TF_NEED_JEMALLOC: '1', TF_NEED_GCP: '0', TF_NEED_CUDA: '1', TF_CUDA_CLANG: '0' });
    const cpuEnv = Object.fromEntries(j.implied.cpu.configureEnv.map((e) => [e.name, e.value]));
    expect(cpuEnv.TF_NEED_CUDA).toBe('0');
    expect(cpuEnv.CUDA_TOOLKIT_PATH).toBeUndefined();
    expect(j.implied.gpu.bazel).toEqual(['bazel', 'build', '--config=opt', '--config=cuda', '//tensorflow/tools/pip_package:build_pip_package']);
    expect(j.implied.cpu.packaging).toEqual(['bazel-bin/tensorflow/tools/pip_package/build_pip_package', '/tmp/tensorflow_pkg']);
  });

  it('show 2.21 --gpu: wheel rule with USE_PYWRAP_RULES, WHEEL_NAME and --config=cuda_wheel', () => {
    const r = tfbuild(['recipes', 'show', '2.21', '--gpu']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'bazel build --config=opt --config=cuda --config=cuda_wheel --repo_env=TF_PYTHON_VERSION={pythonVersion} --repo_env=HERMETIC_PYTHON_VERSION={pythonVersion} --repo_env=WHEEL_NAME=tensorflow --repo_env=USE_PYWRAP_RULES=1 //tensorflow/tools/pip_package:wheel',
    );
    expect(r.stdout).toContain('export HERMETIC_CUDA_VERSION=12.5.1');
  });

  it('show r1.4 --gpu names the wheel build_pip_package really writes (tensorflow-*, it is given no --project_name)', () => {
    const r = tfbuild(['recipes', 'show', 'r1.4', '--gpu']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/# wheel: \S+\/tensorflow-\*\.whl/);
    expect(r.stdout).not.toContain('tensorflow_gpu');
  });

  it('an unknown version exits 4 naming the closest releases; a missing one exits 2', () => {
    const r = tfbuild(['recipes', 'show', '9.9']);
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('closest known releases: r2.19 (v2.19.1), r2.20 (v2.20.0), r2.21 (v2.21.0)');
    expect(tfbuild(['recipes', 'show']).status).toBe(2);
    const patch = tfbuild(['recipes', 'show', '1.4.7']);
    expect(patch.status).toBe(4);
    expect(patch.stderr).toContain('known tags of r1.4: v1.4.0, v1.4.1 (default v1.4.1)');
  });

  it('a custom recipe with schema errors: exit 4 and every problem listed with file and field path', () => {
    const bad = r14();
    bad.version = '1.4';
    bad.bazel.range = 'not a range';
    delete bad.python;
    bad.configure.env[2].bool = 'yes';
    bad.build.era = 'E9';
    bad.colour = 'blue';
    const file = writeTmp('bad.yaml', YAML.stringify(bad));
    const r = tfbuild(['recipes', 'show', '--recipe', file]);
    expect(r.status).toBe(4);
    expect(r.stderr).toContain(`Recipe file ${file} is invalid (6 problems).`);
    for (const p of ['version: a release version like "1.4.0"', 'bazel.range: not a valid semver range', 'python: missing required field (object)', 'configure.env.2.bool: ', 'build.era: ', 'colour: unknown field']) {
      expect(r.stderr).toContain(`${file}: ${p}`);
    }
  });

  it('a custom recipe breaking cross-field rules (JSON): exit 4 and every rule problem listed', () => {
    const bad = r14();
    bad.tags.default = 'v1.4.9';
    bad.patches = ['nasm-mirror', 'no-such-patch'];
    bad.containers.gpu = 'cuda7-ubuntu14.04';
    bad.configure.env[0].value = '{pythonHome}';
    bad.bazel.tested = '0.11.0';
    bad.tested.bazel = '0.11.0';
    const file = writeTmp('bad.json', JSON.stringify(bad));
    const r = tfbuild(['recipes', 'show', 'r1.4', '--recipe', file]);
    expect(r.status).toBe(4);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith(`  ${file}: `));
    expect(lines.map((l) => l.slice(file.length + 4).split(':')[0])).toEqual(
      expect.arrayContaining(['tags.default', 'bazel.range', 'configure.env.0.value', 'patches.1', 'containers.gpu']),
    );
    expect(r.stderr).toContain('no patch file patches/no-such-patch.yaml');
    expect(r.stderr).toContain('unknown template variable {pythonHome} in PYTHON_BIN_PATH');
  });

  it('a valid custom recipe is shown like a shipped one', () => {
    const mine = r14();
    mine.tags.known.push('v1.4.2');
    mine.tags.default = 'v1.4.2';
    const file = writeTmp('mine.yaml', YAML.stringify(mine));
    const r = tfbuild(['recipes', 'show', '--recipe', file, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { tag: string }).tag).toBe('v1.4.2');
  });
});

describe('a reader that goes away (tfbuild recipes | head -1)', { timeout: 120_000 }, () => {
  it('exits 0 without an EPIPE stack trace', () => {
    // `true` exits before node has started, so every write meets a closed pipe.
    for (const args of ['recipes', 'recipes --json', 'explain --help']) {
      const r = spawnSync('/bin/bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" ${args} | true`], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
      expect(r.stderr, args).not.toMatch(/EPIPE|Unhandled 'error' event/);
      expect(r.status, `${args}: ${r.stderr}`).toBe(0);
    }
  });
});
