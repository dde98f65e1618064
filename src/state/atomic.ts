import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Write via a temp file in the same directory + rename: readers see the old or the new file, never half of one.
 * `mode`: the new file's permissions (tfbuild's own state is 0600: it records commands a user ran).
 */
export function writeFileAtomic(path: string, text: string | Buffer, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, text, mode === undefined ? {} : { mode });
  renameSync(tmp, path);
}
