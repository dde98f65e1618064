/**
 * Runs a plan: one listr2 task per step, a checkpoint after each, a lock against a second build in the work dir.
 * Steps finished earlier with the same inputs (chained hashes, src/state) are skipped when resuming; a changed
 * input re-runs its step and every step after it. On failure the step's log is diagnosed (src/diagnose).
 */
import { areProductsIntact } from './products.js';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { Listr } from 'listr2';
import { InterruptedError, TfbuildError, ToolError } from '../errors.js';
import type { Exec } from '../exec/index.js';
import { diagnoseFile, formatDiagnosis, type Diagnosis } from '../diagnose/index.js';
import { loadPatch } from '../patches/index.js';
import type { Plan, Step } from '../plan/index.js';
import { acquireLock } from '../state/lock.js';
import { findFinished, hashInputs, readState, recordFinished, writeState, STATE_SCHEMA_VERSION, type BuildState } from '../state/state.js';
import type { EventInput } from '../ui/events.js';
import { runBazelStep, verifyBazel } from './bazel-build.js';
import { runBuildPythonStep } from './build-python.js';
import { runConfigureStep } from './configure.js';
import { stepRef, type StepContext, type StepOutputs } from './context.js';
import { runInstallStep, verifyInstallTarget } from './install.js';
import { runPackageStep, verifyOutputDir, verifyWheelNameFree } from './package.js';
import { runPatchStep } from './patch.js';
import { runSourceStep } from './source.js';
import { runVerifyStep } from './verify.js';

export type ResumeMode = 'auto' | 'resume' | 'fresh';

export interface RunPlanOptions {
  plan: Plan;
  /** The command's runner (dry-run, secrets, the build container): preflight and every step run through it. */
  exec: Exec;
  /** auto: resume an unfinished build, start over after a finished one; resume: always skip finished steps; fresh: redo all. */
  resume: ResumeMode;
  emit: (e: EventInput) => void;
  /** tty: listr2's live renderer; otherwise listr2 stays silent and the reporter prints plain lines / NDJSON. */
  renderer: 'tty' | 'plain' | 'json';
  signal: AbortSignal;
  /** How to resume, printed on interrupt and stored in the state file. */
  resumeCommand: string;
  /** Where a diagnosis is printed (stderr). */
  print: (text: string) => void;
  color?: boolean;
}

export interface RunPlanResult {
  outputs: StepOutputs;
  executed: string[];
  skipped: string[];
  state: BuildState;
}

/**
 * Fixes that name a compiler, CUDA or cuDNN version follow the plan's recipe (CUDA 8 → gcc 5 or the container, not a
 * general "install gcc-9"), as `tfbuild explain LOG --for VERSION` does. A recipe that no longer loads leaves the
 * diagnosis as it is: it must never hide the failure it explains.
 */
export async function adviseForPlan(d: Diagnosis, plan: Plan): Promise<Diagnosis> {
  try {
    const { resolveRecipe } = await import('../recipes/index.js');
    const { adviseForRecipe } = await import('../diagnose/recipe-advice.js');
    return adviseForRecipe(d, resolveRecipe(plan.version, plan.recipeFile !== null ? { recipeFile: plan.recipeFile } : {}).recipe);
  } catch {
    return d;
  }
}

async function execute(step: Step, ctx: StepContext): Promise<StepOutputs> {
  switch (step.kind) {
    case 'build-python':
      return runBuildPythonStep(step, ctx);
    case 'source':
      return runSourceStep(step, ctx);
    case 'patch':
      return runPatchStep(step, ctx);
    case 'configure':
      return runConfigureStep(step, ctx);
    case 'bazel-build':
      return runBazelStep(step, ctx);
    case 'package':
      return runPackageStep(step, ctx);
    case 'install':
      return runInstallStep(step, ctx);
    case 'verify':
      return runVerifyStep(step, ctx);
  }
}

/** Outputs that describe a run (log paths, counts) rather than feed the next step: kept out of the hash chain. */
const INFO_OUTPUTS = new Set(['log', 'processes', 'jobs', 'remoteCacheHits', 'diskCacheHits', 'actionsExecuted']);
function chainOutputs(o: StepOutputs): StepOutputs {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !INFO_OUTPUTS.has(k)));
}

/**
 * What a step's hash covers: its plan entry minus the machine's momentary resources (--jobs and the RAM budget
 * follow free memory; they change how fast bazel builds, not what it builds).
 */
function hashedStep(step: Step): unknown {
  if (step.kind !== 'bazel-build') return step;
  const volatile = (a: string) => !a.startsWith('--jobs=') && !a.startsWith('--local_ram_resources=') && !a.startsWith('--local_resources=');
  return { ...step, jobs: 0, localRamMiB: 0, args: step.args.filter(volatile) };
}

/** Inputs of a step beyond its plan entry: the patch files' contents. */
function extraInputs(step: Step): unknown {
  if (step.kind !== 'patch') return null;
  return step.patches.map((id) => {
    const p = loadPatch(id);
    return [id, readFileSync(p.file, 'utf8'), p.diffText ?? null];
  });
}

/**
 * Checks that need no build, done before the first step in plan order so a bad host fails in seconds, not hours.
 * `previous`: the state being resumed (a wheel its finished package step published is this build's own).
 */
export async function preflight(plan: Plan, x: Exec, emit: (e: EventInput) => void, previous: BuildState | null = null): Promise<void> {
  const packaged = previous?.steps.some((s) => s.id === 'package') ?? false;
  for (const step of plan.steps) {
    if (step.kind === 'bazel-build') {
      const c = await verifyBazel(step, x);
      if (c.warning) emit({ type: 'warning', step: stepRef(step), message: c.warning });
    }
    if (step.kind === 'package' && !x.dryRun) verifyOutputDir(step.outputDir);
    if (step.kind === 'package' && !packaged) verifyWheelNameFree(step);
    if (step.kind === 'install') await verifyInstallTarget(step, x);
  }
  for (const w of plan.warnings) emit({ type: 'warning', message: w });
}

function newState(plan: Plan, resumeCommand: string): BuildState {
  const now = new Date().toISOString();
  return {
    schemaVersion: STATE_SCHEMA_VERSION, tag: plan.tag, gpu: plan.gpu, resumeCommand, status: 'running', pid: process.pid,
    startedAt: now, updatedAt: now, current: null, error: null, steps: [],
  };
}

function loadPrevious(plan: Plan, mode: ResumeMode, emit: (e: EventInput) => void): BuildState | null {
  const r = readState(plan.workdir);
  if (r.kind === 'corrupt') {
    emit({
      type: 'warning',
      message: `The state file in ${plan.workdir} is unreadable (${r.reason}); starting a fresh build.${r.movedTo ? ` The old file is kept as ${r.movedTo}.` : ''}`,
    });
    return null;
  }
  if (r.kind === 'none' || mode === 'fresh') return null;
  if (mode === 'auto' && r.state.status === 'done') return null;
  if (r.state.steps.length > 0) {
    emit({ type: 'log', level: 'info', message: `Resuming the ${r.state.status === 'running' ? 'unfinished (killed)' : r.state.status} build in ${plan.workdir} (pass --fresh to start over).` });
  }
  return r.state;
}

export async function runPlan(o: RunPlanOptions): Promise<RunPlanResult> {
  const { plan } = o;
  const dry = o.exec.dryRun;
  // The work dir and its logs are this user's: logs and state hold commands and paths of the build.
  if (!dry) {
    mkdirSync(plan.workdir, { recursive: true, mode: 0o700 });
    mkdirSync(`${plan.workdir}/logs`, { recursive: true, mode: 0o700 });
  }
  const lock = dry ? null : acquireLock(plan.workdir, o.resumeCommand);
  if (lock?.tookOverFrom) {
    o.emit({ type: 'log', level: 'info', message: `Took over the lock of a build that is no longer running (pid ${lock.tookOverFrom.pid}).` });
  }
  try {
    const previous = dry ? null : loadPrevious(plan, o.resume, o.emit);
    await preflight(plan, o.exec, o.emit, previous);
    let state: BuildState = { ...(previous ?? newState(plan, o.resumeCommand)), status: 'running', pid: process.pid, resumeCommand: o.resumeCommand, error: null };
    const order = plan.steps.map((s) => s.id);
    const save = () => {
      if (!dry) writeState(plan.workdir, state);
    };
    save();
    const runId = new Date().toISOString().replace(/[:.]/g, '-');
    const ctx: StepContext = {
      plan, exec: o.exec, signal: o.signal, emit: o.emit, outputs: {}, logDir: `${plan.workdir}/logs`, runId, setStatus: () => undefined, currentLog: null,
    };
    const executed: string[] = [];
    const skipped: string[] = [];
    let prevHash: string | null = null;
    let prevOutputs: StepOutputs = {};

    const tasks = new Listr(
      plan.steps.map((step) => ({
        title: step.title,
        task: async (_: unknown, task: { output: string; title: string; skip: (m?: string) => void }) => {
          const inputHash = hashInputs(prevHash, prevOutputs, hashedStep(step), extraInputs(step));
          const recorded = step.kind === 'source' ? null : findFinished(previous, step.id, inputHash);
          const done = recorded && (await areProductsIntact(step, recorded.outputs, o.exec)) ? recorded : null;
          if (done) {
            Object.assign(ctx.outputs, done.outputs);
            state = recordFinished(state, order, done);
            prevHash = inputHash;
            prevOutputs = chainOutputs(done.outputs);
            skipped.push(step.id);
            o.emit({ type: 'step-skipped', step: stepRef(step), reason: 'already done (resumed)' });
            task.skip(`${step.title} (done earlier)`);
            return;
          }
          o.emit({ type: 'step-started', step: stepRef(step) });
          state = { ...state, current: { id: step.id, startedAt: new Date().toISOString() } };
          save();
          ctx.currentLog = null;
          ctx.setStatus = (t) => {
            task.output = t;
          };
          const t0 = Date.now();
          const outputs = await execute(step, ctx);
          Object.assign(ctx.outputs, outputs);
          state = recordFinished(state, order, {
            id: step.id, kind: step.kind, inputHash, finishedAt: new Date().toISOString(), durationMs: Date.now() - t0, outputs,
          });
          save();
          prevHash = inputHash;
          prevOutputs = chainOutputs(outputs);
          executed.push(step.id);
          o.emit({ type: 'step-finished', step: stepRef(step), durationMs: Date.now() - t0 });
        },
      })),
      {
        renderer: o.renderer === 'tty' ? 'default' : 'silent',
        exitOnError: true,
        registerSignalListeners: false,
        rendererOptions: { collapseSubtasks: false, showErrorMessage: false },
      } as never,
    );

    try {
      await tasks.run();
    } catch (e) {
      const step = plan.steps.find((s) => s.id === state.current?.id);
      const interrupted = e instanceof InterruptedError || o.signal.aborted;
      state = { ...state, status: interrupted ? 'interrupted' : 'failed', error: e instanceof Error ? e.message : String(e) };
      save();
      if (interrupted) {
        const sig = o.signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
        if (step) o.emit({ type: 'step-failed', step: stepRef(step), error: { kind: 'interrupted', message: 'interrupted', exitCode: sig === 'SIGINT' ? 130 : 143 } });
        throw new InterruptedError(sig, `Interrupted during ${step?.id ?? 'the build'}; progress saved in ${plan.workdir}.`,
          `Resume with: ${o.resumeCommand}` + (step?.kind === 'bazel-build' ? ' (the bazel server keeps its cache; it exits by itself when idle, or: bazel shutdown)' : ''));
      }
      if (step) {
        const err = e instanceof TfbuildError ? e : null;
        o.emit({
          type: 'step-failed', step: stepRef(step),
          error: { kind: err?.kind ?? 'internal', message: e instanceof Error ? e.message : String(e), exitCode: err?.exitCode ?? 1, ...(err?.hint ? { hint: err.hint } : {}), ...(ctx.currentLog ? { logFile: ctx.currentLog } : {}) },
        });
        if (ctx.currentLog && existsSync(ctx.currentLog) && e instanceof ToolError) {
          const d = await adviseForPlan(await diagnoseFile(ctx.currentLog), plan);
          if (o.renderer === 'json') {
            for (const m of d.matches.slice(0, 3)) {
              if (m.severity === 'benign') continue;
              o.emit({ type: 'diagnosis', step: stepRef(step), id: m.id, title: m.title, fix: m.fix, evidence: [`${ctx.currentLog}:${m.lineNumber}: ${m.line}`] });
            }
          } else {
            o.print(formatDiagnosis(d, { color: o.color ?? false, logPath: ctx.currentLog, detailed: 2 }));
          }
        }
      }
      throw e;
    }
    state = { ...state, status: 'done', current: null };
    save();
    return { outputs: ctx.outputs, executed, skipped, state };
  } finally {
    lock?.release();
  }
}
