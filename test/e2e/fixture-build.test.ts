/**
 * The TF-shaped fixture, built for real: git clone of a tag from a bare repo, ./configure with env answers, bazel 4
 * (offline), the era's packaging, a fresh venv, import from a clean directory. Drives the adapters directly.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneArgs, CLONE_ENV } from '../../src/plan/clone.js';
import type { BazelProgress } from '../../src/tools/bazel-progress.js';
import { bazelBuild, bazelShutdown, type BazelBuildResult } from '../../src/tools/bazel.js';
import { cloneTag, dirtyFiles, headCommit } from '../../src/tools/git.js';
import { createVenv, pipInstall, runPython } from '../../src/tools/python.js';
import { makeFixtureRepo, type FixtureShape } from '../helpers/fixture.js';
import {
  cpuConfigureEnv, expectedMissingV1, gccIsaMacros, packageWheel, PYTHON, readConfigureRecord, readInstalledReport, runConfigure,
} from './fixture-support.js';
import { makeTempDir } from '../helpers/tmp.js';
import { createExec } from '../../src/exec/index.js';

const tmp = makeTempDir('tfb-fixture-build-');
// One output_user_root for this file: one bazel server per fixture workspace, shut down in afterAll.
const outputUserRoot = join(tmp, 'bazel-root');
const startupArgs = [`--output_user_root=${outputUserRoot}`];
const sources: string[] = [];
let venvPython = '';

beforeAll(async () => {
  venvPython = (await createVenv({ python: PYTHON, dir: join(tmp, 'venv') }, createExec())).python;
}, 120_000);

afterAll(async () => {
  for (const cwd of sources) await bazelShutdown({ bazel: 'bazel', cwd, startupArgs }, createExec()).catch(() => undefined);
});

const TARGET: Record<FixtureShape, string> = {
  'r1.4': '//tensorflow/tools/pip_package:build_pip_package',
  '2.17': '//tensorflow/tools/pip_package:wheel',
};
const WHEEL: Record<FixtureShape, RegExp> = {
  'r1.4': /^tensorflow-1\.4\.1-cp3\d+-cp3\d+-linux_x86_64\.whl$/,
  '2.17': /^tensorflow_cpu-2\.17\.0-cp3\d+-cp3\d+-linux_x86_64\.whl$/,
};

describe.each(['r1.4', '2.17'] as FixtureShape[])('fixture %s built by real bazel', (shape) => {
  const src = join(tmp, `src-${shape}`);
  const logFile = join(tmp, `bazel-${shape}.log`);
  const env = cpuConfigureEnv(shape);
  const build = (copts: string[]): Promise<BazelBuildResult & { progress: BazelProgress[] }> => {
    const progress: BazelProgress[] = [];
    const extra = shape === '2.17' ? ['--repo_env=WHEEL_NAME=tensorflow_cpu'] : [];
    return bazelBuild({
      bazel: 'bazel', cwd: src, startupArgs, logFile,
      args: ['--config=opt', ...copts.map((c) => `--copt=${c}`), ...extra, TARGET[shape]],
      onProgress: (p) => progress.push(p),
    }, createExec()).then((r) => ({ ...r, progress }));
  };

  it('clones the tag from the bare repo and configures it with the env answers', async () => {
    const repo = makeFixtureRepo(shape, { tmp: join(tmp, `repo-${shape}`) });
    await cloneTag({ url: repo.bareRepo, tag: repo.tag, cmd: 'git', args: cloneArgs(repo.bareRepo, repo.tag, src, process.cwd()), env: CLONE_ENV }, createExec());
    sources.push(src);
    expect(await headCommit(src)).toBe(repo.commit);

    const r = runConfigure(src, env);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Configuration finished');
    // What configure saw: exactly the variables given, stdin not a terminal.
    const rec = readConfigureRecord(src);
    for (const [k, v] of Object.entries(env)) expect(rec.env[k]).toBe(v);
    expect(rec.completed).toBe(true);
    expect(rec.stdin_isatty).toBe(false);
    const bazelrc = readFileSync(join(src, '.tf_configure.bazelrc'), 'utf8');
    expect(bazelrc).toContain(`build --action_env PYTHON_BIN_PATH="${PYTHON}"`);
    expect(bazelrc).toContain('build --action_env TF_NEED_CUDA="0"');
    expect(bazelrc).toMatch(/^build:opt --.*copt=-Wno-sign-compare/m);
    if (shape === 'r1.4') {
      expect(bazelrc).toContain('build --define with_jemalloc=true');
      expect(readFileSync(join(src, '.bazelrc'), 'utf8')).toContain('import %workspace%/.tf_configure.bazelrc');
    }
    // configure's outputs are ignored files: the tree stays clean.
    expect(await dirtyFiles(src)).toEqual([]);
  });

  it('builds with -mavx2 -mfma: the wheel reports exactly what gcc defines for those flags', async () => {
    const r = await build(['-mavx2', '-mfma']);
    expect(r.exitCode).toBe(0);
    expect(r.summary.succeeded).toBe(true);
    expect(r.summary.actionsExecuted).toBeGreaterThan(0);
    expect(r.progress.length).toBeGreaterThan(0);
    expect(r.progress.every((p) => p.total > 0 && p.done <= p.total)).toBe(true);
    expect(readFileSync(logFile, 'utf8')).toMatch(/INFO: Build completed successfully/);

    const wheel = packageWheel(shape, src, join(tmp, `dist-${shape}-avx2`));
    expect(basename(wheel)).toMatch(WHEEL[shape]);
    await pipInstall({ python: venvPython, wheel, noIndex: true, reinstall: true }, createExec());
    const clean = join(tmp, `clean-${shape}`);
    mkdirSync(clean, { recursive: true });
    const report = await readInstalledReport(venvPython, shape, clean);
    expect(report.exitCode, report.stderr).toBe(0);

    const expected = gccIsaMacros(['-mavx2', '-mfma']);
    // gcc 12: -mavx2 implies AVX and every SSE level (and SSSE3); FMA comes only from -mfma; no AVX-512.
    expect(expected).toEqual(['SSE', 'SSE2', 'SSE3', 'SSSE3', 'SSE4_1', 'SSE4_2', 'AVX', 'AVX2', 'FMA']);
    expect(report.isa).toEqual(expected);
    expect(report).toMatchObject({ version: shape === 'r1.4' ? '1.4.1' : '2.17.0', cuda: false, smoke: 5, gpus: 0 });
    if (shape === 'r1.4') {
      const missing = expectedMissingV1(report.isa);
      if (missing.length === 0) expect(report.stderr).not.toMatch(/cpu_feature_guard/);
      else expect(report.stderr).toContain(`not compiled to use: ${missing.join(' ')}`);
    }
  });

  it('an identical second build executes zero actions', async () => {
    const r = await build(['-mavx2', '-mfma']);
    expect(r.summary.succeeded).toBe(true);
    expect(r.summary.actionsExecuted).toBe(0);
  });

  it('importing from inside the source tree fails the way TensorFlow does', async () => {
    const r = await runPython({ python: venvPython, code: 'import tensorflow', cwd: src });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/ImportError: Could not import the native TensorFlow runtime/);
    expect(r.stderr).toMatch(/Do not import tensorflow from its source directory/);
  });

  it('builds without copts: only the x86-64 baseline, and the start-up guard names the rest', async () => {
    const r = await build([]);
    expect(r.summary.actionsExecuted).toBeGreaterThan(0);
    const wheel = packageWheel(shape, src, join(tmp, `dist-${shape}-none`));
    await pipInstall({ python: venvPython, wheel, noIndex: true, reinstall: true }, createExec());
    const report = await readInstalledReport(venvPython, shape, join(tmp, `clean-${shape}`));
    expect(report.exitCode, report.stderr).toBe(0);
    expect(report.isa).toEqual(gccIsaMacros([]));
    expect(report.isa).toEqual(['SSE', 'SSE2']);
    const guard = shape === 'r1.4'
      ? /I tensorflow\/core\/platform\/cpu_feature_guard\.cc:137\] Your CPU supports instructions that this TensorFlow binary was not compiled to use: (.*)$/m
      : /I tensorflow\/core\/platform\/cpu_feature_guard\.cc:210\] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations\.\nTo enable the following instructions: (.*), in other operations, rebuild TensorFlow with the appropriate compiler flags\./m;
    const m = guard.exec(report.stderr);
    expect(m, report.stderr).not.toBeNull();
    if (shape === 'r1.4') expect(m![1]).toBe(expectedMissingV1(report.isa).join(' '));
    else expect(m![1]).toMatch(/AVX2/);
  });
});

describe('fixture r1.4 with --config=cuda (CUDA toolkit real, cuDNN and GPU faked)', () => {
  const cudart = '/usr/local/cuda/lib64/libcudart.so.13';
  it.skipIf(!existsSync(cudart))('configure accepts the CUDA answers; the wheel is built with CUDA; fake GPUs are visible', async () => {
    const src = join(tmp, 'src-r1.4');
    const fakeCudnn = join(tmp, 'fake-cudnn');
    mkdirSync(join(fakeCudnn, 'lib64'), { recursive: true });
    // cuDNN cannot exist here: configure only checks that libcudnn.so.<version> is present.
    writeFileSync(join(fakeCudnn, 'lib64', 'libcudnn.so.9'), '');
    const env = {
      ...cpuConfigureEnv('r1.4'), TF_NEED_CUDA: '1', TF_CUDA_CLANG: '0', TF_CUDA_VERSION: '13', CUDA_TOOLKIT_PATH: '/usr/local/cuda',
      TF_CUDNN_VERSION: '9', CUDNN_INSTALL_PATH: fakeCudnn, TF_CUDA_COMPUTE_CAPABILITIES: '8.0,9.0', GCC_HOST_COMPILER_PATH: '/usr/bin/gcc',
    };
    const c = runConfigure(src, env);
    expect(c.status, c.stdout + c.stderr).toBe(0);
    expect(readConfigureRecord(src).answers).toMatchObject({ TF_NEED_CUDA: '1', TF_CUDA_VERSION: '13', TF_CUDA_COMPUTE_CAPABILITIES: '8.0,9.0' });
    const rc = readFileSync(join(src, '.tf_configure.bazelrc'), 'utf8');
    expect(rc).toContain('build --action_env TF_NEED_CUDA="1"');
    expect(rc).toContain(`build --action_env CUDNN_INSTALL_PATH="${fakeCudnn}"`);

    const r = await bazelBuild({
      bazel: 'bazel', cwd: src, startupArgs,
      args: ['--config=opt', '--config=cuda', TARGET['r1.4']],
    }, createExec());
    expect(r.summary.succeeded).toBe(true);
    const wheel = packageWheel('r1.4', src, join(tmp, 'dist-r1.4-gpu'));
    await pipInstall({ python: venvPython, wheel, noIndex: true, reinstall: true }, createExec());
    const clean = join(tmp, 'clean-r1.4');
    expect(await readInstalledReport(venvPython, 'r1.4', clean)).toMatchObject({ cuda: true, gpus: 0, smoke: 5 });
    expect(await readInstalledReport(venvPython, 'r1.4', clean, { TFSHAPE_FAKE_GPUS: '1' })).toMatchObject({ cuda: true, gpus: 1 });
  });
});
