/**
 * The page `tfbuild graph --html` writes, opened from disk by Debian's real headless chromium and driven over the
 * DevTools protocol: what it draws, a scope opened by a mouse click, a node's details, search, and the first view
 * of a large graph. Screenshots go to the test's temp dir.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageType } from '../../src/graph/proto.js';
import { makeTempDir } from '../helpers/tmp.js';
import { REPO_ROOT, runCli } from './build-cli.js';
// @ts-expect-error: a plain .mjs helper shared with bench/graph.mjs
import { launchChromium } from './graph-cdp.mjs';

interface Browser {
  open(url: string): Promise<void>;
  evaluate(expression: string): Promise<unknown>;
  waitFor(expression: string, ms?: number): Promise<unknown>;
  click(x: number, y: number): Promise<void>;
  type(text: string): Promise<void>;
  screenshot(): Promise<Buffer>;
  close(): Promise<void>;
}

const root = makeTempDir('graph-html-');
let browser: Browser;

beforeAll(async () => {
  // Fails loudly where chromium is missing: .ci/run installs it.
  execFileSync('chromium', ['--version'], { stdio: 'ignore' });
  browser = (await launchChromium({ userDataDir: join(root, 'profile') })) as Browser;
});
afterAll(async () => {
  await browser?.close();
});

async function page(model: string, name: string): Promise<void> {
  const html = join(root, `${name}.html`);
  const r = await runCli(['graph', model, '--html', html]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  await browser.open(pathToFileURL(html).href);
  await browser.waitFor("document.body.dataset.ready === '1'");
}

const boxCount = async () => (await browser.evaluate("document.querySelectorAll('#canvas g.box').length")) as number;

/** Scrolls the box into view and clicks its middle with the mouse. */
async function clickBox(selector: string): Promise<void> {
  const at = (await browser.evaluate(`(() => { const e = document.querySelector(${JSON.stringify(selector)});
    if (!e) return null; e.scrollIntoView({ block: 'center', inline: 'center' }); const r = e.getBoundingClientRect();
    return { x: r.x + Math.min(r.width / 2, 30), y: r.y + r.height / 2 }; })()`)) as { x: number; y: number } | null;
  expect(at, selector).not.toBeNull();
  await browser.click(at!.x, at!.y);
}

describe('graph --html in chromium', () => {
  it('draws BlazeFace (a real TensorFlow.js model) with its scope collapsed, opens it on click, shows details, finds by name', async () => {
    await page(join(REPO_ROOT, 'test', 'fixtures', 'graph', 'blazeface.model.json'), 'blazeface');
    // Outside any scope: 106 constants (the weights, one bucket box), the input and 4 Identity outputs; the 146
    // nodes under StatefulPartitionedCall/ are one collapsed scope box.
    expect(await boxCount()).toBe(7);
    expect(await browser.evaluate('document.body.dataset.boxes')).toBe('7');
    expect(await browser.evaluate("Array.from(document.querySelectorAll('#canvas g.box.scope text:first-of-type')).map((t) => t.textContent).sort()"))
      .toEqual(['\u25b8 StatefulPartitionedCall/', '\u25b8 [Const]']);
    expect(await browser.evaluate(`document.querySelector('#canvas g.box.scope[data-id="[Const]"] text.sub').textContent`)).toBe('106 nodes');
    writeFileSync(join(root, 'blazeface-collapsed.png'), await browser.screenshot());

    await clickBox('#canvas g.box.scope[data-id="StatefulPartitionedCall/"]');
    await browser.waitFor(`document.querySelector('#canvas g.cluster[data-id="StatefulPartitionedCall/"]') !== null`);
    // Opened: the scope is a cluster now, and its only child scope (functional_1/) is a box inside it.
    expect(await browser.evaluate(`document.querySelector('#canvas g.box.scope[data-id="StatefulPartitionedCall/functional_1/"]') !== null`)).toBe(true);
    expect(await browser.evaluate("document.querySelector('#details h2').textContent")).toBe('StatefulPartitionedCall/');
    await clickBox('#canvas g.box.scope[data-id="StatefulPartitionedCall/functional_1/"]');
    await browser.waitFor(`document.querySelector('#canvas g.cluster[data-id="StatefulPartitionedCall/functional_1/"]') !== null`);
    // Now drawn: the 6 boxes outside the scope, and one box per direct child of functional_1/ (its 140 layers are
    // each a scope or a node), counted here from the model file itself.
    const topo = (JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'graph', 'blazeface.model.json'), 'utf8')) as { modelTopology: { node: Array<{ name: string }> } }).modelTopology;
    const prefix = 'StatefulPartitionedCall/functional_1/';
    const children = new Set(topo.node.filter((n) => n.name.startsWith(prefix)).map((n) => n.name.slice(prefix.length).split('/')[0]));
    expect(children.size).toBe(140);
    expect(await boxCount()).toBe(6 + children.size);
    writeFileSync(join(root, 'blazeface-open.png'), await browser.screenshot());
    // The open scope's frame label closes it again: back to one box for functional_1/.
    await clickBox('#canvas g.cluster[data-id="StatefulPartitionedCall/functional_1/"] text');
    await browser.waitFor(`document.querySelector('#canvas g.box.scope[data-id="StatefulPartitionedCall/functional_1/"]') !== null`);
    expect(await boxCount()).toBe(7);

    // A node's details on click: the input placeholder.
    const inputIndex = (await browser.evaluate("JSON.parse(document.getElementById('graph-data').textContent).nodes.findIndex((n) => n.n === 'input')")) as number;
    await clickBox(`#canvas g.box.node[data-id="${inputIndex}"]`);
    await browser.waitFor("document.querySelector('#details h2')?.textContent === 'input'");
    const details = (await browser.evaluate("Array.from(document.querySelectorAll('#details tr')).map((r) => r.textContent)")) as string[];
    expect(details).toContain('opPlaceholder');
    expect(details).toContain('attr shape[1, 256, 256, 3]');
    expect(details).toContain('attr dtypefloat32');

    // Search: collapse everything, find a node deep in a scope, click the hit: its scopes open and it is selected.
    await clickBox('#collapse');
    await browser.waitFor("document.querySelectorAll('#canvas g.box').length === 7 && !document.querySelector('#canvas g.box.selected')");
    await clickBox('#search');
    await browser.type('re_lu_3/Relu');
    await browser.waitFor("document.querySelectorAll('#results li').length > 0");
    await clickBox('#results li');
    await browser.waitFor("document.querySelector('#canvas g.box.selected') !== null");
    expect(await browser.evaluate("document.querySelector('#details h2').textContent")).toMatch(/re_lu_3\/Relu$/);
    expect(await browser.evaluate("document.querySelector('#canvas g.box.selected').dataset.id")).toBe(
      String(await browser.evaluate("JSON.parse(document.getElementById('graph-data').textContent).nodes.findIndex((n) => n.n.endsWith('re_lu_3/Relu'))")),
    );
    writeFileSync(join(root, 'blazeface-search.png'), await browser.screenshot());
  });

  it('a large graph opens with at most a few hundred boxes', async () => {
    // 6000 nodes: 40 scopes of 100 chained nodes, and 2000 loose constants at the top (bucketed by op).
    const node: object[] = [];
    for (let s = 0; s < 40; s++) {
      for (let i = 0; i < 100; i++) node.push({ name: `block${s}/op${i}`, op: i === 0 ? 'Placeholder' : 'Relu', input: i === 0 ? [] : [`block${s}/op${i - 1}`] });
    }
    for (let c = 0; c < 2000; c++) node.push({ name: `const_${c}`, op: 'Const', attr: { value: { tensor: { dtype: 1, float_val: [c] } } } });
    const T = messageType('GraphDef');
    const model = join(root, 'large.pb');
    writeFileSync(model, T.encode(T.fromObject({ node })).finish());
    await page(model, 'large');
    const boxes = await boxCount();
    expect(boxes).toBeGreaterThanOrEqual(40);
    expect(boxes).toBeLessThanOrEqual(300);
    // The 2000 constants are in 8 buckets of 250: 40 scopes + 8 buckets.
    expect(boxes).toBe(48);
    writeFileSync(join(root, 'large.png'), await browser.screenshot());
  });

  it('a graph of 1000 sibling scopes (2 nodes each) opens with their scopes in boxes of 250', async () => {
    const node = Array.from({ length: 2000 }, (_, k) => ({ name: `s${String(k >> 1).padStart(4, '0')}/${k & 1 ? 'y' : 'x'}`, op: 'Identity' }));
    const T = messageType('GraphDef');
    const model = join(root, 'wide.pb');
    writeFileSync(model, T.encode(T.fromObject({ node })).finish());
    await page(model, 'wide');
    expect(await boxCount()).toBe(4);
    expect(await browser.evaluate("Array.from(document.querySelectorAll('#canvas g.box text:first-of-type')).map((t) => t.textContent).sort()[0]"))
      .toBe('\u25b8 [s0000 \u2026 s0249]');
    await clickBox('#canvas g.box.scope');
    await browser.waitFor("document.querySelectorAll('#canvas g.box').length === 3 + 250");
  });
});
