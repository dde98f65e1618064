/**
 * `tfbuild fetch VERSION --repository-cache DIR`: on a connected machine, run only the source, patch and configure
 * steps of the build plan, then `bazel fetch` the build target so every archive the build needs lands in the
 * repository cache (and the work dir's output base). Copy DIR to an offline machine and build there with
 * `--repository-cache DIR`: bazel takes sha256-pinned archives from it without the network.
 *
 * The steps are the build's own (same plan, same work dir and state file), so a later `tfbuild build` in that work
 * dir resumes after configure instead of starting over.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { EnvironmentError, UsageError } from '../errors.js';
import { createExec, redactError, SecretRegistry, type Exec } from '../exec/index.js';
import type { BuildOptions } from '../plan/options.js';
import { getBazelBuildFlags, type BazelStep, type Plan } from '../plan/index.js';
import { expandEnvRefsOrThrow, findRemoteSecrets } from '../plan/remote.js';
import { runPlan } from '../steps/run-plan.js';
import { writeCredentialsRc } from '../steps/bazel-credentials.js';
import { bazelFetch } from '../tools/bazel.js';
import { createReporter, pickReporterMode, type EventInput } from '../ui/events.js';
import { useColor } from '../ui/output.js';
import { addBuildOptions, type BuildFlags } from './build-options.js';
import { addDecisionOptions, type DecisionFlags } from '../ui/decide.js';
import { prepare } from './prepare.js';

/** The steps `fetch` runs before `bazel fetch`. */
export const FETCH_STEP_KINDS = ['build-python', 'source', 'patch', 'configure'] as const;

export interface FetchResult {
  ok: boolean;
  repositoryCache: string | null;
  distdir: string[];
  executed: string[];
  skipped: string[];
  sourceDir: string;
  fetchLog: string;
  /** The `bazel fetch` argv (secrets masked when printed). */
  command: string[];
}

/** Flags that `bazel fetch` accepts from a build's flags: where archives come from and go to. */
export function selectFetchFlags(buildArgs: readonly string[]): string[] {
  return buildArgs.filter((a) => /^--(repository_cache|distdir|experimental_repository_cache|experimental_distdir|override_repository|repo_env)=/.test(a));
}

/** A plan cut down to source → patch → configure, plus the bazel step it would run next. */
export function toFetchPlan(plan: Plan): { plan: Plan; bazel: BazelStep } {
  const bazel = plan.steps.find((s): s is BazelStep => s.kind === 'bazel-build');
  if (!bazel) throw new UsageError('This plan has no bazel build step to fetch for.', { hint: 'Plan a build first: tfbuild plan VERSION.' });
  const steps = plan.steps.filter((s) => (FETCH_STEP_KINDS as readonly string[]).includes(s.kind));
  return { plan: { ...plan, steps }, bazel };
}

export interface FetchDeps {
  io: CliIO;
  /** The plan prepare() made; fetch runs its source, patch and configure steps. */
  plan: Plan;
  secrets?: SecretRegistry;
  json?: boolean;
  dryRun?: boolean;
  signal?: AbortSignal;
  emit?: (e: EventInput) => void;
}

export async function fetchSources(opts: BuildOptions, deps: FetchDeps): Promise<FetchResult> {
  if (opts.repositoryCache === undefined && opts.distdir.length === 0) {
    throw new UsageError('tfbuild fetch needs somewhere to put the archives: --repository-cache DIR.', {
      hint: 'e.g. tfbuild fetch r2.17 --repository-cache /media/usb/tf-repo-cache, then build offline with the same flag.',
    });
  }
  const mode = pickReporterMode({ json: deps.json ?? false, isTTY: Boolean(process.stderr.isTTY), ci: Boolean(process.env.CI) });
  const reporter = deps.emit ? null : createReporter({ mode, stdout: deps.io.stdout, stderr: deps.io.stderr });
  const secrets = deps.secrets ?? new SecretRegistry(findRemoteSecrets(opts, process.env));
  const exec: Exec = createExec({ dryRun: deps.dryRun ?? false, printDryRun: (l) => deps.io.stdout(l + '\n'), secrets });
  const emit = (e: EventInput) => (deps.emit ? deps.emit(secrets.redactValue(e)) : reporter!.emit(secrets.redactValue(e)));
  try {
    const { plan, bazel } = toFetchPlan(deps.plan);
    const r = await runPlan({
      plan, exec, resume: 'auto', emit, renderer: mode, signal: deps.signal ?? new AbortController().signal,
      resumeCommand: `tfbuild fetch ${plan.version}`, print: deps.io.stderr, color: useColor(process.stderr),
    });
    const { args, secrets: expandedSecrets } = expandEnvRefsOrThrow([...selectFetchFlags(getBazelBuildFlags(bazel)), bazel.target], process.env);
    secrets.addAll(expandedSecrets);
    const fetchLog = join(plan.workdir, 'logs', 'bazel-fetch.log');
    emit({ type: 'log', level: 'info', message: `bazel fetch ${bazel.target} into ${opts.repositoryCache ?? opts.distdir.join(', ')}` });
    const removeRc = writeCredentialsRc(bazel, exec);
    try {
      await bazelFetch({
        bazel: bazel.cmd, cwd: bazel.cwd, startupArgs: bazel.startupArgs, args, env: bazel.env, logFile: fetchLog,
        ...(deps.signal ? { signal: deps.signal } : {}),
      }, exec);
    } finally {
      removeRc();
    }
    if (mode !== 'json') {
      deps.io.stdout(deps.dryRun
        ? 'Dry run: nothing was fetched.\n'
        : `Fetched everything ${bazel.target} needs into ${opts.repositoryCache ?? opts.distdir.join(', ')}.\n`
          + `Offline: tfbuild ${plan.version} --repository-cache ${opts.repositoryCache ?? '<the same dir>'}\n`);
    }
    return {
      ok: true, repositoryCache: opts.repositoryCache ?? null, distdir: opts.distdir, executed: r.executed, skipped: r.skipped,
      sourceDir: bazel.cwd, fetchLog, command: [bazel.cmd, ...bazel.startupArgs, 'fetch', ...args],
    };
  } catch (e) {
    throw redactError(e, secrets);
  } finally {
    reporter?.close();
  }
}

interface FetchFlags extends BuildFlags, DecisionFlags {
  dryRun?: boolean;
  json?: boolean;
}

const abs = (p: string) => (isAbsolute(p) ? p : resolve(process.cwd(), p));

export function register(program: Command, io: CliIO): Command {
  const cmd = program
    .command('fetch')
    .description('fill a bazel repository cache for an offline build: source → patch → configure → bazel fetch')
    .argument('<version>', 'release to fetch for: r1.4, 1.4, v2.17.0');
  addBuildOptions(cmd)
    .option('--dry-run', 'run the read-only checks and print every command that would write')
    .option('--json', 'print events as NDJSON on stdout');
  addDecisionOptions(cmd)
    .action(async (version: string, flags: FetchFlags) => {
      if (flags.repositoryCache === undefined && (flags.distdir ?? []).length === 0) {
        throw new UsageError('tfbuild fetch needs somewhere to put the archives: --repository-cache DIR.', {
          hint: 'e.g. tfbuild fetch r2.17 --repository-cache /media/usb/tf-repo-cache, then build offline with the same flag.',
        });
      }
      // Paths bazel reads from another cwd (the source tree) are made absolute before they enter the plan.
      const absFlags: FetchFlags = { ...flags, ...(flags.repositoryCache !== undefined ? { repositoryCache: abs(flags.repositoryCache) } : {}), ...(flags.distdir ? { distdir: flags.distdir.map(abs) } : {}) };
      const p = await prepare({ version, flags: absFlags, mode: flags.dryRun ? 'dry-run' : 'fetch', print: io.stderr });
      if (p.route === 'abort') return;
      if (p.route !== 'native' || p.plan === null) {
        throw new EnvironmentError(`tfbuild fetch runs a native plan, but this build takes the ${p.route} route here.`, {
          hint: p.dockerCommand ? `Fetch on a host that builds ${p.recipe.line} natively, or build in a container: ${p.dockerCommand}` : 'Nothing was fetched.',
        });
      }
      await fetchSources(p.options, { io, plan: p.plan, secrets: p.secrets, json: flags.json ?? false, dryRun: flags.dryRun ?? false });
    });
  return cmd;
}
