/** Scripts of a TensorFlow source tree: ./configure and the built build_pip_package. */
import type { Exec, RunResult } from '../exec/index.js';

export interface TreeScriptSpec {
  cmd: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  signal?: AbortSignal;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** A script of the tree, output streamed to its log (stdin closed by run: a question gets EOF, never a hang). */
function runTreeScript(x: Exec, spec: TreeScriptSpec, how: { timeout: 'configure' | 'install'; title: string; hint: string }): Promise<RunResult> {
  return x.run({
    cmd: spec.cmd,
    args: spec.args,
    cwd: spec.cwd,
    env: spec.env,
    effect: 'write',
    logFile: spec.logFile,
    capture: false,
    signal: spec.signal,
    onLine: spec.onLine,
    ...how,
  });
}

/** ./configure with stdin closed (a question gets EOF, never a hang) and output streamed to the log. */
export async function runTfConfigure(spec: TreeScriptSpec, x: Exec): Promise<RunResult> {
  return runTreeScript(x, spec, { timeout: 'configure', title: './configure', hint: `Read ${spec.logFile}; tfbuild plan shows the environment configure was given.` });
}

/** `bazel-bin/.../build_pip_package DIR`: writes the wheel into DIR. */
export async function runBuildPipPackage(spec: TreeScriptSpec, x: Exec): Promise<RunResult> {
  return runTreeScript(x, spec, {
    timeout: 'install',
    title: 'build_pip_package',
    hint: `Read ${spec.logFile}. If the script is missing, the bazel step did not build the pip package target.`,
  });
}

/** A question ./configure printed: the text up to its answer suffix, and the variable that answers it when known. */
export interface ConfigureQuestion {
  question: string;
  variable: string | null;
}

/**
 * How configure.py marks a question, whatever its wording: a yes/no suffix, "Please specify/input/enter …", a
 * "[Default is …]" offer, or a line left ending in ": " or "? " (input() printed the prompt and got EOF: no newline
 * of its own). With stdin closed, get_input() returns '' and the reply is printed on the same line, so the suffix
 * is searched anywhere in the line, not only at its end.
 */
const YES_NO = /\[[Yy]\/[Nn]\]:?/;
const DEFAULT_OFFER = /\[Default is [^\]]*\]:?|Default is \[[^\]]*\]/;
const PLEASE = /^\s*Please (?:specify|input|enter|provide|select|choose)\b/;
const LEFT_OPEN = /[:?] +$/;

/**
 * The variable behind a question, keyed on the stable part of its wording (the feature or path it names), which
 * r1.x and current configure.py share. Booleans ask "… with FEATURE support?".
 */
const QUESTION_VARIABLES: ReadonlyArray<readonly [RegExp, string]> = [
  [/jemalloc/i, 'TF_NEED_JEMALLOC'],
  [/Google Cloud Platform/i, 'TF_NEED_GCP'],
  [/Hadoop File System/i, 'TF_NEED_HDFS'],
  [/Amazon S3/i, 'TF_NEED_S3'],
  [/Apache Kafka/i, 'TF_NEED_KAFKA'],
  [/Apache Ignite/i, 'TF_NEED_IGNITE'],
  [/\bAWS\b/, 'TF_NEED_AWS'],
  [/\bXLA\b/, 'TF_ENABLE_XLA'],
  [/\bGDR\b/, 'TF_NEED_GDR'],
  [/\bVERBS\b/, 'TF_NEED_VERBS'],
  [/\bnGraph\b/i, 'TF_NEED_NGRAPH'],
  [/ComputeCPP support/i, 'TF_NEED_COMPUTECPP'],
  [/OpenCL SYCL/, 'TF_NEED_OPENCL_SYCL'],
  [/\bOpenCL\b/, 'TF_NEED_OPENCL'],
  [/\bROCm\b/, 'TF_NEED_ROCM'],
  [/TensorRT/i, 'TF_NEED_TENSORRT'],
  [/\bMPI toolkit\b/, 'MPI_HOME'],
  [/\bMPI\b/, 'TF_NEED_MPI'],
  [/\biOS\b/, 'TF_CONFIGURE_IOS'],
  [/Android builds/i, 'TF_SET_ANDROID_WORKSPACE'],
  [/Android NDK API level/i, 'ANDROID_NDK_API_LEVEL'],
  [/Android NDK/i, 'ANDROID_NDK_HOME'],
  [/Android SDK API level/i, 'ANDROID_API_LEVEL'],
  [/Android SDK/i, 'ANDROID_SDK_HOME'],
  [/Android build tools/i, 'ANDROID_BUILD_TOOLS_VERSION'],
  [/download a fresh release of clang/i, 'TF_DOWNLOAD_CLANG'],
  [/clang as CUDA compiler/i, 'TF_CUDA_CLANG'],
  [/use Clang to build TensorFlow/i, 'TF_NEED_CLANG'],
  [/which clang should be used|clang path that to be used/i, 'CLANG_CUDA_COMPILER_PATH'],
  [/path to clang executable/i, 'CLANG_COMPILER_PATH'],
  [/gcc should be used by nvcc/i, 'GCC_HOST_COMPILER_PATH'],
  [/local CUDA path/i, 'LOCAL_CUDA_PATH'],
  [/local CUDNN path/i, 'LOCAL_CUDNN_PATH'],
  [/local NCCL path/i, 'LOCAL_NCCL_PATH'],
  [/hermetic CUDA version/i, 'HERMETIC_CUDA_VERSION'],
  [/hermetic cuDNN version/i, 'HERMETIC_CUDNN_VERSION'],
  [/CUDA SDK version/i, 'TF_CUDA_VERSION'],
  [/CUDA \S* ?toolkit is installed/i, 'CUDA_TOOLKIT_PATH'],
  [/cuDNN version/i, 'TF_CUDNN_VERSION'],
  [/cuDNN \S* ?library is installed/i, 'CUDNN_INSTALL_PATH'],
  [/compute capabilities/i, 'TF_CUDA_COMPUTE_CAPABILITIES'],
  [/C\+\+ compiler should be used/i, 'HOST_CXX_COMPILER'],
  [/C compiler should be used/i, 'HOST_C_COMPILER'],
  [/ComputeCpp/i, 'COMPUTECPP_TOOLKIT_PATH'],
  [/location of python/i, 'PYTHON_BIN_PATH'],
  [/Python library path/i, 'PYTHON_LIB_PATH'],
  [/optimization flags/i, 'CC_OPT_FLAGS'],
  [/with CUDA support/, 'TF_NEED_CUDA'],
];

/**
 * The question in a line of configure output (null when the line asks nothing). `hermetic`: the tree's era names
 * compute capabilities HERMETIC_CUDA_COMPUTE_CAPABILITIES (2.18+), with the same question text as TF_CUDA_….
 */
export function readConfigureQuestion(line: string, opts: { hermetic?: boolean } = {}): ConfigureQuestion | null {
  const text = line.trimEnd();
  const yn = YES_NO.exec(line);
  const offer = yn ? null : DEFAULT_OFFER.exec(line);
  if (!yn && !offer && !PLEASE.test(line) && !LEFT_OPEN.test(line)) return null;
  // The question ends at its suffix; what follows is configure's reply to the empty answer.
  const end = yn ? yn.index + yn[0].length : offer ? offer.index + offer[0].length : text.length;
  const question = text.slice(0, end).trim();
  let variable = QUESTION_VARIABLES.find(([re]) => re.test(question))?.[1] ?? null;
  if (variable === 'TF_CUDA_COMPUTE_CAPABILITIES' && opts.hermetic === true) variable = 'HERMETIC_CUDA_COMPUTE_CAPABILITIES';
  return { question, variable };
}
