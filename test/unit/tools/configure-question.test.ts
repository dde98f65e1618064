/**
 * Questions configure.py prints, as they appear with stdin closed: the question and configure's reply to the empty
 * answer on one line. Lines from running the real r1.4 and current-master configure.py (../shared/reference/real-tf)
 * with nothing answered, plus wordings no table lists, which must still be caught.
 */
import { describe, expect, it } from 'vitest';
import { readConfigureQuestion } from '../../../src/tools/tf-scripts.js';

describe('readConfigureQuestion', () => {
  it.each([
    ['Would you like to interactively configure ./WORKSPACE for Android builds? [y/N]: Not configuring the WORKSPACE for Android builds.',
      'Would you like to interactively configure ./WORKSPACE for Android builds? [y/N]:', 'TF_SET_ANDROID_WORKSPACE'],
    ['Do you wish to download a fresh release of clang? (Experimental) [y/N]: Clang will not be downloaded.',
      'Do you wish to download a fresh release of clang? (Experimental) [y/N]:', 'TF_DOWNLOAD_CLANG'],
    ['Do you want to use clang as CUDA compiler? [Y/n]: Clang will be used as CUDA compiler.', 'Do you want to use clang as CUDA compiler? [Y/n]:', 'TF_CUDA_CLANG'],
    ['Do you want to use Clang to build TensorFlow? [Y/n]: Clang will be used to compile TensorFlow.', 'Do you want to use Clang to build TensorFlow? [Y/n]:', 'TF_NEED_CLANG'],
    ['Do you wish to build TensorFlow with CUDA support? [y/N]: No CUDA support will be enabled for TensorFlow.', 'Do you wish to build TensorFlow with CUDA support? [y/N]:', 'TF_NEED_CUDA'],
    ['Do you wish to build TensorFlow with jemalloc as malloc support? [Y/n]: jemalloc as malloc support will be enabled for TensorFlow.',
      'Do you wish to build TensorFlow with jemalloc as malloc support? [Y/n]:', 'TF_NEED_JEMALLOC'],
    ['Please specify the local CUDA path you want to use or leave empty to use the default version. ',
      'Please specify the local CUDA path you want to use or leave empty to use the default version.', 'LOCAL_CUDA_PATH'],
    ['Please specify the local NCCL path you want to use or leave empty to use the default version. ',
      'Please specify the local NCCL path you want to use or leave empty to use the default version.', 'LOCAL_NCCL_PATH'],
    ['Please specify the CUDA SDK version you want to use, e.g. 7.0. [Leave empty to default to CUDA 8.0]: ',
      'Please specify the CUDA SDK version you want to use, e.g. 7.0. [Leave empty to default to CUDA 8.0]:', 'TF_CUDA_VERSION'],
    ['Please input the desired Python library path to use.  Default is [/usr/lib/python3/dist-packages]',
      'Please input the desired Python library path to use.  Default is [/usr/lib/python3/dist-packages]', 'PYTHON_LIB_PATH'],
    ['Please specify optimization flags to use during compilation when bazel option "--config=opt" is specified [Default is -march=native]: ',
      'Please specify optimization flags to use during compilation when bazel option "--config=opt" is specified [Default is -march=native]:', 'CC_OPT_FLAGS'],
    ['Please specify the path to clang executable. [Default is ]: ', 'Please specify the path to clang executable. [Default is ]:', 'CLANG_COMPILER_PATH'],
    // Wordings no table knows: caught by their shape, variable unknown.
    ['Do you wish to enable the flux capacitor? [Y/n]: Flux capacitor enabled.', 'Do you wish to enable the flux capacitor? [Y/n]:', null],
    ['Please enter the warp factor to use. ', 'Please enter the warp factor to use.', null],
    ['Which linker should be used? [Default is ld]: ', 'Which linker should be used? [Default is ld]:', null],
    ['Which linker should be used: ', 'Which linker should be used:', null],
  ] as const)('%s', (line, question, variable) => {
    expect(readConfigureQuestion(line)).toEqual({ question, variable });
  });

  it('names the hermetic compute-capability variable in a hermetic tree (same question text)', () => {
    const line = 'Please specify a list of comma-separated CUDA compute capabilities you want to build with.';
    expect(readConfigureQuestion(line)?.variable).toBe('TF_CUDA_COMPUTE_CAPABILITIES');
    expect(readConfigureQuestion(line, { hermetic: true })?.variable).toBe('HERMETIC_CUDA_COMPUTE_CAPABILITIES');
  });

  it.each([
    'You have bazel 0.5.4 installed.',
    'Configuration finished',
    'jemalloc as malloc support will be enabled for TensorFlow.',
    'Invalid clang path.  cannot be found. Note that TensorFlow now requires clang to compile.',
    'Please note that each additional compute capability significantly increases your build time and binary size.',
    'Preconfigured Bazel build configs. You can use any of the below by adding "--config=<>" to your build command.',
    '	--config=mkl         	# Build with MKL support.',
    'Found possible Python library paths:',
  ])('asks nothing: %s', (line) => expect(readConfigureQuestion(line)).toBeNull());
});
