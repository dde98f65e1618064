/** nvidia-smi: the GPU list (CSV query) and the driver/CUDA versions from its default table. */
import { probeRun, type ProbeRunOptions, type ProbeOutput } from './probe-run.js';

export const GPU_QUERY_FIELDS = ['index', 'name', 'memory.total', 'compute_cap'] as const;
export const GPU_QUERY_ARGS = [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
/** Drivers before ~510 reject compute_cap (`Field "compute_cap" is not a valid field to query.`). */
export const GPU_QUERY_ARGS_OLD = ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'];

export interface SmiGpuRow {
  index: number;
  name: string;
  memoryMiB: number | null;
  computeCapability: string | null;
}

/** `0, NVIDIA A100-SXM4-40GB, 40960, 8.0` per line; `[N/A]` / `[Not Supported]` become null. Throws on garbage. */
export function parseGpuCsv(stdout: string): SmiGpuRow[] {
  const rows: SmiGpuRow[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const cells = line.split(',').map((c) => c.trim());
    const index = Number(cells[0]);
    if (cells.length < 3 || !Number.isInteger(index) || cells[0] === '') {
      throw new Error(`unexpected nvidia-smi line: ${line.slice(0, 100)}`);
    }
    // A GPU name never contains a comma in NVIDIA's naming, but guard anyway: name is everything between index and memory.
    const tailCount = cells.length >= 4 ? 2 : 1;
    const name = cells.slice(1, cells.length - tailCount).join(', ');
    const mem = Number(cells[cells.length - tailCount]);
    const cc = tailCount === 2 ? cells[cells.length - 1]! : '';
    rows.push({
      index,
      name,
      memoryMiB: Number.isFinite(mem) && cells[cells.length - tailCount] !== '' ? mem : null,
      computeCapability: /^\d+\.\d+$/.test(cc) ? cc : null,
    });
  }
  return rows;
}

export function isUnknownFieldError(out: ProbeOutput): boolean {
  return /not a valid field to query/i.test(`${out.stdout}\n${out.stderr}`);
}

/** Header of the default table: `| NVIDIA-SMI 535.129.03   Driver Version: 535.129.03   CUDA Version: 12.2 |`. */
export function parseSmiTable(stdout: string): { driver: string; cudaVersion: string | null } | null {
  const d = /Driver Version:\s*(\d+\.\d+(?:\.\d+)?)/.exec(stdout);
  if (!d) return null;
  const c = /CUDA Version:\s*(\d+\.\d+)/.exec(stdout);
  return { driver: d[1]!, cudaVersion: c ? c[1]! : null };
}

export async function queryGpus(smi: string, o: ProbeRunOptions): Promise<{ rows: SmiGpuRow[]; oldDriver: boolean }> {
  const out = await probeRun(smi, GPU_QUERY_ARGS, o);
  if (!out.ok && isUnknownFieldError(out)) {
    const old = await probeRun(smi, GPU_QUERY_ARGS_OLD, o);
    if (!old.ok) throw new Error(old.problem ?? 'nvidia-smi failed');
    return { rows: parseGpuCsv(old.stdout), oldDriver: true };
  }
  if (!out.ok) throw new Error(`${out.problem ?? 'nvidia-smi failed'}${out.stdout.trim() ? `: ${out.stdout.trim().split('\n')[0]!.slice(0, 120)}` : ''}`);
  return { rows: parseGpuCsv(out.stdout), oldDriver: false };
}

export async function readSmiTable(smi: string, o: ProbeRunOptions): Promise<{ driver: string; cudaVersion: string | null }> {
  const out = await probeRun(smi, [], o);
  if (!out.ok) throw new Error(out.problem ?? 'nvidia-smi failed');
  const parsed = parseSmiTable(out.stdout);
  if (!parsed) throw new Error(`nvidia-smi printed no "Driver Version": ${out.stdout.trim().split('\n')[0]?.slice(0, 100) ?? ''}`);
  return parsed;
}
