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

/** A script of the tree, output streamed to its log (stdin closed by run: a question gets EOF, never a hang). */
function runTreeScript(spec: TreeScriptSpec, how: { timeout: 'configure' | 'install'; title: string; hint: string }): Promise<RunResult> {
  return run({
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
export async function runTfConfigure(spec: TreeScriptSpec): Promise<RunResult> {
  return runTreeScript(spec, { timeout: 'configure', title: './configure', hint: `Read ${spec.logFile}; tfbuild plan shows the environment configure was given.` });
}

/** `bazel-bin/.../build_pip_package DIR`: writes the wheel into DIR. */
export async function runBuildPipPackage(spec: TreeScriptSpec): Promise<RunResult> {
  return runTreeScript(spec, {
    timeout: 'install',
    title: 'build_pip_package',
    hint: `Read ${spec.logFile}. If the script is missing, the bazel step did not build the pip package target.`,
  });
}
