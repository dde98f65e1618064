/**
 * One build per work dir: <workdir>/tfbuild.lock holds the owner's pid, host and start time, created with O_EXCL.
 * A lock whose process is gone (killed with -9, machine rebooted) is stale and taken over.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { ConflictError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';

export const LOCK_FILE = 'tfbuild.lock';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export interface HeldLock {
  path: string;
  /** Set when a stale lock was taken over. */
  tookOverFrom: LockInfo | null;
  release(): void;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(workdir: string): LockInfo | null {
  try {
    const v = JSON.parse(readFileSync(join(workdir, LOCK_FILE), 'utf8')) as Partial<LockInfo>;
    if (typeof v.pid !== 'number') return null;
    return { pid: v.pid, host: String(v.host ?? ''), startedAt: String(v.startedAt ?? ''), command: String(v.command ?? '') };
  } catch {
    return null;
  }
}

export function isLockStale(l: LockInfo | null): boolean {
  // A lock from another host (shared work dir over NFS) cannot be checked: treat it as held.
  return l === null || (l.host === hostname() && !isProcessAlive(l.pid));
}

export function acquireLock(workdir: string, command: string): HeldLock {
  mkdirSync(workdir, { recursive: true });
  const path = join(workdir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  const text = JSON.stringify(mine) + '\n';
  let tookOverFrom: LockInfo | null = null;
  try {
    writeFileSync(path, text, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const held = readLock(workdir);
    if (held && held.pid === process.pid && held.host === mine.host) {
      // Re-entrant within one process (e.g. build → patch).
    } else if (!isLockStale(held)) {
      throw new ConflictError(`Another tfbuild (pid ${held!.pid}, started ${held!.startedAt}) is building in ${workdir}.`, {
        details: [`its command: ${held!.command}`],
        hint: `Wait for it to finish, stop it (kill ${held!.pid}), or use another --workdir.`,
      });
    }
    tookOverFrom = held;
    writeFileAtomic(path, text, 0o600);
  }
  return {
    path,
    tookOverFrom,
    release() {
      const now = readLock(workdir);
      if (now && now.pid === process.pid) {
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
      }
    },
  };
}
