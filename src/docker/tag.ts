/** Image tags: recipe line + generation + a hash of everything that goes into the image. Pure. */
import { createHash } from 'node:crypto';

export interface ContextEntry {
  /** Path inside the build context, with forward slashes. */
  path: string;
  /** sha256 of the file's bytes (or of a symlink's target text). */
  sha256: string;
  mode: number;
}

/** Order-independent digest of the context: the same files with the same bytes give the same hash. */
export function hashContext(entries: readonly ContextEntry[]): string {
  const h = createHash('sha256');
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    // The exec bit matters (a script run directly); other mode bits are noise across checkouts.
    h.update(`${e.path}\0${e.sha256}\0${e.mode & 0o111 ? 'x' : '-'}\n`);
  }
  return h.digest('hex');
}

export const IMAGE_REPOSITORY = 'localhost/tfbuild';

/** localhost/tfbuild:r2.15-cpu-cuda12-ubuntu22.04-0123456789ab */
export function formatImageTag(line: string, generation: string, contextHash: string): string {
  const safe = (s: string) => s.toLowerCase().replace(/[^a-z0-9_.-]/g, '-');
  return `${IMAGE_REPOSITORY}:${safe(line)}-${safe(generation)}-${contextHash.slice(0, 12)}`;
}
