/** Find executables on PATH by name pattern without spawning anything. */
import { accessSync, closeSync, constants, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function isExecutableFile(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function pathDirs(env: NodeJS.ProcessEnv): string[] {
  return [...new Set((env.PATH ?? '').split(delimiter).filter(Boolean))];
}

/** Every executable in `dirs` whose name matches, in directory order. */
export function scanExecutables(dirs: readonly string[], pattern: RegExp, order: (a: string, b: string) => number = compareNames): string[] {
  const hits: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => pattern.test(n)).sort(order)) {
      const p = join(dir, name);
      if (isExecutableFile(p)) hits.push(p);
    }
  }
  return hits;
}

// One collator: localeCompare with options builds a new one per call (a few ms over /usr/bin's names).
const NUMERIC = new Intl.Collator('en', { numeric: true });

/** `python3` before `python3.11`, `gcc` before `gcc-11`: the unversioned name is what a build gets by default. */
export function compareNames(a: string, b: string): number {
  return a.length - b.length || NUMERIC.compare(a, b);
}

export function realpathOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The first executable called `name` on env.PATH (no spawn). */
export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const d of pathDirs(env)) {
    const p = join(d, name);
    if (isExecutableFile(p)) return p;
  }
  return null;
}

/** The first `bytes` of a file as text (to tell a wrapper script from a binary without reading 50 MB). */
export function readHead(p: string, bytes = 512): string {
  let fd: number | undefined;
  try {
    fd = openSync(p, 'r');
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('latin1');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
