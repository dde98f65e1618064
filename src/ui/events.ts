/**
 * Build events: one versioned schema (v: 1) for what a build reports, and the reporter that renders them.
 * `--json` writes one event per line to stdout (NDJSON) and human text to stderr; plain mode writes
 * line-oriented progress for CI logs (no cursor movement); tty mode leaves steps to listr2 and only logs
 * warnings and diagnoses. schema/events.schema.json is generated from EventSchema (test/unit/events.test.ts).
 */
import { z } from 'zod';
import { formatDuration } from '../util/format.js';

export const EVENTS_VERSION = 1 as const;

export const StepRefSchema = z
  .object({
    id: z.string().min(1).describe('plan step id, unique within a plan'),
    kind: z.string().min(1).describe('step kind: probe, source, patch, configure, bazel, wheel, install, verify…'),
    title: z.string().describe('human title'),
  })
  .strict();

export const ProgressSchema = z
  .object({
    done: z.number().int().min(0).describe('actions (or units) completed'),
    total: z.number().int().min(0).describe('actions known so far; bazel grows this as it discovers work'),
    percent: z.number().min(0).max(100),
    etaSeconds: z.number().min(0).nullable().describe('null until a rate is known'),
    running: z.string().optional().describe('where the current action runs, as bazel says: remote, local, linux-sandbox…'),
  })
  .strict();

export const CacheStatsSchema = z
  .object({
    remoteHits: z.number().int().min(0).default(0),
    diskHits: z.number().int().min(0).default(0),
    localActions: z.number().int().min(0).default(0).describe('actions executed on this host'),
    remoteActions: z.number().int().min(0).default(0).describe('actions executed by the remote executor ("N remote")'),
    cachedActions: z.number().int().min(0).default(0).describe('actions served from a cache (remote, disk, action cache)'),
    totalActions: z.number().int().min(0).default(0),
    summarized: z.boolean().default(false).describe('bazel printed its process summary (older releases print none)'),
  })
  .strict();

export const ErrorInfoSchema = z
  .object({
    kind: z.string().describe('error kind: usage, environment, config, tool, conflict, internal'),
    message: z.string(),
    exitCode: z.number().int(),
    hint: z.string().optional(),
    details: z.array(z.string()).optional().describe('what a refusal names: the commands to run first, the fields at fault'),
    logFile: z.string().optional(),
  })
  .strict();

const base = {
  v: z.literal(EVENTS_VERSION),
  ts: z.iso.datetime().describe('ISO 8601 UTC time of the event'),
};

export const EventSchema = z
  .discriminatedUnion('type', [
    z.object({ ...base, type: z.literal('step-started'), step: StepRefSchema }).strict(),
    z
      .object({
        ...base,
        type: z.literal('step-finished'),
        step: StepRefSchema,
        durationMs: z.number().min(0),
      })
      .strict(),
    z
      .object({
        ...base,
        type: z.literal('step-skipped'),
        step: StepRefSchema,
        reason: z.string().describe('why: already done (resumed), not needed, --skip'),
      })
      .strict(),
    z
      .object({
        ...base,
        type: z.literal('step-failed'),
        step: StepRefSchema,
        durationMs: z.number().min(0).optional(),
        error: ErrorInfoSchema,
      })
      .strict(),
    z
      .object({
        ...base,
        type: z.literal('progress'),
        step: StepRefSchema,
        progress: ProgressSchema,
        message: z.string().optional().describe('the current action, e.g. "Compiling tensorflow/core/…"'),
      })
      .strict(),
    z
      .object({ ...base, type: z.literal('warning'), step: StepRefSchema.optional(), message: z.string() })
      .strict(),
    z
      .object({
        ...base,
        type: z.literal('diagnosis'),
        step: StepRefSchema.optional(),
        id: z.string().describe('known failure id (reference/failures.json)'),
        title: z.string(),
        fix: z.string(),
        evidence: z.array(z.string()).default([]).describe('log lines that matched'),
      })
      .strict(),
    z
      .object({
        ...base,
        type: z.literal('result'),
        ok: z.boolean(),
        result: z
          .object({
            wheel: z.string().nullable().describe('absolute path of the built wheel; null when none was built'),
            buildInfo: z.record(z.string(), z.unknown()).describe('what was built and how (version, flags, toolchain)'),
            cache: CacheStatsSchema,
            durationMs: z.number().min(0).optional(),
          })
          .strict(),
      })
      .strict(),
    z
      .object({ ...base, type: z.literal('error'), error: ErrorInfoSchema })
      .strict()
      .describe('the last event of a run that ended in an error, also one refused before its first step (usage, verdict, environment)'),
    z
      .object({
        ...base,
        type: z.literal('log'),
        level: z.enum(['debug', 'info', 'warn', 'error']),
        step: StepRefSchema.optional(),
        message: z.string(),
      })
      .strict(),
  ])
  .describe('tfbuild --json event (one per line on stdout)');

export type BuildEvent = z.infer<typeof EventSchema>;
export type EventType = BuildEvent['type'];
export type StepRef = z.infer<typeof StepRefSchema>;
export type Progress = z.infer<typeof ProgressSchema>;
export type CacheStats = z.infer<typeof CacheStatsSchema>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What callers pass to emit(): `v` and `ts` are filled in (a caller may set ts for replay). */
export type EventInput = DistributiveOmit<z.input<typeof EventSchema>, 'v' | 'ts'> & { ts?: string };

export type ReporterMode = 'tty' | 'plain' | 'json';
/** A stream or a write function (CliIO's stdout/stderr are functions). */
export type Sink = { write(s: string): unknown } | ((s: string) => unknown);

export interface Reporter {
  readonly mode: ReporterMode;
  emit(e: EventInput): void;
  close(): void;
}

export interface ReporterOptions {
  mode: ReporterMode;
  stdout: Sink;
  stderr: Sink;
  /** Plain mode: print a progress line at most every this many percent… (default 5) */
  progressStepPercent?: number;
  /** …or after this many ms without one (default 30 s). */
  progressIntervalMs?: number;
  now?: () => Date;
}

function toWriter(s: Sink): (text: string) => void {
  return typeof s === 'function' ? (t) => void s(t) : (t) => void s.write(t);
}

/** Fill v and ts and validate; a malformed event is a tfbuild bug, so it throws. */
export function toEvent(e: EventInput, now: () => Date = () => new Date()): BuildEvent {
  return EventSchema.parse({ ...e, v: EVENTS_VERSION, ts: e.ts ?? now().toISOString() });
}

/** json for --json; tty when a person watches a terminal; plain otherwise (CI logs, pipes). */
export function pickReporterMode(o: { json?: boolean; isTTY?: boolean; ci?: boolean }): ReporterMode {
  if (o.json) return 'json';
  if (o.isTTY && !o.ci) return 'tty';
  return 'plain';
}

export function createReporter(opts: ReporterOptions): Reporter {
  const out = toWriter(opts.stdout);
  const err = toWriter(opts.stderr);
  const now = opts.now ?? (() => new Date());
  const stepPercent = opts.progressStepPercent ?? 5;
  const intervalMs = opts.progressIntervalMs ?? 30_000;
  let closed = false;
  // Plain-mode throttle, per step: CI logs want a line every few percent, not every action.
  const lastProgress = new Map<string, { percent: number; at: number }>();
  let pendingProgress: Extract<BuildEvent, { type: 'progress' }> | undefined;

  const writeProgress = (p: Extract<BuildEvent, { type: 'progress' }>): void => {
    lastProgress.set(p.step.id, { percent: p.progress.percent, at: Date.parse(p.ts) });
    pendingProgress = undefined;
    out(formatProgressLine(p) + '\n');
  };

  const emit = (input: EventInput): void => {
    if (closed) return;
    const e = toEvent(input, now);
    if (opts.mode === 'json') {
      out(JSON.stringify(e) + '\n');
      const human = formatHuman(e);
      if (human !== undefined && (e.type === 'warning' || e.type === 'diagnosis' || e.type === 'step-failed')) {
        err(human + '\n');
      }
      return;
    }
    if (opts.mode === 'tty') {
      if (e.type === 'warning' || e.type === 'diagnosis') err(formatHuman(e) + '\n');
      return;
    }
    // plain
    if (e.type === 'progress') {
      const last = lastProgress.get(e.step.id);
      const at = Date.parse(e.ts);
      if (!last || e.progress.percent - last.percent >= stepPercent || at - last.at >= intervalMs) writeProgress(e);
      else pendingProgress = e;
      return;
    }
    if (e.type === 'step-finished' || e.type === 'step-failed') {
      if (pendingProgress?.step.id === e.step.id) writeProgress(pendingProgress);
      lastProgress.delete(e.step.id);
    }
    // The command prints the final "Built …" line itself.
    if (e.type === 'result') return;
    const human = formatHuman(e);
    if (human === undefined) return;
    if (e.type === 'warning' || e.type === 'diagnosis' || e.type === 'step-failed' || e.type === 'log') err(human + '\n');
    else out(human + '\n');
  };

  return {
    mode: opts.mode,
    emit,
    close() {
      if (closed) return;
      if (opts.mode === 'plain' && pendingProgress) writeProgress(pendingProgress);
      closed = true;
    },
  };
}

export function formatProgressLine(e: Extract<BuildEvent, { type: 'progress' }>): string {
  const p = e.progress;
  const eta = p.etaSeconds === null ? '' : `, ETA ${formatDuration(p.etaSeconds * 1000)}`;
  const msg = e.message ? ` ${e.message}` : '';
  const running = p.running ? `, running ${p.running}` : '';
  return `[${e.step.id}] ${p.done}/${p.total} (${p.percent.toFixed(0)}%${eta}${running})${msg}`;
}

/** One human line (or paragraph) per event; undefined for events with no human rendering. */
export function formatHuman(e: BuildEvent): string | undefined {
  switch (e.type) {
    case 'step-started':
      return `==> ${e.step.title} [${e.step.id}]`;
    case 'step-finished':
      return `ok  ${e.step.title} [${e.step.id}] (${formatDuration(e.durationMs)})`;
    case 'step-skipped':
      return `--  ${e.step.title} [${e.step.id}] skipped: ${e.reason}`;
    case 'step-failed':
      return `FAIL ${e.step.title} [${e.step.id}]: ${e.error.message}` + (e.error.hint ? `\n  fix: ${e.error.hint}` : '');
    case 'progress':
      return formatProgressLine(e);
    case 'warning':
      return `warning: ${e.message}`;
    case 'diagnosis':
      return [`diagnosis [${e.id}]: ${e.title}`, ...e.evidence.map((l) => `  | ${l}`), `  fix: ${e.fix}`].join('\n');
    case 'result': {
      const c = e.result.cache;
      const cache = c.summarized
        ? ` (${c.totalActions} processes: ${c.remoteActions} ran remotely, ${c.localActions} locally, ${c.cachedActions} from cache)`
        : '';
      return e.ok ? `Built ${e.result.wheel ?? '(no wheel)'}${cache}` : `Build failed${cache}`;
    }
    case 'log':
      return e.level === 'debug' ? undefined : e.message;
    case 'error':
      return undefined; // src/cli prints the error itself
  }
}

/** The JSON Schema of one NDJSON line, as written to schema/events.schema.json. */
export function getEventsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(EventSchema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
  return {
    $id: 'https://github.com/tfbuild/tfbuild/schema/events.schema.json',
    title: 'tfbuild build event (v1)',
    ...schema,
  };
}
