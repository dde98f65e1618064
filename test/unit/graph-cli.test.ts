/** `tfbuild graph` through the CLI: outputs written, JSON shape, exit codes, and messages without a stack. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { makeTempDir } from '../helpers/tmp.js';
import { encodeGraph, encodeSavedModel, readRecords } from './graph-fixtures.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out: () => out.join(''), err: () => err.join('') };
}

describe('tfbuild graph', () => {
  it('prints the summary and writes an event file and a self-contained page', async () => {
    const dir = makeTempDir('graph-cli-');
    const model = join(dir, 'frozen.pb');
    writeFileSync(model, encodeGraph());
    const c = capture();
    const code = await main(['graph', model, '--logdir', join(dir, 'logs'), '--html', join(dir, 'g.html')], c.io);
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    expect(c.out()).toMatch(/GraphDef \(frozen graph\)/);
    expect(c.out()).toMatch(/producer version: 27/);
    expect(c.out()).toMatch(/input {2}float32 \[\?, 4\]/);
    expect(c.out()).toMatch(/view it: tensorboard --logdir /);
    const page = readFileSync(join(dir, 'g.html'), 'utf8');
    // Nothing is loaded from anywhere: no src=/href= attributes, no <link>, a CSP that allows no fetch.
    expect(page).not.toMatch(/\s(src|href)\s*=/i);
    expect(page).not.toMatch(/<link/i);
    expect(page).toContain("default-src 'none'");
    const data = JSON.parse(/<script type="application\/json" id="graph-data">([^<]*)<\/script>/.exec(page)![1]!) as { nodes: Array<{ n: string; o: string; c?: string; a: Record<string, string> }> };
    expect(data.nodes.map((n) => n.n)).toContain('dense/MatMul');
    expect(data.nodes.find((n) => n.n === 'dense/kernel')?.c).toBe('float32 [4, 3]: 48 B stored, 48 B in memory');
    expect(data.nodes.find((n) => n.n === 'dense/BiasAdd')?.a).toEqual({ T: 'float32', data_format: '"NHWC"' });
    // Zero values read as what their oneof member is, not as another member's default.
    expect(data.nodes.find((n) => n.n === 'dense/MatMul')?.a).toEqual({ T: 'float32', transpose_a: 'false', alpha: '0', n: '0' });
    expect(page).toContain('var dagre'); // the layout library, inlined
  });

  it('--json has the summary and the paths it wrote', async () => {
    const dir = makeTempDir('graph-cli-');
    const model = join(dir, 'frozen.pb');
    writeFileSync(model, encodeGraph());
    const c = capture();
    expect(await main(['graph', model, '--json', '--logdir', join(dir, 'logs')], c.io)).toBe(0);
    const j = JSON.parse(c.out()) as { format: string; graphs: Array<{ nodeCount: number }>; eventFiles: string[]; html: null };
    expect(j.format).toBe('graphdef');
    expect(j.graphs[0]!.nodeCount).toBe(8);
    expect(j.html).toBeNull();
    expect(j.eventFiles).toHaveLength(1);
    expect(readRecords(readFileSync(j.eventFiles[0]!))).toHaveLength(2);
  });

  it('a SavedModel: one TensorBoard run per meta graph, the page draws the first', async () => {
    const dir = makeTempDir('graph-cli-');
    writeFileSync(join(dir, 'saved_model.pb'), encodeSavedModel());
    const c = capture();
    expect(await main(['graph', dir, '--json', '--logdir', join(dir, 'logs'), '--html', join(dir, 'g.html')], c.io)).toBe(0);
    const j = JSON.parse(c.out()) as { format: string; graphs: Array<{ label: string }>; eventFiles: string[] };
    expect(j.format).toBe('saved-model');
    expect(j.eventFiles.map((p) => relative(join(dir, 'logs'), p).split(sep)[0])).toEqual(['0-serve', '1-train']);
    const graphs = j.eventFiles.map((p) => readRecords(readFileSync(p))[1]!);
    // The train meta graph holds the first 4 nodes only: its event is the smaller one.
    expect(graphs[1]!.length).toBeLessThan(graphs[0]!.length);
    expect(readFileSync(join(dir, 'g.html'), 'utf8')).toContain('<title>saved_model.pb [serve]</title>');
  });

  it('bad input: exit 4 with what it is not and what is expected, no stack', async () => {
    const dir = makeTempDir('graph-cli-');
    const model = join(dir, 'cut.pb');
    writeFileSync(model, encodeGraph().subarray(0, 100));
    const c = capture();
    expect(await main(['graph', model], c.io)).toBe(4);
    expect(c.err()).toMatch(/is cut short/);
    expect(c.err()).not.toMatch(/\n\s+at /);
    expect(c.out()).toBe('');
  });

  it('a missing file: exit 3; --python without --serve: exit 2', async () => {
    const c = capture();
    expect(await main(['graph', '/nonexistent/model.pb'], c.io)).toBe(3);
    expect(c.err()).toMatch(/no such file/);
    const u = capture();
    expect(await main(['graph', '/nonexistent/model.pb', '--python', 'python3'], u.io)).toBe(2);
  });

  it('--serve with a python that cannot be started: exit 3, pointing to --html; the temp logdir is removed', async () => {
    const dir = makeTempDir('graph-cli-');
    const model = join(dir, 'frozen.pb');
    writeFileSync(model, encodeGraph());
    const tempLogdirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('tfbuild-graph-'));
    const before = tempLogdirs();
    const c = capture();
    expect(await main(['graph', model, '--serve', '--python', join(dir, 'no-such-python')], c.io)).toBe(3);
    expect(c.err()).toMatch(/No TensorBoard to serve the graph: .*could not be started/);
    expect(c.err()).toMatch(/--html FILE/);
    expect(tempLogdirs()).toEqual(before);
  });
});
