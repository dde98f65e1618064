/**
 * `--serve`: TensorBoard on the logdir from a python that can import it, its URL printed once it answers HTTP,
 * stopped by Ctrl-C (SIGINT) or SIGTERM. Without TensorBoard, an EnvironmentError says how to get one and
 * points to --html, which needs nothing.
 */
import { request } from 'node:http';
import { createServer } from 'node:net';
import { EnvironmentError, InterruptedError } from '../errors.js';
import { shellQuote } from '../exec/index.js';
import { checkTensorboard, runTensorboard } from '../tools/tensorboard.js';

export interface ServeOptions {
  python: string;
  logdir: string;
  host?: string;
  port?: number;
  /** Where the URL and TensorBoard's own lines go. */
  print: (line: string) => void;
  /** Stops the server (tests); SIGINT/SIGTERM also do. */
  signal?: AbortSignal;
}

export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export function noTensorboardError(python: string, reason: string): EnvironmentError {
  return new EnvironmentError(`No TensorBoard to serve the graph: ${reason}.`, {
    hint: `Install it into that python (${shellQuote(python)} -m pip install tensorboard), point --python at a python that has it (the venv of a tfbuild build has it with TensorFlow), or write a page that needs nothing: --html FILE.`,
  });
}

/** Resolves when TensorBoard stopped because it was asked to; throws when it could not start or died. */
export async function serveTensorboard(o: ServeOptions): Promise<{ url: string; version: string }> {
  const check = await checkTensorboard(o.python);
  if (!check.ok) throw noTensorboardError(o.python, check.reason);
  const host = o.host ?? '127.0.0.1';
  const port = o.port ?? (await freePort(host));
  const url = `http://${host}:${port}/`;
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  o.signal?.addEventListener('abort', stop, { once: true });
  let exited = false;
  const running = runTensorboard({ python: o.python, logdir: o.logdir, host, port, signal: ac.signal, onLine: (l) => o.print(`  tensorboard: ${l}`) })
    .finally(() => { exited = true; });
  // Handled below by `await running`; this keeps a death during the wait from counting as unhandled.
  running.catch(() => undefined);
  try {
    // TensorBoard takes a few seconds to load its plugins before it listens.
    while (!exited && !ac.signal.aborted && !(await answers(url))) await new Promise((r) => setTimeout(r, 250));
    if (!exited && !ac.signal.aborted) o.print(`TensorBoard ${check.version} serves ${o.logdir} at ${url} — press Ctrl-C to stop it.`);
    await running;
  } catch (e) {
    // Ctrl-C is how a server is meant to end: not an error.
    if (!(e instanceof InterruptedError)) throw e;
    o.print('Stopped TensorBoard.');
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    o.signal?.removeEventListener('abort', stop);
  }
  return { url, version: check.version };
}
