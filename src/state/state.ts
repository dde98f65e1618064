/**
 * The build's checkpoint file (<workdir>/tfbuild-state.json): each finished step with the hash of its inputs.
 * Hashes are chained (a step's hash covers the previous step's hash and outputs), so a changed input invalidates
 * every step after it. Written atomically after every step.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic.js';

export const STATE_SCHEMA_VERSION = 1;
export const STATE_FILE = 'tfbuild-state.json';

const FinishedStepSchema = z.object({
  id: z.string(),
  kind: z.string(),
  inputHash: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  /** What later steps need from this one (commit, wheel path…). */
  outputs: z.record(z.string(), z.string()).default({}),
});
export type FinishedStep = z.infer<typeof FinishedStepSchema>;

export const BuildStateSchema = z.object({
  schemaVersion: z.literal(STATE_SCHEMA_VERSION),
  tag: z.string(),
  gpu: z.boolean(),
  /** The command that resumes this build. */
  resumeCommand: z.string(),
  status: z.enum(['running', 'interrupted', 'failed', 'done']),
  pid: z.number().int(),
  startedAt: z.string(),
  updatedAt: z.string(),
  current: z.object({ id: z.string(), startedAt: z.string() }).nullable(),
  error: z.string().nullable(),
  steps: z.array(FinishedStepSchema),
});
export type BuildState = z.infer<typeof BuildStateSchema>;

export function getStatePath(workdir: string): string {
  return join(workdir, STATE_FILE);
}

export type ReadStateResult =
  | { kind: 'none' }
  | { kind: 'ok'; state: BuildState }
  /** Unreadable: moved aside (never deleted) so the build can start fresh. */
  | { kind: 'corrupt'; reason: string; movedTo: string | null };

export function readState(workdir: string, opts: { moveAside?: boolean } = {}): ReadStateResult {
  const path = getStatePath(workdir);
  if (!existsSync(path)) return { kind: 'none' };
  let reason: string;
  try {
    const parsed = BuildStateSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (parsed.success) return { kind: 'ok', state: parsed.data };
    reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).slice(0, 3).join('; ');
  } catch (e) {
    reason = (e as Error).message;
  }
  let movedTo: string | null = null;
  if (opts.moveAside ?? true) {
    movedTo = `${path}.corrupt-${Date.now()}`;
    try {
      renameSync(path, movedTo);
    } catch {
      movedTo = null;
    }
  }
  return { kind: 'corrupt', reason, movedTo };
}

export function writeState(workdir: string, state: BuildState): void {
  writeFileAtomic(getStatePath(workdir), JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2) + '\n', 0o600);
}

/** Canonical JSON (sorted keys) so equal inputs hash equally whatever the key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function hashInputs(previousHash: string | null, previousOutputs: Record<string, string>, step: unknown, extra: unknown = null): string {
  return createHash('sha256').update(canonical({ previousHash, previousOutputs, step, extra })).digest('hex');
}

/** The recorded step if it finished with exactly these inputs. */
export function findFinished(state: BuildState | null, id: string, inputHash: string): FinishedStep | null {
  const s = state?.steps.find((x) => x.id === id);
  return s && s.inputHash === inputHash ? s : null;
}

/** Record a finished step, dropping every step recorded after it (they ran on older inputs). */
export function recordFinished(state: BuildState, order: readonly string[], step: FinishedStep): BuildState {
  const pos = order.indexOf(step.id);
  const kept = state.steps.filter((s) => s.id !== step.id && order.indexOf(s.id) < pos);
  return { ...state, current: null, steps: [...kept, step] };
}
