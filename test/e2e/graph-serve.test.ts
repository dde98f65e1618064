/**
 * `tfbuild graph --serve` with real pythons. Without TensorBoard: a fresh venv that has none, and the message
 * that says how to get one and points to --html. With TensorBoard: no real TensorBoard can be installed here (no
 * PyPI), so a stand-in `tensorboard` package on PYTHONPATH plays it. It is faithful to what tfbuild relies on —
 * `import tensorboard` with `__version__`, `python -m tensorboard.main --logdir D --host H --port P`, an HTTP server
 * on that address, running until signalled — and, like TensorBoard, it reads the logdir's event files (TFRecord
 * framing) to list the runs it would show. It is not TensorBoard's UI.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/tmp.js';
import { encodeGraph } from '../unit/graph-fixtures.js';
import { runCli, startCli, waitFor } from './build-cli.js';

const FAKE_MAIN = String.raw`
import argparse, http.server, json, os, struct, sys
import tensorboard

def runs(logdir):
    found = {}
    for dirpath, _, files in os.walk(logdir):
        for f in files:
            if 'tfevents' not in f:
                continue
            data = open(os.path.join(dirpath, f), 'rb').read()
            at, sizes = 0, []
            while at + 12 <= len(data):
                (n,) = struct.unpack_from('<Q', data, at)
                sizes.append(n)
                at += 16 + n
            found[os.path.relpath(os.path.join(dirpath, f), logdir)] = sizes
    return found

p = argparse.ArgumentParser()
p.add_argument('--logdir', required=True)
p.add_argument('--host', default='localhost')
p.add_argument('--port', type=int, default=6006)
a = p.parse_args()

class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({'version': tensorboard.__version__, 'runs': runs(a.logdir)}).encode()
        self.send_response(200)
        self.send_header('content-type', 'application/json')
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

srv = http.server.HTTPServer((a.host, a.port), H)
print('TensorBoard %s at http://%s:%d/ (Press CTRL+C to quit)' % (tensorboard.__version__, a.host, a.port), file=sys.stderr, flush=True)
srv.serve_forever()
`;

function setup(): { dir: string; model: string; python: string } {
  const dir = makeTempDir('graph-serve-');
  const model = join(dir, 'frozen.pb');
  writeFileSync(model, encodeGraph());
  // A venv without pip is made in a second and has exactly the standard library: no tensorboard.
  execFileSync('python3', ['-m', 'venv', '--without-pip', join(dir, 'venv')]);
  return { dir, model, python: join(dir, 'venv', 'bin', 'python') };
}

describe('graph --serve', () => {
  it('with a python that has no tensorboard: exit 3, how to get one, and --html', async () => {
    const { dir, model } = setup();
    const r = await runCli(['graph', model, '--serve', '--workdir', dir]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/No TensorBoard to serve the graph: .*venv\/bin\/python has no tensorboard module/);
    expect(r.stderr).toMatch(/-m pip install tensorboard/);
    expect(r.stderr).toMatch(/--html FILE/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('serves the logdir from the python that can import tensorboard, prints the URL, stops on Ctrl-C', async () => {
    const { dir, model, python } = setup();
    const fake = join(dir, 'fake-tb');
    mkdirSync(join(fake, 'tensorboard'), { recursive: true });
    writeFileSync(join(fake, 'tensorboard', '__init__.py'), "__version__ = '2.99.0+standin'\n");
    writeFileSync(join(fake, 'tensorboard', 'main.py'), FAKE_MAIN);
    const logdir = join(dir, 'logs');
    const cli = startCli(['graph', model, '--serve', '--python', python, '--logdir', logdir], { env: { PYTHONPATH: fake } });
    let stderr = '';
    cli.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await waitFor(() => /serves .* at http:\/\/127\.0\.0\.1:\d+\//.test(stderr), 30_000)).toBe(true);
    const url = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)![1]!;
    expect(stderr).toMatch(/TensorBoard 2\.99\.0\+standin serves/);
    const body = (await (await fetch(url)).json()) as { runs: Record<string, number[]> };
    const files = Object.keys(body.runs);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^events\.out\.tfevents\.\d+\./);
    // The served logdir's event file: the version event, then the graph event carrying the whole GraphDef.
    expect(body.runs[files[0]!]![1]).toBeGreaterThan(encodeGraph().length);

    cli.child.kill('SIGINT');
    const done = await cli.done;
    expect(done.code).toBe(0);
    expect(stderr + done.stderr).toMatch(/Stopped TensorBoard\./);
    // The server is gone with it.
    await expect(fetch(url)).rejects.toThrow();
    expect(existsSync(join(logdir, files[0]!))).toBe(true);
  });
});
