/** PATH look-ups without spawning anything (fast enough for doctor). */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Every executable named `name` on PATH, in PATH order, de-duplicated. */
export function whichAll(name: string, pathEnv: string | undefined = process.env.PATH): string[] {
  if (isAbsolute(name)) return isExecutable(name) ? [name] : [];
  const seen = new Set<string>();
  const hits: string[] = [];
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (!seen.has(p) && isExecutable(p)) {
      seen.add(p);
      hits.push(p);
    }
  }
  return hits;
}

export function which(name: string, pathEnv?: string): string | null {
  return whichAll(name, pathEnv)[0] ?? null;
}
