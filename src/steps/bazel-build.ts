/**
 * bazel-build: build with the plan's flags (preflight has already checked the bazel against the recipe's range),
 * streaming the output to a per-run log file (bounded tail on screen, progress bar from `[N / M]`). When the diagnosis says the OOM killer
 * ended a compile, retry with half the jobs and a smaller RAM budget (bazel's cache keeps the finished actions).
 */
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import semver from 'semver';
import { EnvironmentError, ToolError } from '../errors.js';
import { which, type Exec } from '../exec/index.js';
import { expandEnvRefsOrThrow } from '../plan/remote.js';
import { diagnoseFile, isOomMatch, type Match } from '../diagnose/index.js';
import { getBazelBuildFlags, type BazelStep } from '../plan/index.js';
import { reduceResources, type Resources } from '../plan/resources.js';
import { bazelBuild, bazelShutdown, hintForBazelExit, readBazelVersion } from '../tools/bazel.js';
import { actionCountOutputs, formatProgress, getActionCounts } from '../tools/bazel-progress.js';
import { writeCredentialsRc } from './bazel-credentials.js';
import { getLogFile, stepRef, type StepContext, type StepOutputs } from './context.js';

export interface BazelCheck {
  path: string;
  version: string | null;
  warning: string | null;
}

/** Preflight: the bazel binary exists and its release is in the recipe's range (bazelisk picks its own via USE_BAZEL_VERSION). */
export async function verifyBazel(step: BazelStep, x: Exec): Promise<BazelCheck> {
  // Steps executed elsewhere (the container executor's transform): the binary is not on this host's file system;
  // `--version` below runs where the steps do and fails there when it is missing.
  const path = x.elsewhere ? step.cmd : isAbsolute(step.cmd) ? (existsSync(step.cmd) ? step.cmd : null) : which(step.cmd);
  if (path === null) {
    throw new EnvironmentError(`bazel was not found (${step.cmd}).`, {
      hint: 'Re-run with --yes to let tfbuild download the recipe\'s bazel (sha256-verified), install bazelisk (https://github.com/bazelbuild/bazelisk/releases), or pass --bazel PATH.',
    });
  }
  if (step.env.USE_BAZEL_VERSION !== undefined) return { path, version: step.env.USE_BAZEL_VERSION, warning: null };
  const v = await readBazelVersion(path, x);
  if (v.version === null) {
    const warning = step.bazelRange === '*' ? null : `${path} does not report its release (${v.raw.split('\n')[0]}); cannot check it against ${step.bazelRange}.`;
    return { path, version: null, warning };
  }
  const coerced = semver.coerce(v.version);
  if (coerced && !semver.satisfies(coerced, step.bazelRange)) {
    throw new EnvironmentError(`bazel ${v.version} at ${path} cannot build this release: it needs bazel ${step.bazelRange}.`, {
      hint: 'Re-run with --yes to let tfbuild download a bazel in range (sha256-verified), install bazelisk (it fetches the right release via USE_BAZEL_VERSION), or pass --bazel PATH.',
    });
  }
  return { path, version: v.version, warning: null };
}

/** The build args with --jobs / --local_ram_resources replaced. */
export function withResources(args: readonly string[], r: Resources): string[] {
  return args.map((a) =>
    a.startsWith('--jobs=') ? `--jobs=${r.jobs}` : a.startsWith('--local_ram_resources=') ? `--local_ram_resources=${r.localRamMiB}` : a,
  );
}

function isOomFailure(exitCode: number | null, matches: readonly Match[]): boolean {
  return exitCode === 137 || matches.some((m) => isOomMatch(m));
}

/** Runs after runPlan's preflight, which called verifyBazel(step) and emitted its warning. */
export async function runBazelStep(step: BazelStep, ctx: StepContext): Promise<StepOutputs> {
  const removeRc = writeCredentialsRc(step, ctx.exec);
  let interrupted = false;
  try {
    return await runBazelAttempts(step, ctx);
  } catch (e) {
    interrupted = ctx.signal.aborted;
    throw e;
  } finally {
    // Leave the machine as found: the plan's shutdown, unless interrupted (the resume that follows reuses the server).
    if (step.shutdownArgs && !interrupted && !ctx.exec.dryRun) {
      await bazelShutdown({ bazel: step.cmd, cwd: step.cwd, args: step.shutdownArgs, env: step.env }, ctx.exec).catch((e: unknown) => {
        ctx.emit({ type: 'warning', step: stepRef(step), message: `Could not stop the bazel server: ${(e as Error).message}` });
      });
    }
    // After the shutdown: the server's startup options name this file.
    removeRc();
  }
}

async function runBazelAttempts(step: BazelStep, ctx: StepContext): Promise<StepOutputs> {
  let resources: Resources = { jobs: step.jobs, localRamMiB: step.localRamMiB };
  // Credentials stay ${VAR} references in the plan; expanded only now, and masked in every log and message.
  const expanded = expandEnvRefsOrThrow(getBazelBuildFlags(step), process.env);
  ctx.exec.secrets.addAll(expanded.secrets);
  let args = expanded.args;
  for (let attempt = 0; ; attempt++) {
    const logFile = getLogFile(ctx, attempt === 0 ? 'bazel' : `bazel-retry${attempt}`);
    ctx.currentLog = logFile;
    const r = await bazelBuild({
      bazel: step.cmd,
      cwd: step.cwd,
      startupArgs: step.startupArgs,
      args: [...args, step.target],
      env: step.env,
      logFile,
      signal: ctx.signal,
      reject: false,
      onProgress: (p) => {
        ctx.setStatus(formatProgress(p));
        ctx.emit({ type: 'progress', step: stepRef(step), progress: { done: p.done, total: p.total, percent: p.percent, etaSeconds: p.etaSeconds, ...(p.running ? { running: p.running } : {}) } });
      },
    }, ctx.exec);
    if (r.dryRun || (r.exitCode === 0 && r.signal === null)) {
      const s = r.summary;
      return {
        jobs: String(resources.jobs), processes: String(s.processes ?? ''), log: logFile,
        remoteCacheHits: String(s.remoteCacheHits), diskCacheHits: String(s.diskCacheHits), actionsExecuted: String(s.actionsExecuted ?? ''),
        ...actionCountOutputs(getActionCounts(s)),
      };
    }
    const matches = existsSync(logFile) ? (await diagnoseFile(logFile)).matches : [];
    if (isOomFailure(r.exitCode, matches) && attempt < step.maxRetries && resources.jobs > 1) {
      resources = reduceResources(resources);
      args = withResources(args, resources);
      ctx.emit({
        type: 'warning',
        step: stepRef(step),
        message: `A compile was killed for lack of memory (out of memory). Retrying (${attempt + 1} of ${step.maxRetries}) with --jobs=${resources.jobs} --local_ram_resources=${resources.localRamMiB}; finished actions come from the cache.`,
      });
      continue;
    }
    const oom = isOomFailure(r.exitCode, matches);
    throw new ToolError(`bazel build ${r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`}${oom ? ' (out of memory)' : ''}.`, {
      command: [step.cmd, ...step.startupArgs, 'build', ...args, step.target],
      exitCode: r.exitCode,
      signal: r.signal,
      tail: r.tail.slice(-20),
      hint: oom
        ? `Compiles were killed for lack of memory even with --jobs=${resources.jobs}: pass a lower --jobs, add swap, or close other programs.`
        : (matches[0]?.fix ?? hintForBazelExit(r.exitCode, logFile)),
      logFile,
    });
  }
}
