/** `java -version` (it prints to stderr) and the version → major rule (1.8.0_292 is 8; 17.0.15 is 17). */
import { probeRun, type ProbeRunOptions } from './probe-run.js';

/** `openjdk version "17.0.15" 2025-04-15`, `java version "1.8.0_292"`, `openjdk version "21" 2023-09-19`. */
export function parseJavaVersion(text: string): string | null {
  return /version "([^"]+)"/.exec(text)?.[1] ?? null;
}

export function parseJavaMajor(version: string): number | null {
  const m = /^1\.(\d+)/.exec(version) ?? /^(\d+)/.exec(version);
  return m ? Number(m[1]) : null;
}

export async function readJavaVersion(path: string, o: ProbeRunOptions): Promise<string> {
  const out = await probeRun(path, ['-version'], o);
  if (!out.ok) throw new Error(out.problem ?? 'java -version failed');
  return `${out.stderr}\n${out.stdout}`;
}
