/**
 * `tfbuild doctor [version]`: probe the host, evaluate checks (pure), render (table / plain lines / --json).
 * Exit 0 when nothing fails, 3 (environment) when a check fails. With VERSION, the recipe's checks and the build
 * verdict are added (src/checks/recipe.ts, src/plan/verdict.ts).
 */
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { ReportedFailure } from '../errors.js';
import { probeHost, type ProbeOptions } from '../probe/index.js';
import type { HostFacts } from '../probe/types.js';
import { genericChecks } from '../checks/generic.js';
import { reconcileFixes } from '../checks/reconcile.js';
import { containerChecks } from '../checks/containers.js';
import type { CheckResult } from '../checks/types.js';
import { worstStatus } from '../checks/types.js';
import { formatChecksPlain, formatChecksTable, formatHostLine, formatSummary } from '../checks/format.js';
import { toJson, useColor } from '../ui/output.js';
import type { RecipeContext } from './doctor-recipe.js';
import type { Verdict } from '../plan/verdict.js';

/** Version of the `tfbuild doctor --json` document (docs/doctor-json.md). Bump on incompatible change. */
export const DOCTOR_SCHEMA_VERSION = 1;

export interface DoctorOptions {
  version?: string;
  gpu?: boolean;
  cudaPath?: string;
  cudnnPath?: string;
  workdir?: string;
  recipeFile?: string;
  /** Check that these answer (src/checks/cache.ts): a bazel remote cache / executor URL. */
  remoteCache?: string;
  remoteExecutor?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface DoctorReport {
  schemaVersion: typeof DOCTOR_SCHEMA_VERSION;
  host: HostFacts;
  checks: CheckResult[];
  recipe?: unknown;
  verdict?: Verdict;
}

/** Text rendering of each report's verdict, kept out of the JSON document. */
const verdictText = new WeakMap<DoctorReport, string>();

/** TFBUILD_PROBE_TIMEOUT_MS: per-family probe limit (default 3000) for slow or heavily loaded hosts. */
export function probeTimeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const n = Number(env.TFBUILD_PROBE_TIMEOUT_MS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The typed core: callable without argv. */
export async function runDoctor(opts: DoctorOptions = {}): Promise<DoctorReport> {
  const timeoutMs = opts.timeoutMs ?? probeTimeoutFromEnv(opts.env ?? process.env);
  const probeOpts: ProbeOptions = {
    ...(opts.cudaPath ? { cudaPath: opts.cudaPath } : {}),
    ...(opts.cudnnPath ? { cudnnPath: opts.cudnnPath } : {}),
    ...(opts.workdir ? { workdir: opts.workdir } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
  // Resolve the recipe first: an unknown VERSION is a config error, reported before any probing.
  // Loaded lazily: the recipe catalog (yaml, zod) is not needed, and not paid for, by a plain `doctor`.
  const recipeCtx: RecipeContext | null =
    opts.version !== undefined || opts.recipeFile ? await (await import('./doctor-recipe.js')).loadRecipeContext(opts.version ?? '', opts.recipeFile) : null;
  // The remote endpoints are contacted while the host is probed (network, short timeouts of their own).
  const remote = opts.remoteCache || opts.remoteExecutor
    ? import('../checks/cache.js').then(async (m) =>
        m.remoteCacheChecks(await m.probeRemoteEndpoints({ remoteCache: opts.remoteCache, remoteExecutor: opts.remoteExecutor, remoteHeaders: [], distdir: [] }, opts.env ?? process.env)))
    : Promise.resolve([]);
  const [host, remoteChecks] = await Promise.all([probeHost(probeOpts), remote]);
  const ctx = { facts: host, gpu: opts.gpu === true };
  const recipeChecks = recipeCtx ? recipeCtx.checks(ctx) : [];
  // A general fix that contradicts the recipe (cuDNN for the host's CUDA, not the release's) gives way to the recipe's.
  const checks = [...reconcileFixes([...genericChecks(ctx), ...containerChecks(ctx)], recipeChecks), ...remoteChecks, ...recipeChecks];
  const report: DoctorReport = { schemaVersion: DOCTOR_SCHEMA_VERSION, host, checks };
  if (recipeCtx) {
    report.recipe = recipeCtx.recipeJson;
    // The verdict of `tfbuild plan VERSION` / `tfbuild VERSION` for the same options, from the same prepare().
    const d = await recipeCtx.prepare(host, {
      version: opts.version, gpu: opts.gpu === true, env: opts.env ?? process.env,
      ...(opts.cudaPath ? { cudaPath: opts.cudaPath } : {}), ...(opts.cudnnPath ? { cudnnPath: opts.cudnnPath } : {}), ...(opts.recipeFile ? { recipeFile: opts.recipeFile } : {}),
    });
    if (d.verdict !== null) report.verdict = d.verdict;
    verdictText.set(report, [...(d.verdict !== null ? [recipeCtx.formatVerdict(d.verdict)] : ['No verdict.']), d.plan].join('\n'));
  }
  return report;
}

export function formatDoctorText(r: DoctorReport, opts: { tty: boolean; color: boolean; width: number }): string {
  const parts = [formatHostLine(r.host), ''];
  parts.push(opts.tty ? formatChecksTable(r.checks, { color: opts.color, width: opts.width }) : formatChecksPlain(r.checks));
  parts.push(formatSummary(r.checks));
  const verdict = verdictText.get(r);
  if (verdict) parts.push('', verdict);
  return parts.join('\n') + '\n';
}

interface DoctorFlags {
  gpu?: boolean;
  json?: boolean;
  cudaPath?: string;
  cudnnPath?: string;
  workdir?: string;
  recipe?: string;
  remoteCache?: string;
  remoteExecutor?: string;
}

export function register(program: Command, io: CliIO): Command {
  return program
    .command('doctor')
    .description('probe this machine and say exactly what a TensorFlow build is missing, with the command that fixes it')
    .argument('[version]', 'also check the recipe for this TensorFlow release (e.g. r1.4) and print the build verdict')
    .option('--gpu', 'check CUDA, cuDNN, CUPTI, the NVIDIA driver and GPUs too')
    .option('--json', 'print one JSON object {schemaVersion, host, checks[, recipe, verdict]} (docs/doctor-json.md)')
    .option('--cuda-path <dir>', 'a CUDA toolkit root to consider first')
    .option('--cudnn-path <dir>', 'where cuDNN is unpacked (include/ and lib64/)')
    .option('--workdir <dir>', 'build/cache directory whose disk is measured (default: current directory)')
    .option('--recipe <file>', 'use this recipe file instead of the shipped one')
    .option('--remote-cache <url>', 'also check that this bazel remote cache answers (credentials from TFBUILD_REMOTE_* env)')
    .option('--remote-executor <url>', 'also check that this remote executor accepts connections')
    .action(async (version: string | undefined, flags: DoctorFlags) => {
      const report = await runDoctor({
        ...(version !== undefined ? { version } : {}),
        gpu: flags.gpu === true,
        ...(flags.cudaPath ? { cudaPath: flags.cudaPath } : {}),
        ...(flags.cudnnPath ? { cudnnPath: flags.cudnnPath } : {}),
        ...(flags.workdir ? { workdir: flags.workdir } : {}),
        ...(flags.recipe ? { recipeFile: flags.recipe } : {}),
        ...(flags.remoteCache ? { remoteCache: flags.remoteCache } : {}),
        ...(flags.remoteExecutor ? { remoteExecutor: flags.remoteExecutor } : {}),
      });
      if (flags.json) io.stdout(toJson(report));
      else io.stdout(formatDoctorText(report, { tty: Boolean(process.stdout.isTTY), color: useColor(process.stdout), width: process.stdout.columns ?? 120 }));
      if (worstStatus(report.checks) === 'fail') throw new ReportedFailure('environment', 'doctor: a check failed');
    });
}
