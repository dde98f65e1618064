/**
 * --cpu-flags → compiler options. TensorFlow's start-up warning (cpu_feature_guard.cc) names these extensions, so
 * `auto` builds for the subset of them the host has.
 */
import type { IsaFlag } from '../probe/types.js';

/** The ISA extensions `auto` considers, in the order TF's guard reports them, with their gcc/clang option. */
export const AUTO_ISA: ReadonlyArray<{ name: string; isa: IsaFlag; copt: string }> = [
  { name: 'sse4.2', isa: 'sse4_2', copt: '-msse4.2' },
  { name: 'avx', isa: 'avx', copt: '-mavx' },
  { name: 'avx2', isa: 'avx2', copt: '-mavx2' },
  { name: 'fma', isa: 'fma', copt: '-mfma' },
  { name: 'avx512f', isa: 'avx512f', copt: '-mavx512f' },
];

export interface CpuFlagChoice {
  /** Compiler options, e.g. ['-mavx2', '-mfma']. */
  copts: string[];
  /** The flag names the build is for (sse4.2, avx2…); empty for none, ['native'] for native. */
  names: string[];
  /** Names built for that the host lacks. */
  foreign: string[];
}

/** Normalise a user-written flag: "SSE4_2" and "sse4.2" are the same. */
function normaliseName(s: string): string {
  const l = s.toLowerCase().replace(/^-m/, '');
  return l === 'sse4_2' ? 'sse4.2' : l === 'sse4_1' ? 'sse4.1' : l;
}

function isaOf(name: string): string {
  return name.replace('.', '_');
}

export function resolveCpuFlags(spec: 'auto' | 'native' | 'none' | string[], hostIsa: readonly string[]): CpuFlagChoice {
  if (spec === 'none') return { copts: [], names: [], foreign: [] };
  if (spec === 'native') return { copts: ['-march=native'], names: ['native'], foreign: [] };
  if (spec === 'auto') {
    const chosen = AUTO_ISA.filter((f) => hostIsa.includes(f.isa));
    return { copts: chosen.map((f) => f.copt), names: chosen.map((f) => f.name), foreign: [] };
  }
  const names = [...new Set(spec.map(normaliseName))];
  // Unknown names (avx9000) still become -mNAME: the compiler is the authority and rejects what it does not know.
  const copts = names.map((n) => AUTO_ISA.find((f) => f.name === n)?.copt ?? `-m${n}`);
  const foreign = names.filter((n) => !hostIsa.includes(isaOf(n)));
  return { copts, names, foreign };
}

/** CC_OPT_FLAGS for ./configure. An empty value makes r1.4's configure ask (and default to -march=native). */
export function formatCcOptFlags(choice: CpuFlagChoice): string {
  return choice.copts.length > 0 ? choice.copts.join(' ') : '-O2';
}
