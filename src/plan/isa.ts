/**
 * The one table of x86 ISA extensions tfbuild knows: how /proc/cpuinfo names each, how `--cpu-flags` and TF's
 * start-up guard name it, the gcc/clang option, the first gcc and clang releases that accept that option, and the
 * predefined macro a compiler sets when it is on. Probe, plan, checks and verify all read this table.
 *
 * Outside facts: gcc added -msse4.1/-msse4.2 in 4.3, -mavx in 4.4, -mavx2/-mfma in 4.7, -mavx512f/-mavx512cd in
 * 4.9, -mavx512bw/-mavx512dq/-mavx512vl in 5.1 and -mavx512vnni in 8.1; clang had SSE4/AVX by 3.0, AVX2/FMA in 3.1,
 * AVX-512 F/CD in 3.4, BW/DQ/VL in 3.5 and VNNI in 6.0. gcc and clang spell every option here the same way.
 * cpu_feature_guard.cc prints the upper-case guard names (AVX512_VNNI keeps its underscore).
 */
import semver from 'semver';

/** The ISA extensions TensorFlow builds care about, by their /proc/cpuinfo names (one row each in ISA_TABLE). */
export const TF_ISA_FLAGS = ['sse4_1', 'sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl', 'avx512_vnni'] as const;
export type IsaFlag = (typeof TF_ISA_FLAGS)[number];

export interface IsaEntry {
  /** The name users and TF's guard use, lower case: sse4.2, avx512_vnni. */
  name: string;
  /** The /proc/cpuinfo flag. */
  cpuinfo: IsaFlag;
  /** The option gcc and clang take. */
  copt: { gcc: string; clang: string };
  /** First release of each compiler that accepts the option. */
  since: { gcc: string; clang: string };
  /** Defined by the compiler when the extension is on (what verify looks for in the binaries). */
  macro: string;
  /** How cpu_feature_guard.cc names it. */
  guard: string;
  /** What the option also turns on. */
  implies: readonly string[];
  /** Part of `--cpu-flags auto` (the extensions TF's 1.x guard reports). */
  auto: boolean;
  /** Other spellings accepted on input. */
  aliases: readonly string[];
  /**
   * The first TensorFlow major whose start-up guard reports the extension as "not compiled to use" (r1.4's lists
   * SSE…FMA only; 2.x's adds AVX512F), or null when tfbuild does not read it from the guard.
   */
  guardFromMajor: number | null;
}

const entry = (
  name: string, cpuinfo: IsaFlag, opt: string, gcc: string, clang: string, implies: readonly string[], auto: boolean, aliases: readonly string[] = [],
): IsaEntry => ({
  name, cpuinfo, copt: { gcc: opt, clang: opt }, since: { gcc, clang },
  macro: `__${name.replace('.', '_').replace('avx512_', 'avx512').toUpperCase()}__`, guard: name.toUpperCase(), implies, auto, aliases,
  guardFromMajor: !auto ? null : name === 'avx512f' ? 2 : 1,
});

/** In the order TF's guard reports them. */
export const ISA_TABLE: readonly IsaEntry[] = [
  entry('sse4.1', 'sse4_1', '-msse4.1', '4.3.0', '3.0.0', ['ssse3'], false, ['sse41']),
  entry('sse4.2', 'sse4_2', '-msse4.2', '4.3.0', '3.0.0', ['sse4.1'], true, ['sse42']),
  entry('avx', 'avx', '-mavx', '4.4.0', '3.0.0', ['sse4.2'], true),
  entry('avx2', 'avx2', '-mavx2', '4.7.0', '3.1.0', ['avx'], true),
  entry('fma', 'fma', '-mfma', '4.7.0', '3.1.0', ['avx'], true, ['fma3']),
  entry('avx512f', 'avx512f', '-mavx512f', '4.9.0', '3.4.0', ['avx2'], true),
  entry('avx512cd', 'avx512cd', '-mavx512cd', '4.9.0', '3.4.0', ['avx512f'], false),
  entry('avx512bw', 'avx512bw', '-mavx512bw', '5.1.0', '3.5.0', ['avx512f'], false),
  entry('avx512dq', 'avx512dq', '-mavx512dq', '5.1.0', '3.5.0', ['avx512f'], false),
  entry('avx512vl', 'avx512vl', '-mavx512vl', '5.1.0', '3.5.0', ['avx512f'], false),
  entry('avx512_vnni', 'avx512_vnni', '-mavx512vnni', '8.1.0', '6.0.0', ['avx512f'], false, ['avx512vnni', 'avx512-vnni']),
];

const BY_SPELLING = new Map<string, IsaEntry>();
for (const e of ISA_TABLE) {
  for (const s of [e.name, e.cpuinfo, e.copt.gcc.slice(2), ...e.aliases]) BY_SPELLING.set(s, e);
}

/** The entry for any spelling: cpuinfo (sse4_2), user (SSE4.2), option (-mavx512vnni), alias (fma3). */
export function findIsa(spelling: string): IsaEntry | undefined {
  const s = spelling.trim().toLowerCase().replace(/^-m/, '');
  return BY_SPELLING.get(s);
}

export function getIsaByCpuinfo(flag: IsaFlag): IsaEntry {
  const e = ISA_TABLE.find((x) => x.cpuinfo === flag);
  if (!e) throw new Error(`ISA table lacks ${flag}`);
  return e;
}

/** The names `--cpu-flags` accepts, for messages. */
export function listIsaNames(): string[] {
  return ISA_TABLE.map((e) => e.name);
}

export interface CompilerInfo {
  kind: 'gcc' | 'clang';
  /** Release, e.g. "4.8.5"; null when unknown (nothing is dropped then: the compiler is the authority). */
  version: string | null;
}

/** Whether the compiler release accepts the extension's option (true when the release is unknown). */
export function isIsaSupported(e: IsaEntry, compiler: CompilerInfo): boolean {
  const v = compiler.version === null ? null : semver.coerce(compiler.version);
  return v === null || semver.gte(v, e.since[compiler.kind]);
}

/** The extension and everything it turns on, by name (avx2 → avx2 avx sse4.2 sse4.1 ssse3 …). */
export function expandIsaImplied(names: readonly string[]): Set<string> {
  const out = new Set<string>();
  const visit = (n: string) => {
    if (out.has(n)) return;
    out.add(n);
    const e = ISA_TABLE.find((x) => x.name === n);
    for (const g of e?.implies ?? (n === 'ssse3' ? ['sse3'] : [])) visit(g);
  };
  names.forEach(visit);
  return out;
}
