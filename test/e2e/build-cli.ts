/** Helpers for the pipeline e2e tests: run the real CLI, and stop the bazel servers a test file started. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopBazelServersUnder } from '../helpers/tmp.js';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
export const BIN = join(REPO_ROOT, 'bin', 'tfbuild.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Another copy of bin/tfbuild.js (a frozen package copy), instead of this checkout's. */
  bin?: string;
}

export function startCli(args: string[], o: CliOptions = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [o.bin ?? BIN, ...args], {
    cwd: o.cwd ?? REPO_ROOT,
    env: { ...process.env, CI: '1', NO_COLOR: '1', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(args: string[], o: CliOptions = {}): Promise<CliRun> {
  return startCli(args, o).done;
}

/** Kill the bazel servers under an output_user_root (they outlive the build by design) and wait until they are gone. */
export function stopBazelServers(outputUserRoot: string): void {
  stopBazelServersUnder(outputUserRoot);
}

/** PIDs of live processes whose command line mentions `needle` (from /proc). */
export function findProcesses(needle: string): Array<{ pid: number; cmd: string }> {
  const out: Array<{ pid: number; cmd: string }> = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue;
      if (cmd.includes(needle)) out.push({ pid: Number(d), cmd });
    } catch {
      /* exited */
    }
  }
  return out;
}

export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}
