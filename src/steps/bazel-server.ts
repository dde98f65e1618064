/**
 * Starting the bazel server is the slow part of a first build's first seconds (a JVM: ~1.4 s on a 2-core VM, more
 * with a cold install base). It needs only the workspace and the startup options, both known once the source is
 * there, so it is started while ./configure runs and the build step finds it up.
 *
 * configure never shares that server: it runs the client-only `bazel --version` (2.x) or `bazel --batch version`
 * under bazel's default output root (1.x), while the plan's startup options name tfbuild's own --output_user_root.
 * A server that turns out unused (configure failed, Ctrl-C) is shut down, so no idle JVM outlives the run.
 * TFBUILD_BAZEL_WARMUP=0 turns this off (the build then starts the server itself, as a plain script would).
 */
import { existsSync } from 'node:fs';
import { getExecContext } from '../exec/index.js';
import type { BazelStep, Plan } from '../plan/index.js';
import { bazelShutdown, startBazelServer } from '../tools/bazel.js';

export interface BazelWarmup {
  step: BazelStep;
  /** Settles when the server answered (or the attempt failed); never rejects. */
  ready: Promise<void>;
  /** The build step ran against it. */
  used: boolean;
  logFile: string;
}

export function isWarmupEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TFBUILD_BAZEL_WARMUP !== '0';
}

/** Start the server of the plan's bazel step in the background; null when there is nothing to warm. */
export function startWarmup(plan: Plan, o: { logFile: string; signal: AbortSignal }): BazelWarmup | null {
  const step = plan.steps.find((s): s is BazelStep => s.kind === 'bazel-build');
  if (!step || getExecContext().dryRun || !isWarmupEnabled() || step.startupArgs.includes('--batch') || !existsSync(step.cwd)) return null;
  const ready = startBazelServer({ bazel: step.cmd, cwd: step.cwd, startupArgs: step.startupArgs, env: step.env, logFile: o.logFile, signal: o.signal }).then(
    () => undefined,
    () => undefined,
  );
  return { step, ready, used: false, logFile: o.logFile };
}

/** After the run: stop a server the build step never used (best effort; it would otherwise idle for hours). */
export async function stopUnusedWarmup(w: BazelWarmup | null): Promise<void> {
  if (!w || w.used) return;
  await w.ready;
  try {
    await bazelShutdown({ bazel: w.step.cmd, cwd: w.step.cwd, startupArgs: w.step.startupArgs, env: w.step.env, logFile: w.logFile });
  } catch {
    /* the server may never have started */
  }
}
