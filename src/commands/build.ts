/**
 * `tfbuild build VERSION [options]` (also `tfbuild VERSION`): plan, then run the plan's steps with checkpoints.
 * `build(opts, deps)` is the typed core, callable without argv; decisions are settled before the task list starts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { findForbiddenEnv } from '../recipes/schema.js';
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { ConfigError, UsageError } from '../errors.js';
import { createExec, killAllChildren, liveProcessGroups, redactError, SecretRegistry, shellQuote, type Exec } from '../exec/index.js';
import { findRemoteSecrets } from '../plan/remote.js';
import { prepare, refuseUnconsented, type Prepared } from './prepare.js';
import type { BuildOptions } from '../plan/options.js';
import { findMismatchedVerifySteps, PlanSchema, type Plan } from '../plan/index.js';
import type { ResumeMode } from '../steps/run-plan.js';
import { createReporter, pickReporterMode, type EventInput, type ReporterMode } from '../ui/events.js';
import { useColor } from '../ui/output.js';
import { addBuildOptions, type BuildFlags } from './build-options.js';
import { addImageOptions, givenImageFlags, hasImageOverrides, readImageOptions } from './image-options.js';
import { addDecisionOptions, type DecisionFlags } from '../ui/decide.js';

export interface BuildDeps {
  io: CliIO;
  /** What runs: prepare()'s plan, or a saved plan (readPlanFile). build() never plans itself. */
  plan: Plan;
  resume?: ResumeMode;
  dryRun?: boolean;
  json?: boolean;
  /** The command line that resumes this build (printed on interrupt). */
  resumeCommand?: string;
  signal?: AbortSignal;
  emit?: (e: EventInput) => void;
  /** The run's secrets (prepare() collects them); default: those of opts and the environment. */
  secrets?: SecretRegistry;
  /**
   * The runner the steps use (the container route passes one that runs them in its build container); default: one
   * made here with dryRun and the secrets.
   */
  exec?: Exec;
  /**
   * Runs after the plan's steps and before the result event, with the run's reporter and signal (the container
   * route installs and verifies the wheel on this host there); `installed`: the python the wheel ended up in, else
   * null (nothing installed here: the plan's own install, in the build container, is then reported as such).
   */
  after?: (a: { wheel: string; emit: (e: EventInput) => void; signal: AbortSignal }) => Promise<{ installed: string | null }>;
}

/** `tfbuild build` on the container route: the plan, executed in a build container (container-route.ts). */
async function runContainerRoute(p: Prepared, flags: BuildCommandFlags, io: CliIO, resume: ResumeMode, resumeCommand: string): Promise<void> {
  const { runContainerPlan } = await import('./container-route.js');
  const image = readImageOptions(flags as Record<string, unknown>);
  await runContainerPlan({ prepared: p, image, io, dryRun: flags.dryRun ?? false, json: flags.json ?? false, resume, resumeCommand });
}

export interface BuildResult {
  ok: boolean;
  wheel: string | null;
  metadataFile: string | null;
  executed: string[];
  skipped: string[];
  outputs: Record<string, string>;
  plan: Plan;
}

/**
 * bazel's summary counts, recorded by the bazel-build step (0 when it was skipped or printed none). localActions:
 * processes executed on this host (remote ones excluded); builds recorded before remoteActions existed count all
 * executed processes as local.
 */
export function readCacheStats(o: Record<string, string>): { remoteHits: number; diskHits: number; localActions: number; remoteActions: number; cachedActions: number; totalActions: number; summarized: boolean } {
  const n = (k: string) => (o[k] !== undefined && /^\d+$/.test(o[k]) ? Number(o[k]) : 0);
  const counted = o.localActions !== undefined;
  return {
    remoteHits: n('remoteCacheHits'), diskHits: n('diskCacheHits'),
    localActions: counted ? n('localActions') : n('actionsExecuted'), remoteActions: n('remoteActions'),
    cachedActions: counted ? n('cachedActions') : n('remoteCacheHits') + n('diskCacheHits'),
    totalActions: n('processes'), summarized: /^\d+$/.test(o.processes ?? ''),
  };
}

export const LITERAL_SECRET_WARNING = 'A literal credential is stored as *** in this plan: to run it, give the value from the environment '
  + "(--remote-header 'NAME=${ENV_VAR}', https://user:${ENV_VAR}@host) and plan again.";

export function readPlanFile(path: string): Plan {
  if (!existsSync(path)) throw new UsageError(`--plan ${path} does not exist.`, { hint: 'Write one with: tfbuild plan VERSION --json > plan.json' });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${path} is not JSON: ${(e as Error).message}`, { hint: 'Write it with: tfbuild plan VERSION --json > plan.json' });
  }
  const parsed = PlanSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${path} is not a valid tfbuild plan.`, {
      details: parsed.error.issues.slice(0, 8).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      hint: 'Regenerate it with this tfbuild version: tfbuild plan VERSION --json > plan.json',
    });
  }
  if (parsed.data.steps.length === 0) {
    throw new UsageError(`${path} is a plan with no steps: there is nothing to build.`, { hint: 'Write one with: tfbuild plan VERSION --json > plan.json' });
  }
  // The verify step runs from its fields; a saved plan whose shown command says otherwise is refused now, not after
  // an hours-long build.
  const mismatched = findMismatchedVerifySteps(parsed.data.steps);
  if (mismatched.length > 0) {
    throw new ConfigError(`${path}: the verify command shown in step ${mismatched.join(', ')} does not match that step's fields.`, {
      hint: 'Regenerate the plan with this tfbuild: tfbuild plan VERSION --json > plan.json',
    });
  }
  const forbidden = findForbiddenEnv(parsed.data.steps);
  if (forbidden.length > 0) {
    throw new ConfigError(`${path} sets environment variables that configure and bazel do not read; a plan may not set them.`, {
      details: forbidden,
      hint: 'Remove them, or regenerate the plan: tfbuild plan VERSION --json > plan.json',
    });
  }
  const o = parsed.data.options;
  if ([o.remoteCache ?? '', o.remoteExecutor ?? '', ...o.remoteHeaders].some((v) => v.includes('***'))) {
    throw new ConfigError(`${path} holds a credential masked as ***: the plan cannot run without it.`, {
      hint: "Plan again with the credential from the environment: --remote-header 'NAME=${ENV_VAR}' or https://user:${ENV_VAR}@host.",
    });
  }
  return parsed.data;
}

/**
 * The step runner and what it imports (listr2, the steps, diagnosis) load on demand: `build` starts the host probe
 * first and loads them while the probe's subprocesses run.
 */
const loadRunPlan = () => import('../steps/run-plan.js');

/** SIGINT/SIGTERM: the first stops the children and saves state; a second forces an immediate exit. */
function installSignalHandlers(ac: AbortController, io: CliIO): () => void {
  let count = 0;
  const handler = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      io.stderr(`\ntfbuild: ${sig}: stopping the running step and saving progress (press Ctrl-C again to force)…\n`);
      ac.abort(sig);
      void killAllChildren();
      return;
    }
    // Exit now, but leave the children their graceful stop: a SIGKILLed bazel client never tells its server to
    // cancel, so the running compile actions would go on. They are in their own process groups and were sent
    // SIGTERM by the first signal; send it again and go.
    for (const pid of liveProcessGroups()) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    io.stderr('tfbuild: forced exit; running tools were told to stop; the state file records the last finished step.\n');
    process.exit(sig === 'SIGTERM' ? 143 : 130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export async function build(opts: BuildOptions, deps: BuildDeps): Promise<BuildResult> {
  const mode: ReporterMode = pickReporterMode({ json: deps.json ?? false, isTTY: Boolean(process.stderr.isTTY), ci: Boolean(process.env.CI) });
  // Credentials (literal or from ${ENV}) are masked in every event, log line and message of this run, and in the
  // error that ends it: one registry, the runner's.
  const secrets = deps.exec?.secrets ?? deps.secrets ?? new SecretRegistry(findRemoteSecrets(opts, process.env));
  const exec = deps.exec ?? createExec({ dryRun: deps.dryRun ?? false, printDryRun: (l) => deps.io.stdout(l + '\n'), secrets });
  try {
    return await runBuild(opts, deps, mode, exec);
  } catch (e) {
    throw redactError(e, secrets);
  }
}

async function runBuild(opts: BuildOptions, deps: BuildDeps, mode: ReporterMode, exec: Exec): Promise<BuildResult> {
  const secrets = exec.secrets;
  const reporter = deps.emit ? null : createReporter({ mode, stdout: deps.io.stdout, stderr: deps.io.stderr });
  const emit = (e: EventInput) => (deps.emit ? deps.emit(secrets.redactValue(e)) : reporter!.emit(secrets.redactValue(e)));
  const plan = deps.plan;

  const ac = new AbortController();
  const outer = deps.signal;
  outer?.addEventListener('abort', () => ac.abort(outer.reason), { once: true });
  const uninstall = installSignalHandlers(ac, deps.io);
  const t0 = Date.now();
  try {
    const { runPlan } = await loadRunPlan();
    // The resume hint is printed and stored (state, lock): a literal credential in it is masked, and the user is told.
    const given = deps.resumeCommand ?? `tfbuild build ${plan.version} --resume`;
    const masked = secrets.redact(given);
    const r = await runPlan({
      plan,
      exec,
      resume: deps.resume ?? 'auto',
      emit,
      renderer: mode,
      signal: ac.signal,
      resumeCommand: masked === given ? given : `${masked}   # give the credentials masked as *** again (better: from \${ENV} references)`,
      print: deps.io.stderr,
      color: useColor(process.stderr),
    });
    const wheel = r.outputs.wheel ?? null;
    const after = wheel !== null && deps.after ? await deps.after({ wheel, emit, signal: ac.signal }) : null;
    emit({
      type: 'result', ok: true,
      result: { wheel, buildInfo: { tag: plan.tag, gpu: plan.gpu, commit: r.outputs.commit ?? null }, cache: readCacheStats(r.outputs), durationMs: Date.now() - t0 },
    });
    if (mode !== 'json') {
      deps.io.stdout(wheel ? `Built ${wheel}\n` : exec.dryRun ? 'Dry run: nothing was written.\n' : 'Done.\n');
      if (after?.installed) deps.io.stdout(`Installed for ${after.installed}\n`);
      else if (r.outputs.python && !exec.dryRun) deps.io.stdout(`Installed for ${r.outputs.python}${after ? ' (in the build container)' : ''}\n`);
    }
    return { ok: true, wheel, metadataFile: wheel ? `${wheel}.tfbuild.json` : null, executed: r.executed, skipped: r.skipped, outputs: r.outputs, plan };
  } finally {
    uninstall();
    reporter?.close();
  }
}

interface BuildCommandFlags extends BuildFlags, DecisionFlags {
  plan?: string;
  resume?: boolean;
  fresh?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export function register(program: Command, io: CliIO): Command {
  const cmd = program
    .command('build')
    .description('build a TensorFlow wheel from source: source → patch → configure → bazel → wheel → install → verify')
    .argument('[version]', 'release to build: r1.4, 1.4, 1.4.1, v2.17.0 (not needed with --plan)');
  addBuildOptions(cmd)
    .option('--plan <file>', 'run a saved plan (tfbuild plan --json) after validating it')
    .option('--resume', 'continue from the first unfinished step (the default after an interrupted build)')
    .option('--fresh', 'ignore earlier progress in the work dir and run every step')
    .option('--dry-run', 'run the read-only checks and print every command that would write')
    .option('--json', 'print build events as NDJSON on stdout (schema/events.schema.json); human text on stderr');
  // The image flags count when the verdict takes the container route (the same flags as tfbuild docker's).
  addImageOptions(cmd);
  addDecisionOptions(cmd)
    .action(async (version: string | undefined, flags: BuildCommandFlags) => {
      if (flags.resume && flags.fresh) throw new UsageError('--resume and --fresh contradict each other.', { hint: 'Pass one of them.' });
      const image = readImageOptions(flags as Record<string, unknown>);
      const imageFlags = givenImageFlags(image);
      const saved = flags.plan !== undefined ? readPlanFile(flags.plan) : undefined;
      if (!saved && version === undefined) throw new UsageError('Which TensorFlow version? e.g. tfbuild build r1.4', { hint: 'Pass a version, or --plan FILE.' });
      const argv = process.argv.slice(2).filter((a) => a !== '--fresh' && a !== '--resume');
      const run = {
        io,
        resume: (flags.resume ? 'resume' : flags.fresh ? 'fresh' : 'auto') as ResumeMode,
        dryRun: flags.dryRun ?? false,
        json: flags.json ?? false,
        resumeCommand: `tfbuild ${argv.map(shellQuote).join(' ')} --resume`,
      };
      if (saved) {
        // A saved plan that installs packages (its build-python step) runs only with --yes: it never prompts.
        if (!flags.yes) refuseUnconsented(saved);
        await build(saved.options, { ...run, plan: saved });
        return;
      }
      // Decide first (STYLE §7): one prepare() for the real run and --dry-run alike, so both take the same route.
      void loadRunPlan().catch(() => undefined); // loaded while the probe runs; a load error surfaces in build()
      const p = await prepare({ version: version!, flags, mode: flags.dryRun ? 'dry-run' : 'build', print: io.stderr, imageOverrides: hasImageOverrides(image) });
      if (p.route === 'abort') {
        io.stderr('Nothing was built. The same choices without questions: add --yes and the flags above, or --save-config FILE.\n');
        return;
      }
      if (p.route === 'container') {
        await runContainerRoute(p, flags, io, run.resume, run.resumeCommand);
        return;
      }
      if (imageFlags.length > 0) io.stderr(`note: ${imageFlags.join(', ')} only shape the container route's image; this build runs natively, without them.\n`);
      await build(p.options, { ...run, plan: p.plan!, secrets: p.secrets });
    });
  return cmd;
}
