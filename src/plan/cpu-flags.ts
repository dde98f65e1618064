/**
 * --cpu-flags → compiler options, from the one ISA table (src/plan/isa.ts). TensorFlow's start-up warning
 * (cpu_feature_guard.cc) names these extensions, so `auto` builds for the subset of them the host has. Each flag is
 * spelled for the chosen compiler and left out, with a note, when that compiler release does not know it (r1.4's
 * gcc 4.8 has no -mavx512f: it arrived in 4.9).
 */
import { UsageError } from '../errors.js';
import type { IsaFlag } from '../probe/types.js';
import { findIsa, isIsaSupported, ISA_TABLE, listIsaNames, type CompilerInfo, type IsaEntry } from './isa.js';

/** The ISA extensions `auto` considers, in the order TF's guard reports them, with their gcc/clang option. */
export const AUTO_ISA: ReadonlyArray<{ name: string; isa: IsaFlag; copt: string }> = ISA_TABLE.filter((e) => e.auto).map((e) => ({
  name: e.name,
  isa: e.cpuinfo,
  copt: e.copt.gcc,
}));

export interface CpuFlagChoice {
  /** Compiler options, e.g. ['-mavx2', '-mfma']. */
  copts: string[];
  /** The flag names the build is for (sse4.2, avx2…); empty for none, ['native'] for native. */
  names: string[];
  /** Names built for that the host lacks. */
  foreign: string[];
  /** Names left out because the compiler release does not know them. */
  dropped: string[];
  /** One line per dropped flag, for the plan's warnings. */
  notes: string[];
}

/** The table entries for user-written names; unknown names are a usage error listing the valid ones. */
export function parseCpuFlagNames(spec: readonly string[]): IsaEntry[] {
  const unknown = spec.filter((s) => findIsa(s) === undefined);
  if (unknown.length > 0) {
    throw new UsageError(`--cpu-flags: unknown ISA extension${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}.`, {
      hint: `Use auto, native, none, or a comma-separated list of: ${listIsaNames().join(', ')}.`,
    });
  }
  return [...new Set(spec.map((s) => findIsa(s) as IsaEntry))];
}

export function resolveCpuFlags(
  spec: 'auto' | 'native' | 'none' | string[],
  hostIsa: readonly string[],
  compiler: CompilerInfo | null = null,
): CpuFlagChoice {
  if (spec === 'none') return { copts: [], names: [], foreign: [], dropped: [], notes: [] };
  if (spec === 'native') return { copts: ['-march=native'], names: ['native'], foreign: [], dropped: [], notes: [] };
  const wanted = spec === 'auto' ? ISA_TABLE.filter((e) => e.auto && hostIsa.includes(e.cpuinfo)) : parseCpuFlagNames(spec);
  const kept = compiler === null ? wanted : wanted.filter((e) => isIsaSupported(e, compiler));
  const dropped = wanted.filter((e) => !kept.includes(e));
  const notes = dropped.map(
    (e) => `${e.name} left out: ${compiler?.kind} ${compiler?.version} does not know ${e.copt[compiler?.kind ?? 'gcc']} (added in ${compiler?.kind} ${e.since[compiler?.kind ?? 'gcc']}).`,
  );
  const kind = compiler?.kind ?? 'gcc';
  return {
    copts: kept.map((e) => e.copt[kind]),
    names: kept.map((e) => e.name),
    foreign: kept.filter((e) => !hostIsa.includes(e.cpuinfo)).map((e) => e.name),
    dropped: dropped.map((e) => e.name),
    notes,
  };
}

/** CC_OPT_FLAGS for ./configure. An empty value makes r1.4's configure ask (and default to -march=native). */
export function formatCcOptFlags(choice: CpuFlagChoice): string {
  return choice.copts.length > 0 ? choice.copts.join(' ') : '-O2';
}
