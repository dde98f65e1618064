/**
 * The bazel servers tfbuild started: every build runs bazel with --output_user_root under tfbuild's cache dir, and
 * a bazel server's own command line carries `--output_user_root=` and `--workspace_directory=`, so the servers of
 * tfbuild's builds are the processes whose command line names that root (read from /proc; Linux only). Stopping
 * one sends SIGTERM, on which the server finishes its current request and exits.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface BazelServer {
  pid: number;
  workspace: string | null;
  outputBase: string | null;
  /** Resident memory, in bytes (null when unreadable). */
  rssBytes: number | null;
}

function argValue(args: readonly string[], name: string): string | null {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? null : a.slice(name.length + 3);
}

export function listBazelServers(outputUserRoot: string, procDir = '/proc'): BazelServer[] {
  const out: BazelServer[] = [];
  let pids: string[];
  try {
    pids = readdirSync(procDir).filter((n) => /^\d+$/.test(n));
  } catch {
    return out;
  }
  for (const pid of pids) {
    let args: string[];
    try {
      args = readFileSync(`${procDir}/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    // The client (`bazel build`) names the root too; only the server has --workspace_directory and --output_base.
    if (argValue(args, 'output_user_root') !== outputUserRoot || argValue(args, 'output_base') === null) continue;
    let rssBytes: number | null = null;
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`${procDir}/${pid}/status`, 'utf8'));
      if (m?.[1]) rssBytes = Number(m[1]) * 1024;
    } catch {
      /* gone meanwhile */
    }
    out.push({ pid: Number(pid), workspace: argValue(args, 'workspace_directory'), outputBase: argValue(args, 'output_base'), rssBytes });
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** SIGTERM each server; returns the pids that were signalled. */
export function stopBazelServers(servers: readonly BazelServer[]): number[] {
  const stopped: number[] = [];
  for (const s of servers) {
    try {
      process.kill(s.pid, 'SIGTERM');
      stopped.push(s.pid);
    } catch {
      /* already gone */
    }
  }
  return stopped;
}
