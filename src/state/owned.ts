/**
 * tfbuild deletes only what it can prove it made. A directory tfbuild creates to fill and later throw away (the
 * clone's `.partial` dir, the wheel staging dir) gets a marker file the moment it is made; removing such a directory
 * later needs that marker. A path that exists without it is someone else's (a saved plan pointing at a home dir, a
 * `--tag ../../x` escaping the work dir), and tfbuild refuses instead of deleting.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../errors.js';

export const OWNER_MARKER = '.tfbuild-owned';

/** Create `dir` (parents too) and mark it as tfbuild's. `dir` must not exist yet, or be an empty or owned dir. */
export function makeOwnedDir(dir: string, what: string): void {
  removeOwnedDir(dir, what);
  mkdirSync(dir, { recursive: true });
  closeSync(openSync(join(dir, OWNER_MARKER), 'wx', 0o600));
}

/** True when `dir` is a real directory (not a symlink) holding tfbuild's marker. */
export function isOwnedDir(dir: string): boolean {
  try {
    return lstatSync(dir).isDirectory() && lstatSync(join(dir, OWNER_MARKER)).isFile();
  } catch {
    return false;
  }
}

/**
 * Remove `dir` when tfbuild made it (the marker is there) or when there is nothing in it to lose (an empty dir);
 * a missing path is fine. Anything else is refused with exit 6 and nothing is touched.
 */
export function removeOwnedDir(dir: string, what: string): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return;
  }
  const empty = st.isDirectory() && readdirSync(dir).length === 0;
  if (!empty && !isOwnedDir(dir)) {
    throw new ConflictError(`${what} ${dir} already exists and tfbuild did not make it (no ${OWNER_MARKER} in it); refusing to delete it.`, {
      hint: 'Move it away yourself if it is not needed, or point tfbuild at another directory (a fresh plan: tfbuild plan VERSION --json).',
    });
  }
  rmSync(dir, { recursive: true, force: true });
}

