// Drives Debian's headless chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3 carries
// commands to the browser, fd 4 its answers, each JSON message ended by a NUL byte). No port, no WebSocket
// library. Shared by test/e2e/graph-html.test.ts and bench/graph.mjs.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';

/**
 * @param {{ userDataDir: string, chromium?: string, width?: number, height?: number }} o
 */
export async function launchChromium(o) {
  const child = spawn(o.chromium ?? 'chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check', '--disable-extensions',
    '--remote-debugging-pipe', `--user-data-dir=${o.userDataDir}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d.toString()).slice(-4000); });
  const toBrowser = /** @type {import('node:stream').Writable} */ (child.stdio[3]);
  const fromBrowser = /** @type {import('node:stream').Readable} */ (child.stdio[4]);
  let nextId = 1;
  /** @type {Map<number, {resolve: (v: any) => void, reject: (e: Error) => void}>} */
  const pending = new Map();
  /** @type {Array<(msg: any) => void>} */
  const listeners = [];
  let buf = Buffer.alloc(0);
  fromBrowser.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (let end = buf.indexOf(0); end !== -1; end = buf.indexOf(0)) {
      const msg = JSON.parse(buf.subarray(0, end).toString('utf8'));
      buf = buf.subarray(end + 1);
      if (msg.id !== undefined && pending.has(msg.id)) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) p.reject(new Error(`${msg.error.message} (${msg.error.code})`));
        else p.resolve(msg.result);
      } else for (const l of listeners) l(msg);
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  exited.then(() => { for (const p of pending.values()) p.reject(new Error(`chromium exited: ${stderr}`)); pending.clear(); });

  /** @param {string} method @param {object} [params] @param {string} [sessionId] */
  function send(method, params = {}, sessionId) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  }

  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const page = (method, params) => send(method, params, sessionId);
  await page('Page.enable');
  await page('Runtime.enable');
  await page('Emulation.setDeviceMetricsOverride', { width: o.width ?? 1400, height: o.height ?? 900, deviceScaleFactor: 1, mobile: false });

  return {
    /** Navigates and resolves on the page's load event. */
    async open(url) {
      const loaded = new Promise((resolve) => listeners.push((m) => { if (m.method === 'Page.loadEventFired' && m.sessionId === sessionId) resolve(undefined); }));
      await page('Page.navigate', { url });
      await loaded;
    },
    /** Evaluates an expression in the page and returns its value (awaiting a promise). */
    async evaluate(expression) {
      const r = await page('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
      if (r.exceptionDetails) throw new Error(`page threw: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      return r.result.value;
    },
    /** Polls an expression until it is truthy. */
    async waitFor(expression, ms = 20000) {
      const until = Date.now() + ms;
      for (;;) {
        const v = await this.evaluate(expression);
        if (v) return v;
        if (Date.now() > until) throw new Error(`timed out waiting for ${expression}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** A real mouse click (press and release) at page coordinates. */
    async click(x, y) {
      for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
        await page('Input.dispatchMouseEvent', { type, x, y, button: type === 'mouseMoved' ? 'none' : 'left', clickCount: 1 });
      }
    },
    /** Types text into the focused element. */
    async type(text) {
      await page('Input.insertText', { text });
    },
    async screenshot() {
      const { data } = await page('Page.captureScreenshot', { format: 'png' });
      return Buffer.from(data, 'base64');
    },
    async close() {
      try { await Promise.race([send('Browser.close'), exited]); } catch { /* already closing */ }
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    },
  };
}
