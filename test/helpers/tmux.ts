/**
 * Drive a real program in a pseudo-terminal with tmux (shared/ENVIRONMENT.md): a private tmux server per session
 * (-L), send-keys to answer prompts, capture-pane to read the screen. The command runs under `sh -c` followed by
 * an exit-code marker so a test can read how the program ended, and the pane stays open for a last capture.
 * Started inside a test, the session and its dir go when that test finishes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished, TestRunner } from 'vitest';
import { makeTempDir } from './tmp.js';

export const KEYS = { enter: 'Enter', down: 'Down', up: 'Up', space: 'Space', ctrlC: 'C-c', ctrlU: 'C-u', tab: 'Tab' } as const;

export interface TmuxSession {
  /** Everything on screen plus scrollback, without colours. */
  capture(): string;
  /** tmux key names (Enter, Down, C-c) or, with `literal`, text typed as is. */
  send(...keys: string[]): void;
  type(text: string): void;
  /** Wait until the screen contains `needle` (string or pattern); throws with the screen on timeout. */
  waitFor(needle: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Wait for the program to end; its exit code. */
  waitExit(timeoutMs?: number): Promise<number>;
  /** PID of the program (the child of the pane's shell); 0 when it has not started or has ended. */
  pid(): number;
  kill(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Start `argv` in a fresh terminal of `cols`×`rows`, with the runner's environment minus CI, plus `env`.
 */
export function startTmux(o: { argv: string[]; cwd: string; env?: Record<string, string>; cols?: number; rows?: number }): TmuxSession {
  const dir = makeTempDir('tfb-tmux-');
  const socket = `tfb-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const exitFile = join(dir, 'exit');
  // The test runner's environment minus CI (a person at a terminal), plus what the test sets.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== 'CI' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(e[0])),
  );
  const env: Record<string, string> = { ...inherited, TERM: 'xterm-256color', LANG: 'C.UTF-8', ...(o.env ?? {}) };
  const envArgs = Object.entries(env).map(([k, v]) => `${k}=${shq(v)}`).join(' ');
  const script = join(dir, 'run.sh');
  writeFileSync(
    script,
    `cd ${shq(o.cwd)}\nenv -i ${envArgs} ${o.argv.map(shq).join(' ')}\necho $? > ${shq(exitFile)}.tmp && mv ${shq(exitFile)}.tmp ${shq(exitFile)}\nsleep 600\n`,
  );
  // The server's socket dir inside the test's temp dir (tmux otherwise leaves /tmp/tmux-UID behind).
  const tmuxEnv = { ...process.env, TMUX_TMPDIR: dir };
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env: tmuxEnv });
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 't', '-x', String(o.cols ?? 120), '-y', String(o.rows ?? 45), `sh ${shq(script)}`);
  tmux('set-option', '-t', 't', 'history-limit', '5000');
  const capture = (): string => tmux('capture-pane', '-p', '-J', '-t', 't', '-S', '-5000');
  const session: TmuxSession = {
    capture,
    send: (...keys) => void tmux('send-keys', '-t', 't', ...keys),
    type: (text) => void tmux('send-keys', '-t', 't', '-l', text),
    async waitFor(needle, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const screen = capture();
        if (typeof needle === 'string' ? screen.includes(needle) : needle.test(screen)) return screen;
        if (Date.now() > end) throw new Error(`timed out waiting for ${String(needle)}; screen:\n${screen}`);
        await sleep(100);
      }
    },
    async waitExit(timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      while (!existsSync(exitFile)) {
        if (Date.now() > end) throw new Error(`program did not exit; screen:\n${capture()}`);
        await sleep(100);
      }
      return Number(readFileSync(exitFile, 'utf8').trim());
    },
    pid() {
      const shell = tmux('display-message', '-p', '-t', 't', '#{pane_pid}').trim();
      try {
        const kids = readFileSync(`/proc/${shell}/task/${shell}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
        return Number(kids[0] ?? 0);
      } catch {
        return 0;
      }
    },
    kill() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
  // The pane sleeps 600 s after the program for a last capture: end the server with the test that started it
  // (before its dir goes: onTestFinished hooks run in reverse order).
  if (TestRunner.getCurrentTest()) onTestFinished(() => session.kill());
  return session;
}
