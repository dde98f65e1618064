/** NVIDIA driver (/proc/driver/nvidia/version, else nvidia-smi) and GPUs (nvidia-smi on PATH). */
import { readFile } from 'node:fs/promises';
import type { DriverFacts, GpuFacts, ProbeProblem } from './types.js';
import { findOnPath } from './path-scan.js';
import { capabilityFromName } from './gpu-capabilities.js';
import { queryGpus, readSmiTable } from '../tools/nvidia-smi.js';
import type { ProbeRunOptions } from '../tools/probe-run.js';

export const DEFAULT_PROC_DRIVER = '/proc/driver/nvidia/version';

/**
 * `NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.129.03  Thu Oct 19 18:56:32 UTC 2023`
 * `NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.54.15  Release Build  (dvs-builder@…)  …`
 */
export function parseProcDriverVersion(text: string): string | null {
  const line = /^NVRM version:.*$/m.exec(text)?.[0];
  if (!line) return null;
  return /\s(\d{2,4}\.\d{1,3}(?:\.\d{1,3})?)\s/.exec(`${line} `)?.[1] ?? null;
}

export async function probeNvidia(env: NodeJS.ProcessEnv, o: ProbeRunOptions): Promise<{ driver: DriverFacts | null; gpus: GpuFacts[]; problems: ProbeProblem[] }> {
  const problems: ProbeProblem[] = [];
  const procPath = env.TFBUILD_PROC_DRIVER || DEFAULT_PROC_DRIVER;
  let driver: DriverFacts | null = null;
  try {
    const v = parseProcDriverVersion(await readFile(procPath, 'utf8'));
    if (v) driver = { version: v, cudaVersion: null, source: '/proc/driver/nvidia/version' };
    else problems.push({ probe: 'driver', message: `${procPath} has no "NVRM version: … <version>" line` });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') problems.push({ probe: 'driver', message: `cannot read ${procPath} (${code ?? String(e)})` });
  }
  const smi = findOnPath('nvidia-smi', env);
  if (!smi) return { driver, gpus: [], problems };

  // nvidia-smi hangs when the driver is wedged: stop it well before the family deadline (a loaded machine starts
  // processes late) so the driver version already read from /proc survives.
  const smiOpts: ProbeRunOptions = { ...o, timeoutMs: Math.max(500, o.timeoutMs - 1000) };
  const [table, query] = await Promise.allSettled([readSmiTable(smi, smiOpts), queryGpus(smi, smiOpts)]);
  if (table.status === 'fulfilled') {
    driver = driver ? { ...driver, cudaVersion: table.value.cudaVersion } : { version: table.value.driver, cudaVersion: table.value.cudaVersion, source: 'nvidia-smi' };
  } else {
    problems.push({ probe: 'nvidia-smi', message: String(table.reason instanceof Error ? table.reason.message : table.reason) });
  }
  const gpus: GpuFacts[] = [];
  if (query.status === 'fulfilled') {
    for (const row of query.value.rows) {
      const fromName = row.computeCapability ? null : capabilityFromName(row.name);
      gpus.push({
        index: row.index,
        name: row.name,
        computeCapability: row.computeCapability ?? fromName,
        ccSource: row.computeCapability ? 'nvidia-smi' : fromName ? 'name-table' : null,
        memoryMiB: row.memoryMiB,
      });
    }
  } else {
    const msg = String(query.reason instanceof Error ? query.reason.message : query.reason);
    // The table call already reported a hang or a crash; say it once.
    if (!problems.some((p) => p.message === msg)) problems.push({ probe: 'gpus', message: msg });
  }
  return { driver, gpus, problems };
}
