/** Scripts of a TensorFlow source tree: ./configure and the built build_pip_package. */
import { run, type RunResult } from '../exec/index.js';

export interface TreeScriptSpec {
  cmd: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  signal?: AbortSignal;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** ./configure with stdin closed (a question gets EOF, never a hang) and output streamed to the log. */
export async function runTfConfigure(spec: TreeScriptSpec): Promise<RunResult> {
  return run({
    cmd: spec.cmd,
    args: spec.args,
    cwd: spec.cwd,
    env: spec.env,
    effect: 'write',
    timeout: 'configure',
    logFile: spec.logFile,
    capture: false,
    title: './configure',
    hint: `Read ${spec.logFile}; tfbuild plan shows the environment configure was given.`,
    signal: spec.signal,
    onLine: spec.onLine,
  });
}

/** `bazel-bin/.../build_pip_package DIR`: writes the wheel into DIR. */
export async function runBuildPipPackage(spec: TreeScriptSpec): Promise<RunResult> {
  return run({
    cmd: spec.cmd,
    args: spec.args,
    cwd: spec.cwd,
    env: spec.env,
    effect: 'write',
    timeout: 'install',
    logFile: spec.logFile,
    capture: false,
    title: 'build_pip_package',
    hint: `Read ${spec.logFile}. If the script is missing, the bazel step did not build the pip package target.`,
    signal: spec.signal,
  });
}
