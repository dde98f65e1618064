/**
 * A snapshot of the system and user configuration the tests' programs could write (podman, nginx, apt, pip, git,
 * bazel, docker), to compare before and after real work: every entry below each path with its type, mode and
 * content hash (a link: its target). Reading only; absent paths are recorded as absent.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Watched {
  path: string;
  /** Names, types and modes only (a store of large files, where a new entry is what matters). */
  listingOnly?: boolean;
  /** How deep to go below the path. */
  depth?: number;
}

export function getWatchedConfig(home = homedir()): Watched[] {
  return [
    { path: '/etc/containers' },
    { path: '/etc/nginx' },
    { path: '/etc/apt/sources.list.d' },
    { path: '/etc/apt/trusted.gpg.d' },
    { path: '/etc/pip.conf' },
    { path: '/etc/gitconfig' },
    { path: '/etc/bazel' },
    { path: '/etc/bazel.bazelrc' },
    // nginx opens its compiled-in error log before reading -c's config unless started with -e.
    { path: '/var/log/nginx' },
    // Rootful podman's own storage: a private podman must add nothing here. (Its cache dir beside it is left out:
    // podman 4.3 updates /var/lib/containers/cache/blob-info-cache-v1.boltdb whatever storage.conf says.)
    { path: '/var/lib/containers/storage', listingOnly: true, depth: 2 },
    { path: join(home, '.config', 'containers') },
    { path: join(home, '.local', 'share', 'containers'), listingOnly: true, depth: 2 },
    { path: join(home, '.bazelrc') },
    { path: join(home, '.docker') },
    { path: join(home, '.pip', 'pip.conf') },
    { path: join(home, '.config', 'pip') },
    { path: join(home, '.gitconfig') },
  ];
}

/** path → "absent" | "dir 755" | "file 644 <sha256>" | "link -> target", for each watched path and what is below it. */
export function snapshotConfig(watched: readonly Watched[] = getWatchedConfig()): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (p: string, w: Watched, depth: number): void => {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      out[p] = 'absent';
      return;
    }
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) out[p] = `link -> ${readlinkSync(p)}`;
    else if (st.isDirectory()) {
      out[p] = `dir ${mode}`;
      if (depth < (w.depth ?? 16)) for (const name of readdirSync(p).sort()) visit(join(p, name), w, depth + 1);
    } else if (st.isFile()) {
      out[p] = w.listingOnly ? `file ${mode}` : `file ${mode} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    } else out[p] = `other ${mode}`;
  };
  for (const w of watched) visit(w.path, w, 0);
  return out;
}
