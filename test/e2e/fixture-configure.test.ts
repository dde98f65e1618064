/**
 * The fixture's ./configure behaves like the release it imitates, so tfbuild's configure step is tested against the
 * real failure shapes: r1.4 int() booleans, prompts on stdin, exit 0 without bazel; 2.17's boolean words.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixtureTree, type FixtureShape } from '../helpers/fixture.js';
import { cpuConfigureEnv, PYTHON, readConfigureRecord, runConfigure } from './fixture-support.js';
import { makeTempDir } from '../helpers/tmp.js';

const tmp = makeTempDir('tfb-fixture-configure-');

/** A PATH directory with python and what the bash wrapper needs, but no bazel (/bin is /usr/bin on Debian). */
function pathWithoutBazel(): string {
  const bin = join(tmp, 'bin-nobazel');
  if (existsSync(bin)) return bin;
  mkdirSync(bin);
  symlinkSync(PYTHON, join(bin, 'python3'));
  for (const tool of ['bash', 'dirname', 'which']) symlinkSync(execFileSync('which', [tool], { encoding: 'utf8' }).trim(), join(bin, tool));
  return bin;
}
let n = 0;
const tree = (shape: FixtureShape) => {
  const dir = join(tmp, `${shape}-${n++}`);
  copyFixtureTree(shape, dir);
  return dir;
};

describe('r1.4-shaped configure', () => {
  it('rejects a boolean that is not an integer with int()\'s ValueError traceback', () => {
    const dir = tree('r1.4');
    const r = runConfigure(dir, { ...cpuConfigureEnv('r1.4'), TF_NEED_GCP: 'true' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ValueError: invalid literal for int\(\) with base 10: 'true'/);
    expect(r.stdout).not.toContain('Configuration finished');
    // It saw the bad value.
    expect(readConfigureRecord(dir).env.TF_NEED_GCP).toBe('true');
  });

  it('an empty boolean is a ValueError too; an empty string variable prompts', () => {
    const r = runConfigure(tree('r1.4'), { ...cpuConfigureEnv('r1.4'), TF_NEED_HDFS: '' });
    expect(r.stderr).toMatch(/ValueError: invalid literal for int\(\) with base 10: ''/);
    const p = runConfigure(tree('r1.4'), { ...cpuConfigureEnv('r1.4'), CC_OPT_FLAGS: '' });
    expect(p.status).toBe(1);
    expect(p.stdout).toContain('Please specify optimization flags to use during compilation');
    expect(p.stderr).toMatch(/EOFError/);
  });

  it('prompts (reads stdin) for a missing variable and fails on closed stdin', () => {
    const env = cpuConfigureEnv('r1.4');
    delete (env as Record<string, string | undefined>).TF_NEED_MPI;
    const r = runConfigure(tree('r1.4'), env);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Do you wish to build TensorFlow with MPI support? [y/N]: ');
    expect(r.stderr).toMatch(/EOFError: EOF when reading a line/);
  });

  it('prints and exits 0 when bazel is missing, writing no .tf_configure.bazelrc', () => {
    const dir = tree('r1.4');
    const r = runConfigure(dir, cpuConfigureEnv('r1.4'), { path: pathWithoutBazel() });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Cannot find bazel. Please install bazel.');
    expect(existsSync(join(dir, '.tf_configure.bazelrc'))).toBe(false);
  });

  it('CUDA answers are validated against the files on disk (missing cuDNN → prompt)', () => {
    const env = {
      ...cpuConfigureEnv('r1.4'), TF_NEED_CUDA: '1', TF_CUDA_CLANG: '0', TF_CUDA_VERSION: '13', CUDA_TOOLKIT_PATH: '/usr/local/cuda',
      TF_CUDNN_VERSION: '9', CUDNN_INSTALL_PATH: join(tmp, 'no-cudnn'), TF_CUDA_COMPUTE_CAPABILITIES: '8.0', GCC_HOST_COMPILER_PATH: '/usr/bin/gcc',
    };
    const r = runConfigure(tree('r1.4'), env);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/Invalid path to (CUDA 13 toolkit|cuDNN 9 toolkit)/);
    expect(r.stderr).toMatch(/EOFError/);
  });
});

describe('2.17-shaped configure', () => {
  it('accepts true/false/yes/no/1/0 booleans', () => {
    const dir = tree('2.17');
    const r = runConfigure(dir, { ...cpuConfigureEnv('2.17'), TF_NEED_ROCM: 'no', TF_NEED_CUDA: 'false', TF_NEED_CLANG: 'n' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(readConfigureRecord(dir).answers).toMatchObject({ TF_NEED_ROCM: '0', TF_NEED_CUDA: '0', TF_NEED_CLANG: '0' });
    // The true words (and '0'), on the one boolean whose "yes" asks nothing more here (CUDA wants a toolkit, clang a binary).
    for (const yes of ['true', 'yes', '1']) {
      const d = tree('2.17');
      const t = runConfigure(d, { ...cpuConfigureEnv('2.17'), TF_NEED_ROCM: yes });
      expect(t.status, t.stdout + t.stderr).toBe(0);
      expect(readConfigureRecord(d).answers).toMatchObject({ TF_NEED_ROCM: '1', TF_NEED_CUDA: '0' }); // cpuConfigureEnv's CUDA is '0'
    }
  });

  it('rejects other boolean words with UserInputError', () => {
    const r = runConfigure(tree('2.17'), { ...cpuConfigureEnv('2.17'), TF_NEED_ROCM: 'maybe' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/UserInputError: Environment variable TF_NEED_ROCM must be set as a boolean indicator/);
  });

  it('TF_NEED_CLANG=1 without clang keeps asking for its path (closed stdin → EOFError)', () => {
    const r = runConfigure(tree('2.17'), { ...cpuConfigureEnv('2.17'), TF_NEED_CLANG: '1', CLANG_COMPILER_PATH: '/nonexistent/clang' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Invalid clang path. /nonexistent/clang cannot be found');
    expect(r.stderr).toMatch(/EOFError/);
  });

  it('exits 1 (not 0) when bazel is missing', () => {
    const r = runConfigure(tree('2.17'), cpuConfigureEnv('2.17'), { path: pathWithoutBazel() });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Cannot find bazel');
  });
});
