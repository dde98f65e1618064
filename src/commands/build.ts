/**
 * `tfbuild build VERSION [options]` (also `tfbuild VERSION`): plan, then run the plan's steps with checkpoints.
 * `build(opts, deps)` is the typed core, callable without argv; decisions are settled before the task list starts.
 */
import { findForbiddenEnv } from '../recipes/schema.js';
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliIO } from '../cli/main.js';
import { ConfigError, EnvironmentError, UsageError } from '../errors.js';
import { configureExec, killAllChildren, liveProcessGroups, shellQuote } from '../exec/index.js';
import { registerSecrets } from '../exec/redact.js';
import type { BuildOptions } from '../plan/options.js';
import { PlanSchema, type Plan } from '../plan/index.js';
import type { ResumeMode } from '../steps/run-plan.js';
import { createReporter, pickReporterMode, type EventInput, type ReporterMode } from '../ui/events.js';
import { useColor } from '../ui/output.js';
import { addBuildOptions, makePlan, probeForBuild, readFlagOptions, readHostFactsFile, toBuildOptions, type BuildFlags } from './build-options.js';
import { computeVerdict } from '../plan/verdict.js';
import { addContainerFacts } from '../probe/index.js';
import type { HostFacts } from '../probe/types.js';
import { resolveRecipe } from '../recipes/index.js';
import { addDecisionOptions, settleDecisions, type DecisionFlags } from '../ui/decide.js';
import { askConfirm, getPromptContext } from '../ui/prompts.js';
import { settleBazel } from '../steps/ensure-bazel.js';
import { homedir } from 'node:os';
import { getCacheDir } from '../plan/paths.js';

export interface BuildDeps {
  io: CliIO;
  /** A saved plan to run instead of planning now. */
  plan?: Plan;
  hostFactsFile?: string;
  resume?: ResumeMode;
  dryRun?: boolean;
  json?: boolean;
  /** The command line that resumes this build (printed on interrupt). */
  resumeCommand?: string;
  signal?: AbortSignal;
  emit?: (e: EventInput) => void;
  /** Host facts already probed (by the decisions before the build), so the plan does not probe again. */
  facts?: HostFacts;
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

/** bazel's summary counts, recorded by the bazel-build step (0 when it was skipped or printed none). */
export function readCacheStats(o: Record<string, string>): { remoteHits: number; diskHits: number; localActions: number; totalActions: number } {
  const n = (k: string) => (o[k] !== undefined && /^\d+$/.test(o[k]) ? Number(o[k]) : 0);
  return { remoteHits: n('remoteCacheHits'), diskHits: n('diskCacheHits'), localActions: n('actionsExecuted'), totalActions: n('processes') };
}

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
  const forbidden = findForbiddenEnv(parsed.data.steps);
  if (forbidden.length > 0) {
    throw new ConfigError(`${path} sets environment variables that configure and bazel do not read; a plan may not set them.`, {
      details: forbidden,
      hint: 'Remove them, or regenerate the plan: tfbuild plan VERSION --json > plan.json',
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
  const reporter = deps.emit ? null : createReporter({ mode, stdout: deps.io.stdout, stderr: deps.io.stderr });
  const emit = deps.emit ?? ((e: EventInput) => reporter!.emit(e));
  if (deps.dryRun) configureExec({ dryRun: true, printDryRun: (l) => deps.io.stdout(l + '\n') });
  const plan = deps.plan ?? (await makePlan(opts, { hostFactsFile: deps.hostFactsFile, ...(deps.facts ? { facts: deps.facts } : {}) })).plan;
  // Remote cache headers may carry credentials: keep them out of every log and message.
  registerSecrets(opts.remoteHeaders.map((h) => h.split('=').slice(1).join('=')).filter((v) => v.length >= 8 && !v.includes('${')));

  const ac = new AbortController();
  const outer = deps.signal;
  outer?.addEventListener('abort', () => ac.abort(outer.reason), { once: true });
  const uninstall = installSignalHandlers(ac, deps.io);
  const t0 = Date.now();
  try {
    const { runPlan } = await loadRunPlan();
    const r = await runPlan({
      plan,
      resume: deps.resume ?? 'auto',
      emit,
      renderer: mode,
      signal: ac.signal,
      resumeCommand: deps.resumeCommand ?? `tfbuild build ${plan.version} --resume`,
      print: deps.io.stderr,
      color: useColor(process.stderr),
    });
    const wheel = r.outputs.wheel ?? null;
    emit({
      type: 'result', ok: true,
      result: { wheel, buildInfo: { tag: plan.tag, gpu: plan.gpu, commit: r.outputs.commit ?? null }, cache: readCacheStats(r.outputs), durationMs: Date.now() - t0 },
    });
    if (mode !== 'json') {
      deps.io.stdout(wheel ? `Built ${wheel}\n` : deps.dryRun ? 'Dry run: nothing was written.\n' : 'Done.\n');
      if (r.outputs.python && !deps.dryRun) deps.io.stdout(`Installed for ${r.outputs.python}\n`);
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
  addDecisionOptions(cmd)
    .action(async (version: string | undefined, flags: BuildCommandFlags) => {
      if (flags.resume && flags.fresh) throw new UsageError('--resume and --fresh contradict each other.', { hint: 'Pass one of them.' });
      const plan = flags.plan !== undefined ? readPlanFile(flags.plan) : undefined;
      if (!plan && version === undefined) throw new UsageError('Which TensorFlow version? e.g. tfbuild build r1.4', { hint: 'Pass a version, or --plan FILE.' });
      let opts = plan ? plan.options : toBuildOptions(version!, flags);
      let facts: HostFacts | undefined;
      if (!plan && !flags.dryRun) {
        // Decide first (STYLE §7): flag → config → --yes default → prompt, all before the task list renders.
        // The probe's subprocesses start first; reading the recipe and loading the step runner overlap them.
        const probing = flags.hostFacts !== undefined ? null : probeForBuild(opts);
        const { recipe, tag } = resolveRecipe(opts.version, opts.recipeFile !== undefined ? { recipeFile: opts.recipeFile } : {});
        void loadRunPlan().catch(() => undefined); // a load error surfaces in build()
        let probed = probing ? await probing : readHostFactsFile(flags.hostFacts!);
        const verdictOpts = { gpu: opts.gpu, ...(opts.python ? { python: opts.python } : {}), ...(opts.hostCompiler ? { hostCompiler: opts.hostCompiler } : {}), ...(opts.cudaPath ? { cudaPath: opts.cudaPath } : {}), noInstall: opts.install.mode === 'none' };
        let verdict = computeVerdict(probed, recipe, verdictOpts);
        // Only this host's engines can be added: a --host-facts file describes another one.
        if (probing && verdict.kind === 'container' && probed.skipped?.includes('containers')) {
          probed = await addContainerFacts(probed);
          verdict = computeVerdict(probed, recipe, verdictOpts);
        }
        facts = probed;
        const given = readFlagOptions(version!, flags);
        const d = await settleDecisions({
          flags: given, version: version!, tag: opts.tag ?? tag, facts: probed, recipe, verdict, decisionFlags: flags,
          cwd: process.cwd(), print: io.stderr, makePlan: async (o) => (await makePlan(o, { facts: probed })).plan,
        });
        if (d.action === 'abort') {
          io.stderr('Nothing was built. The same choices without questions: add --yes and the flags above, or --save-config FILE.\n');
          return;
        }
        if (d.action === 'docker') {
          // A headless run without --yes does not start an hours-long container build on its own.
          if (!flags.yes && (flags.nonInteractive || flags.json || !process.stdin.isTTY || process.env.CI)) {
            throw new EnvironmentError(`A native build of ${recipe.line} is not practical on this host.`, { hint: `Run ${d.dockerCommand ?? 'tfbuild docker ' + version}, or pass --yes to let tfbuild build take the container route.` });
          }
          const { dockerBuild } = await import('./docker.js');
          const r = await dockerBuild({ version: version!, gpu: opts.gpu, output: opts.output, ...(opts.workdir ? { workdir: opts.workdir } : {}), ...(opts.recipeFile ? { recipeFile: opts.recipeFile } : {}), ...(opts.source ? { source: opts.source } : {}), onLine: (l) => io.stderr(l + '\n') });
          io.stdout(r.exitCode === 0 ? `Built in ${r.image}; output in ${r.output}: ${r.outputs.join(', ')}\n` : `The container build failed (exit ${r.exitCode ?? 'none'}); log: ${r.workdir}/container.log\n`);
          if (r.exitCode !== 0) process.exitCode = 5;
          return;
        }
        opts = d.options;
        if (opts.bazel === undefined) {
          const ctx = getPromptContext({ yes: flags.yes, nonInteractive: flags.nonInteractive, json: flags.json, stdinIsTTY: process.stdin.isTTY, stdoutIsTTY: process.stdout.isTTY });
          facts = await settleBazel({
            facts: probed, recipe, yes: flags.yes ?? false, interactive: ctx.interactive, cacheDir: getCacheDir({ home: homedir(), cwd: process.cwd(), xdgCacheHome: process.env.XDG_CACHE_HOME }),
            confirm: (message) => askConfirm({ message, default: true }, ctx), print: (l) => io.stderr(l + '\n'),
          });
        }
      }
      const argv = process.argv.slice(2).filter((a) => a !== '--fresh' && a !== '--resume');
      await build(opts, {
        io,
        ...(plan ? { plan } : {}),
        ...(flags.hostFacts !== undefined ? { hostFactsFile: flags.hostFacts } : {}),
        resume: flags.resume ? 'resume' : flags.fresh ? 'fresh' : 'auto',
        dryRun: flags.dryRun ?? false,
        json: flags.json ?? false,
        resumeCommand: `tfbuild ${argv.map(shellQuote).join(' ')} --resume`,
        ...(facts ? { facts } : {}),
      });
    });
  return cmd;
}
