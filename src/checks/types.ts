/**
 * A check is a pure function over HostFacts.
 * Recipe checks (src/checks/recipe.ts) produce the same shape, so doctor just concatenates lists.
 */
import type { HostFacts } from '../probe/types.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  /** Stable identifier (e.g. `python`, `gpu.cudnn`); scripts key on it. */
  id: string;
  status: CheckStatus;
  /** One-line finding. */
  message: string;
  /** The exact command or setting that fixes it; null when nothing needs doing. */
  fix: string | null;
}

export interface CheckContext {
  facts: HostFacts;
  /** Evaluate the GPU (CUDA) checks too. */
  gpu: boolean;
}

export function pass(id: string, message: string): CheckResult {
  return { id, status: 'pass', message, fix: null };
}
export function warn(id: string, message: string, fix: string | null): CheckResult {
  return { id, status: 'warn', message, fix };
}
export function fail(id: string, message: string, fix: string | null): CheckResult {
  return { id, status: 'fail', message, fix };
}

/** The worst status in a list: doctor exits 3 when it is `fail`. */
export function worstStatus(results: readonly CheckResult[]): CheckStatus {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  if (results.some((r) => r.status === 'warn')) return 'warn';
  return 'pass';
}
