import { describe, expect, it } from 'vitest';
import { classifyConfigureLine } from '../../../src/steps/configure.js';
import { withResources } from '../../../src/steps/bazel-build.js';
import { checkExpectedFlags, expandImplied, parseMissingCpuFlags, parseVerifyOutput, readCompiledIsa } from '../../../src/steps/verify-script.js';

// Real start-up lines of TensorFlow's cpu_feature_guard.cc (1.x and 2.x wording).
const GUARD_V1 = '2017-11-10 12:00:00.000000: I tensorflow/core/platform/cpu_feature_guard.cc:137] Your CPU supports instructions that this TensorFlow binary was not compiled to use: SSE4.1 SSE4.2 AVX AVX2 FMA';
const GUARD_V2 = '2024-07-11 10:00:00.000000: I tensorflow/core/platform/cpu_feature_guard.cc:210] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.\nTo enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.';
const HOST = ['sse4_1', 'sse4_2', 'avx', 'avx2', 'fma'];

describe('verify: cpu_feature_guard parsing', () => {
  it('reads the missing extensions in both wordings', () => {
    expect(parseMissingCpuFlags(GUARD_V1)).toEqual(['sse4.1', 'sse4.2', 'avx', 'avx2', 'fma']);
    expect(parseMissingCpuFlags(GUARD_V2)).toEqual(['avx2', 'avx512f', 'fma']);
    expect(parseMissingCpuFlags('nothing here')).toBeNull();
  });

  it('reads the compiled ISA from the guard: what the host has and that TF major reports; nothing else is claimed', () => {
    const host = [...HOST, 'avx512f'];
    // r1.4's guard does not know AVX512F: its silence says nothing, so avx512f is "cannot tell", not "compiled".
    const r = readCompiledIsa([], host, '1.4.1');
    expect(r).toMatchObject({ compiled: ['sse4.2', 'avx', 'avx2', 'fma'], missing: [], unknown: ['avx512f'] });
    expect(r.notes).toEqual(["avx512f: TensorFlow 1.4.1's start-up check does not report it"]);
    // 2.x's guard lists AVX512F.
    expect(readCompiledIsa(parseMissingCpuFlags(GUARD_V2), host, '2.17.0')).toMatchObject({ compiled: ['sse4.2', 'avx'], missing: ['avx2', 'fma', 'avx512f'], unknown: [] });
    // A host without AVX-512 cannot tell either way.
    expect(readCompiledIsa([], HOST, '2.17.0').unknown).toEqual(['avx512f']);
  });

  it('--expect-flags checks exactly the flags named', () => {
    const built = readCompiledIsa([], [...HOST, 'avx512f'], '1.4.1');
    expect(checkExpectedFlags(['avx2', 'fma'], built)).toEqual([]);
    // Nothing about fma when only avx512f is named; avx512f itself cannot be read from r1.4's guard (a note, not a failure).
    expect(checkExpectedFlags(['avx512f'], built)).toEqual([]);
    const v1 = readCompiledIsa(parseMissingCpuFlags(GUARD_V1), HOST, '1.4.1');
    expect(checkExpectedFlags(['avx2'], v1)).toEqual(['avx2 was asked for but the binary was not compiled with it']);
    expect(checkExpectedFlags([], v1)).toEqual([]);
    // `none`: anything compiled in is a problem; strict (tfbuild verify): a named flag nothing can confirm is one too.
    expect(checkExpectedFlags([], built)).toContain('avx2 was not asked for but the binary was compiled with it');
    expect(checkExpectedFlags(['avx512f'], built, true)).toEqual(["avx512f cannot be confirmed here (TensorFlow 1.4.1's start-up check does not report it)"]);
    expect(checkExpectedFlags(['native'], v1)).toHaveLength(1);
    expect([...expandImplied(['avx2'])].sort()).toEqual(['avx', 'avx2', 'sse3', 'sse4.1', 'sse4.2', 'ssse3']);
  });

  it('finds the marked JSON line among other output', () => {
    expect(parseVerifyOutput('noise\nTFBUILD_VERIFY {"version":"1.4.1","smoke":5}\n')).toMatchObject({ version: '1.4.1', smoke: 5 });
    expect(parseVerifyOutput('Traceback…')).toBeNull();
  });
});

describe('configure output watching', () => {
  it.each([
    ['Please specify the location of python. [Default is /usr/bin/python]: ', 'prompt'],
    ['Do you wish to build TensorFlow with CUDA support? [y/N]: ', 'prompt'],
    ['Please input the desired Python library path to use.  Default is [/usr/lib/python3/dist-packages]', 'prompt'],
    ['Cannot find bazel. Please install bazel.', 'bazel-error'],
    ['Please upgrade your bazel installation to version 0.5.4 or higher to build TensorFlow!', 'bazel-error'],
    ['Traceback (most recent call last):', 'error'],
    ['Configuration finished', null],
    ['You have bazel 0.5.4 installed.', null],
    ["Would you like to interactively configure ./WORKSPACE for Android builds? [y/N]: Not configuring the WORKSPACE for Android builds.", "prompt"],
  ] as const)('%s → %s', (line, kind) => expect(classifyConfigureLine(line)).toBe(kind));
});

describe('OOM retry args', () => {
  it('replaces --jobs and --local_ram_resources in place, keeping every other flag and the order', () => {
    expect(withResources(['--config=opt', '--jobs=8', '--copt=-mavx2', '--local_ram_resources=16000'], { jobs: 4, localRamMiB: 12000 })).toEqual([
      '--config=opt', '--jobs=4', '--copt=-mavx2', '--local_ram_resources=12000',
    ]);
  });
});
