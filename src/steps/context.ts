/** What every step executor gets: the plan, the runner, cancellation, the reporter, and the outputs of earlier steps. */
import type { Exec } from '../exec/index.js';
import type { Plan, Step } from '../plan/index.js';
import type { EventInput } from '../ui/events.js';

export interface StepContext {
  plan: Plan;
  /** The command's runner: every process the step starts goes through it (dry-run, secrets, the build container). */
  exec: Exec;
  signal: AbortSignal;
  /** Build events (src/ui/events.ts). */
  emit: (e: EventInput) => void;
  /** Outputs of the steps before this one (commit, wheel…), from this run or the state file. */
  outputs: Record<string, string>;
  /** Per-run log directory. */
  logDir: string;
  /** Run id used in log file names. */
  runId: string;
  /** Update the one-line status shown under the task (listr2 output). */
  setStatus: (text: string) => void;
  /** The log file of the step running now (diagnosed when it fails). */
  currentLog: string | null;
}

export function getLogFile(ctx: StepContext, name: string): string {
  return `${ctx.logDir}/${ctx.runId}-${name}.log`;
}

export type StepOutputs = Record<string, string>;

export type StepExecutor<S extends Step = Step> = (step: S, ctx: StepContext) => Promise<StepOutputs>;

export function stepRef(step: Step): { id: string; kind: string; title: string } {
  return { id: step.id, kind: step.kind, title: step.title };
}

/** PATH with the step's extra directories in front. */
export function withPath(step: Step, env: Record<string, string>): Record<string, string> {
  if (step.pathPrepend.length === 0) return env;
  return { ...env, PATH: [...step.pathPrepend, process.env.PATH ?? ''].join(':') };
}
