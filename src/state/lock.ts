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
  /** The owner's start time (readProcessStart), to tell it from a later process given the same pid. */
  procStart?: string;
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
    return {
      pid: v.pid, host: String(v.host ?? ''), startedAt: String(v.startedAt ?? ''), command: String(v.command ?? ''),
      ...(typeof v.procStart === 'string' ? { procStart: v.procStart } : {}),
    };
  } catch {
    return null;
  }
}

/**
 * The command line of a live local process, or null when it cannot be read (gone, or no /proc). A pid is reused
 * after a reboot or wrap-around, so a lock's pid may now name an unrelated process (pid 1 in a container).
 */
export function readProcessCommand(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '').join(' ');
  } catch {
    return null;
  }
}

/** When the process started, in clock ticks since boot (/proc/PID/stat field 22); null when unreadable. */
export function readProcessStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** The lock's pid is alive but started at another time than the lock's owner did: a reused pid, not the owner. */
function isPidReused(l: LockInfo): boolean {
  if (l.procStart === undefined) return false;
  const now = readProcessStart(l.pid);
  return now !== null && now !== l.procStart;
}

export function isLockStale(l: LockInfo | null): boolean {
  // A lock from another host (shared work dir over NFS) cannot be checked: treat it as held.
  return l === null || (l.host === hostname() && (!isProcessAlive(l.pid) || isPidReused(l)));
}

export function acquireLock(workdir: string, command: string): HeldLock {
  mkdirSync(workdir, { recursive: true });
  const path = join(workdir, LOCK_FILE);
  const procStart = readProcessStart(process.pid);
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command, ...(procStart === null ? {} : { procStart }) };
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
      const running = held!.host === hostname() ? readProcessCommand(held!.pid) : null;
      const isTfbuild = running !== null && running.includes('tfbuild');
      throw new ConflictError(`Another tfbuild (pid ${held!.pid}${held!.host === hostname() ? '' : ` on ${held!.host}`}, started ${held!.startedAt}) holds the lock of ${workdir}.`, {
        details: [`its command: ${held!.command}`, ...(running !== null && !isTfbuild ? [`pid ${held!.pid} is now: ${running}`] : [])],
        hint: isTfbuild
          ? `Wait for it to finish, stop it (kill ${held!.pid}), or use another --workdir.`
          : `If no tfbuild is building in ${workdir} (pid ${held!.pid} may now be an unrelated process), remove ${path} yourself; or use another --workdir.`,
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
