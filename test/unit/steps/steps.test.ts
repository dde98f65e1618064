import { describe, expect, it } from 'vitest';
import { classifyConfigureLine } from '../../../src/steps/configure.js';
import { withResources } from '../../../src/steps/bazel-build.js';
import { checkCpuFlags, expandImplied, parseMissingCpuFlags, parseVerifyOutput } from '../../../src/steps/verify-script.js';

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

  it('accepts a build with exactly the asked flags (and what they imply) and rejects others', () => {
    // Built with -mavx2 -mfma (which imply AVX, SSE4.2, SSE4.1): the guard lists nothing on this host.
    expect(checkCpuFlags(['avx2', 'fma'], [], HOST)).toEqual({ problems: [], compiled: ['sse4.2', 'avx', 'avx2', 'fma'] });
    expect(checkCpuFlags([], parseMissingCpuFlags(GUARD_V1), HOST).problems).toEqual([]);
    expect(checkCpuFlags(['avx2', 'fma'], parseMissingCpuFlags(GUARD_V1), HOST).problems).toEqual([
      'sse4.2 was asked for but the binary was not compiled with it',
      'avx was asked for but the binary was not compiled with it',
      'avx2 was asked for but the binary was not compiled with it',
      'fma was asked for but the binary was not compiled with it',
    ]);
    expect(checkCpuFlags([], [], HOST).problems).toContain('avx2 was not asked for but the binary was compiled with it');
    expect(checkCpuFlags(['native'], ['avx2'], HOST).problems).toHaveLength(1);
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
