/** RAM from /proc/meminfo (MemAvailable counts reclaimable cache, unlike os.freemem on old Node). */
import { readFile } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';
import type { MemoryFacts } from './types.js';

export function parseMeminfo(text: string): MemoryFacts | null {
  const kib = (key: string): number | null => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  const total = kib('MemTotal');
  if (total === null) return null;
  // Kernels before 3.14 have no MemAvailable.
  const avail = kib('MemAvailable') ?? (kib('MemFree') ?? 0) + (kib('Cached') ?? 0) + (kib('Buffers') ?? 0);
  return { totalMiB: Math.round(total / 1024), availableMiB: Math.round(avail / 1024) };
}

export async function probeMemory(): Promise<MemoryFacts> {
  try {
    const parsed = parseMeminfo(await readFile('/proc/meminfo', 'utf8'));
    if (parsed) return parsed;
  } catch {
    /* not Linux: fall back to Node's view */
  }
  return { totalMiB: Math.round(totalmem() / 2 ** 20), availableMiB: Math.round(freemem() / 2 ** 20) };
}
