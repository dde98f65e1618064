/** `nvcc --version`: the toolkit's own answer when version.json / version.txt are absent (pip-style layouts). */
import { probeRun, type ProbeRunOptions } from './probe-run.js';

/**
 * Last line of `nvcc --version` since CUDA 7: `Cuda compilation tools, release 13.0, V13.0.88`
 * (CUDA 8.0: `release 8.0, V8.0.61`). Returns "13.0".
 */
export function parseNvccVersion(stdout: string): { version: string; full: string | null } | null {
  const m = /release (\d+\.\d+)(?:, V(\d+\.\d+\.\d+))?/.exec(stdout);
  return m ? { version: m[1]!, full: m[2] ?? null } : null;
}

export async function readNvccVersion(nvcc: string, o: ProbeRunOptions): Promise<string> {
  const out = await probeRun(nvcc, ['--version'], o);
  if (!out.ok) throw new Error(out.problem ?? 'nvcc --version failed');
  const v = parseNvccVersion(out.stdout);
  if (!v) throw new Error(`${nvcc} --version printed no "release X.Y": ${out.stdout.trim().split('\n').pop()?.slice(0, 80) ?? ''}`);
  return v.version;
}
