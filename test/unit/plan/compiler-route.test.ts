import { describe, expect, it } from 'vitest';
import { createPlan, type ConfigureStep, type Plan } from '../../../src/plan/index.js';
import { loadCatalog } from '../../../src/recipes/index.js';
import { assessNeeds } from '../../../src/plan/verdict.js';
import { PATH_ENV, sampleFacts, sampleOptions } from './samples.js';

const r217 = () => {
  const r = loadCatalog().find((x) => x.line === 'r2.17');
  if (!r) throw new Error('no r2.17');
  return r;
};
const CLANG = { kind: 'clang' as const, version: '17.0.6', path: '/usr/lib/llvm-17/bin/clang', cxxPath: null };
const GCC = { kind: 'gcc' as const, version: '12.2.0', path: '/usr/bin/gcc', cxxPath: '/usr/bin/g++' };

function plan217(opts: Parameters<typeof sampleOptions>[0], compilers = [GCC, CLANG]): Plan {
  return createPlan({
    facts: sampleFacts({ compilers }), recipe: r217(), recipeFile: null, tag: 'v2.17.0', options: sampleOptions(opts), pathEnv: PATH_ENV,
  });
}
const env = (p: Plan) => (p.steps.find((s) => s.kind === 'configure') as ConfigureStep).env;

describe('the compiler route of a clang-era recipe (2.14+)', () => {
  it('clang when the host has it and nothing else is asked', () => {
    const p = plan217({});
    expect(env(p)).toMatchObject({ TF_NEED_CLANG: '1', CLANG_COMPILER_PATH: CLANG.path });
    expect(p.warnings.join('\n')).not.toContain('TF_NEED_CLANG=0');
  });

  it('--host-compiler naming a gcc: TF_NEED_CLANG=0, no clang path, and a warning that TF tests clang only', () => {
    const p = plan217({ hostCompiler: '/usr/bin/gcc' });
    expect(env(p).TF_NEED_CLANG).toBe('0');
    expect(env(p).CLANG_COMPILER_PATH).toBeUndefined();
    expect(p.warnings.join('\n')).toMatch(/--host-compiler \/usr\/bin\/gcc is gcc: building r2\.17 with gcc \(TF_NEED_CLANG=0\)\. TensorFlow 2\.17 is tested with Clang 17\.0\.6 only/);
  });

  it('no clang on the host: gcc with the same warning instead of a dead end', () => {
    const p = plan217({}, [GCC]);
    expect(env(p).TF_NEED_CLANG).toBe('0');
    expect(p.warnings.join('\n')).toMatch(/this host has no clang: building r2\.17 with gcc/);
  });

  it('GPU with gcc: nvcc compiles CUDA (TF_CUDA_CLANG=0) with gcc as its host compiler', () => {
    const p = plan217({ gpu: true, hostCompiler: '/usr/bin/gcc' });
    expect(env(p)).toMatchObject({ TF_NEED_CLANG: '0', TF_CUDA_CLANG: '0', GCC_HOST_COMPILER_PATH: '/usr/bin/gcc' });
    expect(env(p).CLANG_CUDA_COMPILER_PATH).toBeUndefined();
  });

  it('copts are checked against the compiler that compiles: gcc 4.8 for r1.4 drops avx512f', () => {
    const facts = sampleFacts({
      compilers: [{ kind: 'gcc', version: '4.8.5', path: '/usr/bin/gcc-4.8', cxxPath: null }],
      cpu: { model: 'x', cores: 8, flags: [], isa: ['sse4_1', 'sse4_2', 'avx', 'avx2', 'fma', 'avx512f'], copts: [], source: '/proc/cpuinfo' },
    });
    const r14 = loadCatalog().find((x) => x.line === 'r1.4');
    if (!r14) throw new Error('no r1.4');
    const p = createPlan({ facts, recipe: r14, recipeFile: null, tag: 'v1.4.1', options: sampleOptions({ hostCompiler: '/usr/bin/gcc-4.8' }), pathEnv: PATH_ENV });
    expect(env(p).CC_OPT_FLAGS).toBe('-msse4.2 -mavx -mavx2 -mfma');
    expect(p.warnings).toContain('avx512f left out: gcc 4.8.5 does not know -mavx512f (added in gcc 4.9.0).');
  });
});

describe('the verdict on gcc for a clang-era recipe', () => {
  it('accepts gcc named with --host-compiler, still naming clang as the recommended route', () => {
    const need = assessNeeds(sampleFacts({ compilers: [GCC] }), r217(), { gpu: false, hostCompiler: '/usr/bin/gcc' }).needs.find((n) => n.id === 'compiler');
    expect(need).toMatchObject({ ok: true });
    expect(need?.ok && need.message).toMatch(/TF_NEED_CLANG=0, which TensorFlow does not test .*clang >=17\.0\.0 <19\.0\.0 is the recommended route/);
  });

  it('without --host-compiler, a host lacking clang is told to install clang', () => {
    const need = assessNeeds(sampleFacts({ compilers: [GCC] }), r217(), { gpu: false }).needs.find((n) => n.id === 'compiler');
    expect(need).toMatchObject({ ok: false });
    expect(need?.ok === false && need.reason).toMatch(/needs clang/);
  });
});

describe('--cuda-source (2.18+ hermetic CUDA)', () => {
  const r218 = () => {
    const r = loadCatalog().find((x) => x.line === 'r2.18');
    if (!r) throw new Error('no r2.18');
    return r;
  };
  const plan218 = (opts: Parameters<typeof sampleOptions>[0]) =>
    createPlan({ facts: sampleFacts({ compilers: [GCC, CLANG] }), recipe: r218(), recipeFile: null, tag: 'v2.18.1', options: sampleOptions({ gpu: true, ...opts }), pathEnv: PATH_ENV });

  it('hermetic (the default) answers LOCAL_*_PATH with empty values', () => {
    expect(env(plan218({}))).toMatchObject({ LOCAL_CUDA_PATH: '', LOCAL_CUDNN_PATH: '', LOCAL_NCCL_PATH: '' });
  });

  it('local points LOCAL_CUDA_PATH and LOCAL_CUDNN_PATH at the probed toolkit and cuDNN', () => {
    expect(env(plan218({ cudaSource: 'local' }))).toMatchObject({ LOCAL_CUDA_PATH: '/usr/local/cuda-8.0', LOCAL_CUDNN_PATH: '/usr/local/cuda-8.0', LOCAL_NCCL_PATH: '' });
  });

  it('local is refused (exit 2) for a release without hermetic CUDA', () => {
    expect(() =>
      createPlan({ facts: sampleFacts(), recipe: r217(), recipeFile: null, tag: 'v2.17.0', options: sampleOptions({ gpu: true, cudaSource: 'local' }), pathEnv: PATH_ENV }),
    ).toThrow(/--cuda-source local: r2\.17 has no hermetic CUDA/);
  });
});
