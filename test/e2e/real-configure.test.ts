/**
 * TensorFlow's real configure.py (r1.4, and current master standing in for 2.18+) run by tfbuild's configure step
 * with the env tfbuild plans from the recipes, stdin closed: it must ask nothing, and taking away any one variable
 * must make the step stop and name that variable's question (or show configure.py does not ask for it).
 * Only bazel, clang and a CUDA 8 / cuDNN 6 install are faked (none can exist here); TF's files are copied into temp
 * trees, never into the project.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TfbuildError } from '../../src/errors.js';
import { buildConfigureEnv, type CompilerRoute, type TemplateValues } from '../../src/plan/configure-env.js';
import type { ConfigureStep, Plan } from '../../src/plan/index.js';
import { loadCatalog } from '../../src/recipes/index.js';
import { runConfigureStep } from '../../src/steps/configure.js';
import { readConfigureQuestion } from '../../src/tools/tf-scripts.js';
import { findRealTf } from '../helpers/real-tf.js';
import { makeTempDir } from '../helpers/tmp.js';
import { createExec } from '../../src/exec/index.js';

const REAL = findRealTf();
const tmp = makeTempDir('tfb-real-configure-');
const PY = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
const PYLIB = execFileSync(PY, ['-c', 'import site; print(site.getsitepackages()[0])'], { encoding: 'utf8' }).trim();

type Era = 'r1.4' | 'master';
/** Which recipe's env each real configure.py gets: master stands in for the 2.18+ releases (SOURCES.md). */
const ERA = {
  'r1.4': { file: 'r1.4/configure.py', line: 'r1.4', bazel: '0.5.4' },
  master: { file: 'master-latest/configure.py', line: 'r2.21', bazel: '7.4.1' },
} as const;

/**
 * Variables the env answers but configure.py asks no question about when they are missing (documented here so a
 * variable that silently stops being asked about fails the test): read on macOS only, read only on the other path of
 * a CPU/GPU branch, or read with a plain environ.get().
 */
const NOT_ASKED: Record<Era, Record<'cpu' | 'gpu', readonly string[]>> = {
  'r1.4': { cpu: [], gpu: [] },
  master: {
    // TF_ENABLE_XLA: environ.get() only (no --define when unset); TF_CONFIGURE_IOS: configure_ios() returns on Linux.
    cpu: ['TF_ENABLE_XLA', 'TF_CONFIGURE_IOS'],
    // The GPU branch never reaches choose_compiler()/set_clang_compiler_path(); TF_NEED_TENSORRT is gone from master.
    gpu: ['TF_ENABLE_XLA', 'TF_CONFIGURE_IOS', 'TF_NEED_CLANG', 'CLANG_COMPILER_PATH', 'TF_NEED_TENSORRT'],
  },
};

const bin = join(tmp, 'bin');
mkdirSync(bin);
/** bazel: r1.4 reads `bazel version`'s Build label, master `bazel --version`. */
function writeBazel(version: string): string {
  const dir = join(tmp, `bazel-${version}`);
  mkdirSync(dir, { recursive: true });
  const f = join(dir, 'bazel');
  writeFileSync(f, `#!/bin/sh\nif [ "$1" = --version ]; then echo "bazel ${version}"; else echo "Build label: ${version}"; fi\n`);
  chmodSync(f, 0o755);
  return dir;
}
const clang = join(bin, 'clang');
writeFileSync(clang, '#!/bin/sh\necho "clang version 18.1.8"\n');
chmodSync(clang, 0o755);
const cuda = join(tmp, 'cuda-8.0');
mkdirSync(join(cuda, 'lib64'), { recursive: true });
writeFileSync(join(cuda, 'lib64', 'libcudart.so.8.0'), '');
writeFileSync(join(cuda, 'lib64', 'libcudnn.so.6'), '');

const VARS: TemplateValues = {
  python: PY, pythonLib: PYLIB, pythonVersion: '3.11', hostCompiler: '/usr/bin/gcc', clang, ccOptFlags: '-msse4.2 -mavx -mavx2 -mfma',
  cudaPath: cuda, cudaVersion: '8.0', cudnnPath: cuda, cudnnVersion: '6', computeCapabilities: '3.5,5.2', wheelName: 'tensorflow',
};

function plannedEnv(era: Era, gpu: boolean, route: CompilerRoute | null = null): Record<string, string> {
  const recipe = loadCatalog().find((r) => r.line === ERA[era].line);
  if (!recipe) throw new Error(`no recipe ${ERA[era].line}`);
  const vars = era === 'master' ? { ...VARS, computeCapabilities: '8.0,9.0' } : VARS;
  return buildConfigureEnv(recipe, gpu, vars, route);
}

let n = 0;
interface Outcome {
  error: TfbuildError | null;
  log: string;
  bazelrc: string | null;
}

async function configure(era: Era, env: Record<string, string>): Promise<Outcome> {
  if (!REAL) throw new Error('unreachable');
  const dir = join(tmp, `${era}-${n++}`);
  mkdirSync(join(dir, 'tools'), { recursive: true });
  writeFileSync(join(dir, 'WORKSPACE'), '');
  copyFileSync(join(REAL, 'common', 'configure'), join(dir, 'configure'));
  chmodSync(join(dir, 'configure'), 0o755);
  copyFileSync(join(REAL, ERA[era].file), join(dir, 'configure.py'));
  const step: ConfigureStep = {
    id: 'configure', kind: 'configure', title: 'configure', cmd: './configure', args: [], cwd: dir, env,
    pathPrepend: [writeBazel(ERA[era].bazel), bin], bazelrc: '.tf_configure.bazelrc', exitsZeroOnBazelFailure: era === 'r1.4',
  };
  const logDir = join(dir, 'logs');
  mkdirSync(logDir);
  const ctx = {
    plan: {} as Plan, exec: createExec(), signal: new AbortController().signal, emit: () => {}, outputs: {}, logDir, runId: 'real',
    setStatus: () => {}, currentLog: null,
  };
  let error: TfbuildError | null = null;
  let bazelrc: string | null = null;
  try {
    await runConfigureStep(step, ctx);
    bazelrc = readFileSync(join(dir, '.tf_configure.bazelrc'), 'utf8');
  } catch (e) {
    if (!(e instanceof TfbuildError)) throw e;
    error = e;
  }
  return { error, log: readFileSync(join(logDir, 'real-configure.log'), 'utf8'), bazelrc };
}

describe.skipIf(REAL === null)('the real configure.py with tfbuild\'s planned env', () => {
  for (const era of ['r1.4', 'master'] as const) {
    for (const gpu of [false, true]) {
      const kind = gpu ? 'gpu' : 'cpu';
      describe(`${era} ${kind}`, () => {
        const full = plannedEnv(era, gpu);
        let baseline: Outcome;

        it('asks nothing and writes .tf_configure.bazelrc', async () => {
          baseline = await configure(era, full);
          expect(baseline.error, baseline.log).toBeNull();
          const questions = baseline.log.split('\n').filter((l) => readConfigureQuestion(l) !== null);
          expect(questions).toEqual([]);
          expect(baseline.bazelrc).toContain('PYTHON_BIN_PATH');
          if (gpu && era === 'master') expect(baseline.bazelrc).toMatch(/--repo_env[ =]HERMETIC_CUDA_VERSION="?12\.5\.1/);
          if (gpu && era === 'r1.4') expect(baseline.bazelrc).toContain(`CUDA_TOOLKIT_PATH="${cuda}"`);
          // Hermetic CUDA: an empty LOCAL_*_PATH answers the question and writes nothing.
          if (gpu && era === 'master') expect(baseline.bazelrc).not.toMatch(/LOCAL_(CUDA|CUDNN|NCCL)_PATH/);
          if (!gpu && era === 'master') expect(baseline.bazelrc).toContain(`--repo_env=CC=${clang}`);
        });

        const names = Object.keys(full).filter((k) => k !== 'LANG' && k !== 'LC_ALL');
        it.each(names)('without %s: the step stops and names its question (or configure.py does not ask)', async (name) => {
          const env = { ...full };
          delete env[name];
          const r = await configure(era, env);
          if (NOT_ASKED[era][kind].includes(name)) {
            expect(r.error, r.log).toBeNull();
            expect(r.log.split('\n').filter((l) => readConfigureQuestion(l) !== null)).toEqual([]);
            return;
          }
          expect(r.error?.kind, r.log).toBe('tool');
          expect(r.error?.message).toMatch(/^\.\/configure asked a question tfbuild did not answer/);
          expect(r.error?.message).toContain(`(${name})`);
          expect(r.error?.hint).toContain(`Add ${name} to the recipe`);
        });
      });
    }
  }
});

describe.skipIf(REAL === null)('current master\'s configure.py with gcc (TF_NEED_CLANG=0, what --host-compiler gcc plans)', () => {
  for (const gpu of [false, true]) {
    it(`${gpu ? 'GPU (nvcc, gcc as its host compiler)' : 'CPU'}: asks nothing and writes no clang`, async () => {
      const env = plannedEnv('master', gpu, { clang: false, warnings: [] });
      expect(env.TF_NEED_CLANG).toBe('0');
      const r = await configure('master', env);
      expect(r.error, r.log).toBeNull();
      expect(r.log.split('\n').filter((l) => readConfigureQuestion(l) !== null)).toEqual([]);
      expect(r.bazelrc).not.toMatch(/CLANG_COMPILER_PATH|--config=cuda_clang/);
      // configure.py resolves the symlink (/usr/bin/gcc → x86_64-linux-gnu-gcc-12 on Debian).
      if (gpu) expect(r.bazelrc).toMatch(/GCC_HOST_COMPILER_PATH="\/usr\/bin\/\S*gcc/);
    });
  }
});

describe.skipIf(REAL === null)('current master\'s configure.py with --cuda-source local', () => {
  it('asks nothing and hands bazel the local toolkit and cuDNN as LOCAL_CUDA_PATH / LOCAL_CUDNN_PATH', async () => {
    const recipe = loadCatalog().find((r) => r.line === 'r2.21');
    if (!recipe) throw new Error('no r2.21');
    const env = buildConfigureEnv(recipe, true, { ...VARS, computeCapabilities: '8.0,9.0' }, null, 'local');
    const r = await configure('master', env);
    expect(r.error, r.log).toBeNull();
    expect(r.log.split('\n').filter((l) => readConfigureQuestion(l) !== null)).toEqual([]);
    expect(r.bazelrc).toMatch(new RegExp(`--repo_env[ =]LOCAL_CUDA_PATH="?${cuda}`));
    expect(r.bazelrc).toMatch(new RegExp(`--repo_env[ =]LOCAL_CUDNN_PATH="?${cuda}`));
    expect(r.bazelrc).not.toContain('LOCAL_NCCL_PATH');
  });
});
