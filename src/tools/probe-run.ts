/** Read-only, time-limited calls used by the host probe: a failure is a value, never a throw. */
import { plainExec, type Exec, type RunResult } from '../exec/index.js';

export interface ProbeRunOptions {
  /** The whole environment, or with `extendEnv` only what changes from this process's. */
  env?: NodeJS.ProcessEnv;
  extendEnv?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  input?: string;
  /** The runner (default: the plain one; a step passes its own, which may run in the build container). */
  exec?: Exec;
}

export interface ProbeOutput {
  ok: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why it did not give an answer, in words (for `facts.problems`). */
  problem: string | null;
}

export function describeFailure(cmd: string, r: RunResult, timeoutMs: number): string | null {
  if (r.spawnError) return `${cmd} could not be started (${r.spawnError})`;
  if (r.timedOut) return `${cmd} did not answer within ${timeoutMs} ms and was stopped`;
  if (r.signal) return `${cmd} was killed by ${r.signal}`;
  if (r.exitCode !== 0) return `${cmd} exited with code ${r.exitCode}${r.tail.length ? `: ${r.tail.slice(-2).join(' / ')}` : ''}`;
  return null;
}

export async function probeRun(cmd: string, args: readonly string[], o: ProbeRunOptions): Promise<ProbeOutput> {
  const r = await (o.exec ?? plainExec).run({
    cmd,
    args,
    effect: 'read',
    timeout: o.timeoutMs,
    reject: false,
    ...(o.env ? { env: o.env as Record<string, string | undefined>, extendEnv: o.extendEnv ?? false } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.input !== undefined ? { input: o.input } : {}),
    tailLines: 5,
    title: cmd,
  });
  const problem = describeFailure([cmd, ...args].join(' '), r, o.timeoutMs);
  return { ok: problem === null, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut, problem };
}
