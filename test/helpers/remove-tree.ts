/**
 * Removing test trees safely; no vitest import, so test/global-setup.ts can use it too.
 */
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Remove `dir` and everything in it, never following a symlink out of it. A bazel server whose output base lies
 * inside is stopped first (a JVM would otherwise outlive its deleted tree). Directories without u+wx (bazel's
 * install base and external repositories are read-only) get it back first, or a non-root unlink would fail.
 */
export function removeTree(dir: string): void {
  if (!existsSync(dir)) return;
  stopBazelServersUnder(dir);
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    return;
  } catch {
    // Read-only directories (a non-root run): open them up and try once more.
  }
  makeDirsWritable(dir);
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** chmod u+rwx every directory under `dir` (itself included) that lacks it; symlinks are not followed. */
export function makeDirsWritable(dir: string): void {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) return; // a symlink is not a directory to lstat: never followed
  if ((st.mode & 0o700) !== 0o700) chmodSync(dir, (st.mode & 0o7777) | 0o700);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) makeDirsWritable(join(dir, e.name));
  }
}

/**
 * Kill bazel servers found as `<output_user_root>/<md5>/server/server.pid.txt` anywhere under `dir` (an
 * output_user_root may sit a few levels down, e.g. XDG_CACHE_HOME/tfbuild/bazel), and wait for them to exit.
 * A pid is only killed when its command line names that output base, so a recycled pid is left alone.
 */
export function stopBazelServersUnder(dir: string): number[] {
  const killed: number[] = [];
  for (const serverDir of findServerDirs(dir, 6)) {
    const outputBase = join(serverDir, '..');
    let pid: number;
    try {
      pid = Number(readFileSync(join(serverDir, 'server.pid.txt'), 'utf8').trim());
    } catch {
      continue;
    }
    if (!Number.isInteger(pid) || pid <= 1 || !isBazelServerOf(pid, outputBase)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  waitGone(killed, 10_000);
  return killed;
}

function findServerDirs(dir: string, depth: number): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const p = join(dir, e.name);
    if (e.name === 'server' && existsSync(join(p, 'server.pid.txt'))) out.push(p);
    // Below an output base (execroot, external, install) there are no further servers: do not walk build trees.
    else if (depth > 0 && !['execroot', 'external', 'install', 'action_cache', 'bazel-out'].includes(e.name)) {
      out.push(...findServerDirs(p, depth - 1));
    }
  }
  return out;
}

function cmdline(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return null;
  }
}

function isBazelServerOf(pid: number, outputBase: string): boolean {
  return cmdline(pid)?.includes(`--output_base=${outputBase}`) ?? false;
}

function isAlive(pid: number): boolean {
  try {
    // A zombie still answers kill(0); /proc/PID/stat says Z.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function waitGone(pids: number[], ms: number): void {
  const end = Date.now() + ms;
  const sab = new Int32Array(new SharedArrayBuffer(4));
  while (pids.some(isAlive) && Date.now() < end) Atomics.wait(sab, 0, 0, 50);
}
