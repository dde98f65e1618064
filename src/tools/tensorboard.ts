/**
 * TensorBoard adapter: is it importable from a python, and run it on a logdir until stopped. TensorBoard's own
 * entry point is the module `tensorboard.main` (the `tensorboard` console script calls the same function), so
 * `python -m tensorboard.main` works in any environment that can `import tensorboard`, with or without the script
 * on PATH.
 */
import { plainExec, shellQuote } from '../exec/index.js';
import { runPython } from './python.js';

export type TensorboardCheck = { ok: true; version: string } | { ok: false; reason: string };

/** Whether `python` can import tensorboard, and its version. A missing python or module is a value, not an error. */
export async function checkTensorboard(python: string): Promise<TensorboardCheck> {
  const r = await runPython({ python, code: 'import tensorboard\nprint(tensorboard.__version__)' });
  if (r.spawnError) return { ok: false, reason: `${python} could not be started (${r.spawnError})` };
  if (r.exitCode === 0) return { ok: true, version: r.stdout.trim().split('\n').pop() ?? '' };
  const last = r.tail.filter((l) => l.trim() !== '').pop() ?? `exit code ${r.exitCode}`;
  return { ok: false, reason: /No module named/.test(last) ? `${python} has no tensorboard module` : `${python} cannot import tensorboard: ${last}` };
}

export interface TensorboardRun {
  python: string;
  logdir: string;
  host: string;
  port: number;
  /** Aborting stops TensorBoard (and its children); run() then throws InterruptedError. */
  signal: AbortSignal;
  onLine?: (line: string) => void;
}

export function tensorboardArgs(o: Pick<TensorboardRun, 'logdir' | 'host' | 'port'>): string[] {
  return ['-m', 'tensorboard.main', '--logdir', o.logdir, '--host', o.host, '--port', String(o.port)];
}

/** Runs TensorBoard until it exits or `signal` aborts. A server runs as long as it is wanted: no wall limit. */
export async function runTensorboard(o: TensorboardRun): Promise<void> {
  const args = tensorboardArgs(o);
  // A foreground server the user asked for, with no secrets and no dry-run: the plain runner.
  await plainExec.run({
    cmd: o.python,
    args,
    effect: 'read',
    timeout: 'build',
    capture: false,
    signal: o.signal,
    onLine: o.onLine === undefined ? undefined : (line) => o.onLine!(line),
    title: 'TensorBoard',
    hint: `Run it by hand to see why: ${[o.python, ...args].map(shellQuote).join(' ')}`,
  });
}
