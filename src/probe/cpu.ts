/** CPU model, logical cores and ISA flags from /proc/cpuinfo (TFBUILD_CPUINFO overrides the path). */
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { findIsa, getIsaByCpuinfo } from '../plan/isa.js';
import { TF_ISA_FLAGS, type CpuFacts, type IsaFlag } from './types.js';

export const DEFAULT_CPUINFO = '/proc/cpuinfo';

/** gcc/clang option per cpuinfo flag name (cpuinfo writes `sse4_2`, gcc wants `-msse4.2`), from the ISA table. */
export const ISA_COPTS: Record<IsaFlag, string> = Object.fromEntries(TF_ISA_FLAGS.map((f) => [f, getIsaByCpuinfo(f).copt.gcc])) as Record<IsaFlag, string>;

/** Any spelling (CPUID tools, `lscpu` elsewhere, user input: SSE4.2, AVX512VNNI, fma3) → the cpuinfo name. */
export function normaliseFlag(flag: string): string {
  const f = flag.trim().toLowerCase();
  return findIsa(f)?.cpuinfo ?? f;
}

export interface ParsedCpuinfo {
  model: string;
  processors: number;
  flags: string[];
}

/**
 * x86 kernels write `model name` and `flags`; arm64 writes `Features` and often no model name
 * (then `CPU part`/`Hardware` is all there is); POWER writes `cpu`.
 */
export function parseCpuinfo(text: string): ParsedCpuinfo {
  const blocks = text.split(/\n\s*\n/).filter((b) => b.trim() !== '');
  let processors = 0;
  let model = '';
  let flags: string[] | null = null;
  for (const block of blocks) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const i = line.indexOf(':');
      if (i < 0) continue;
      fields.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
    if (fields.has('processor')) processors += 1;
    if (!model) model = fields.get('model name') ?? fields.get('cpu model') ?? fields.get('hardware') ?? fields.get('cpu') ?? '';
    const raw = fields.get('flags') ?? fields.get('features');
    if (flags === null && raw !== undefined) flags = raw.split(/\s+/).filter(Boolean).map(normaliseFlag);
  }
  return { model, processors, flags: flags ?? [] };
}

export function isaOf(flags: readonly string[]): IsaFlag[] {
  const set = new Set(flags);
  return TF_ISA_FLAGS.filter((f) => set.has(f));
}

export function coptsFor(isa: readonly IsaFlag[]): string[] {
  return isa.map((f) => ISA_COPTS[f]);
}

export async function probeCpu(env: NodeJS.ProcessEnv): Promise<CpuFacts> {
  const source = env.TFBUILD_CPUINFO || DEFAULT_CPUINFO;
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new Error(`cannot read ${source} (${why})${env.TFBUILD_CPUINFO ? ': check TFBUILD_CPUINFO' : ''}`);
  }
  const parsed = parseCpuinfo(text);
  if (parsed.processors === 0 && parsed.flags.length === 0) {
    throw new Error(`${source} does not look like /proc/cpuinfo (no "processor" or "flags" lines)`);
  }
  const isa = isaOf(parsed.flags);
  // A recorded cpuinfo describes another host: its processor count wins over this machine's.
  const cores = env.TFBUILD_CPUINFO ? parsed.processors || 1 : availableParallelism();
  return {
    model: parsed.model || cpus()[0]?.model || 'unknown',
    cores,
    flags: parsed.flags,
    isa,
    copts: coptsFor(isa),
    source,
  };
}
