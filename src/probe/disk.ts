/** Free space and filesystem type where bazel's output base and the sources will live. */
import { readFile, realpath, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DiskFacts } from './types.js';

/** bazel's output base on these is slow (NFS), size-limited and lost on reboot (tmpfs), or breaks sandboxing (overlay). */
export const RISKY_FS = ['nfs', 'nfs4', 'cifs', 'smbfs', 'smb3', 'fuse.sshfs', 'overlay', 'tmpfs', 'aufs', '9p', 'virtiofs', 'fuse.glusterfs', 'ceph'];

export interface MountEntry {
  mountPoint: string;
  fsType: string;
}

/** /proc/mounts: `device mountpoint fstype options dump pass`, spaces in paths written as \040. */
export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const parts = line.split(' ');
    if (parts.length < 3) continue;
    out.push({ mountPoint: parts[1]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))), fsType: parts[2]! });
  }
  return out;
}

/** The filesystem holding `path`: the longest mount point that prefixes it (later mounts shadow earlier ones). */
export function fsTypeAt(mounts: readonly MountEntry[], path: string): string | null {
  let best: MountEntry | null = null;
  for (const m of mounts) {
    const prefix = m.mountPoint === '/' ? '/' : m.mountPoint + '/';
    if (path === m.mountPoint || path.startsWith(prefix)) {
      if (!best || m.mountPoint.length >= best.mountPoint.length) best = m;
    }
  }
  return best?.fsType ?? null;
}

async function nearestExisting(path: string): Promise<string> {
  let p = resolve(path);
  for (;;) {
    try {
      return await realpath(p);
    } catch {
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

export async function probeDisk(workdir: string): Promise<DiskFacts> {
  const measured = await nearestExisting(workdir);
  const st = await statfs(measured);
  let fsType: string | null = null;
  try {
    fsType = fsTypeAt(parseMounts(await readFile('/proc/mounts', 'utf8')), measured);
  } catch {
    /* not Linux */
  }
  return {
    path: resolve(workdir),
    measured,
    freeGiB: Math.round(((st.bavail * st.bsize) / 2 ** 30) * 10) / 10,
    fsType,
    risky: fsType !== null && RISKY_FS.includes(fsType),
  };
}
