/**
 * One self-contained HTML file that draws a graph: the graph as JSON, dagre (the layered layout, MIT) and the
 * viewer script inlined, styles inline, nothing fetched. Constant values are not embedded, only their sizes, so a
 * 100 MB frozen graph gives a page of about its node count, not its weight.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { LoadedGraph } from './read.js';
import { inputNodeName, isConstNode } from './summary.js';
import { formatBytes } from '../util/format.js';
import { dtypeName, formatShape, tensorSize } from './tensor.js';
import type { AttrValue, NodeDef } from './types.js';
import { toNumber } from './types.js';
import { VIEWER_SCRIPT } from './viewer-script.js';

/** What the page gets per node: n name, o op, i input node indices (-1: not in the graph), in input strings,
 * d device, a attrs as text, s output shapes, c constant size. */
export interface ViewNode {
  n: string;
  o: string;
  i: number[];
  in: string[];
  d: string;
  a: Record<string, string>;
  s?: string;
  c?: string;
}

const MAX_ATTR_TEXT = 300;
const clip = (s: string) => (s.length > MAX_ATTR_TEXT ? `${s.slice(0, MAX_ATTR_TEXT)}…` : s);
const utf8 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

function tensorText(t: NonNullable<AttrValue['tensor']>): string {
  const size = tensorSize(t);
  const mem = size.memoryBytes === null ? '' : `, ${formatBytes(size.memoryBytes)} in memory`;
  return `${dtypeName(t.dtype)} ${formatShape(t.tensor_shape)}: ${formatBytes(size.storedBytes)} stored${mem}`;
}

export function attrText(v: AttrValue): string {
  // `value` names the member of the oneof that is set; the others read as their defaults (false, 0, empty).
  switch (v.value) {
    case 'list': {
      const l = v.list ?? {};
      const items = [
        ...(l.s ?? []).map(utf8), ...(l.i ?? []).map((x) => String(toNumber(x))), ...(l.f ?? []).map(String), ...(l.b ?? []).map(String),
        ...(l.type ?? []).map(dtypeName), ...(l.shape ?? []).map(formatShape), ...(l.tensor ?? []).map(tensorText), ...(l.func ?? []).map((f) => f.name ?? ''),
      ];
      return clip(`[${items.join(', ')}]`);
    }
    case 's': return clip(JSON.stringify(utf8(v.s ?? new Uint8Array())));
    case 'i': return String(toNumber(v.i));
    case 'f': return String(v.f ?? 0);
    case 'b': return String(v.b ?? false);
    case 'type': return dtypeName(v.type);
    case 'shape': return formatShape(v.shape);
    case 'tensor': return v.tensor ? tensorText(v.tensor) : '(no tensor)';
    case 'func': return `function ${v.func?.name ?? ''}`;
    case 'placeholder': return `placeholder ${v.placeholder ?? ''}`;
    default: return '(not set)';
  }
}

export function viewNodes(nodes: NodeDef[]): ViewNode[] {
  const index = new Map<string, number>();
  nodes.forEach((n, i) => index.set(n.name ?? '', i));
  return nodes.map((n) => {
    const attrs = n.attr ?? {};
    const a: Record<string, string> = {};
    for (const [k, v] of Object.entries(attrs)) if (k !== '_output_shapes') a[k] = attrText(v);
    const inputs = n.input ?? [];
    const view: ViewNode = { n: n.name ?? '', o: n.op ?? '', i: inputs.map((s) => index.get(inputNodeName(s)) ?? -1), in: inputs, d: n.device ?? '', a };
    const shapes = attrs._output_shapes?.list?.shape;
    if (shapes && shapes.length > 0) view.s = shapes.map(formatShape).join(', ');
    if (isConstNode(n)) view.c = tensorText(attrs.value!.tensor!);
    return view;
  });
}

function readDagre(): string {
  try {
    const require = createRequire(import.meta.url);
    return readFileSync(join(dirname(require.resolve('@dagrejs/dagre/package.json')), 'dist', 'dagre.min.js'), 'utf8');
  } catch (e) {
    throw new EnvironmentError('The graph layout library (@dagrejs/dagre) is not installed next to tfbuild.', {
      hint: 'Reinstall tfbuild with its dependencies (npm ci, or npm install -g tfbuild).',
      cause: e,
    });
  }
}

/** Code safe inside <script>: no "</script" ends the element early (`<\/` means the same in a JS string or regex). */
const scriptSafe = (s: string) => s.replace(/<\/(script)/gi, '<\\/$1');
/** JSON safe inside <script>: every '<' as \u003c, which JSON.parse reads back as '<'. */
const jsonSafe = (s: string) => s.replace(/</g, '\\u003c');
const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

const STYLE = `
body{margin:0;font:13px system-ui,sans-serif;display:grid;grid-template-columns:1fr 340px;grid-template-rows:auto 1fr;height:100vh}
header{grid-column:1/3;padding:6px 10px;background:#263238;color:#eceff1;display:flex;gap:10px;align-items:center}
header h1{font-size:14px;margin:0;font-weight:600}#status{opacity:.8;flex:1}
header button{background:#455a64;color:#fff;border:0;padding:3px 8px;border-radius:3px;cursor:pointer}
#view{overflow:auto;background:#fafafa}
aside{border-left:1px solid #ddd;overflow:auto;padding:8px}
#search{width:100%;box-sizing:border-box;padding:5px}
#results{list-style:none;padding:0;margin:4px 0;max-height:30vh;overflow:auto}#results li{padding:2px 4px;cursor:pointer}#results li:hover{background:#e3f2fd}
#details h2{font-size:13px;word-break:break-all}#details table{border-collapse:collapse;width:100%}
#details th{text-align:left;vertical-align:top;padding:2px 6px 2px 0;white-space:nowrap;color:#555}#details td{white-space:pre-wrap;word-break:break-all}
g.box{cursor:pointer}g.box rect{fill:#fff;stroke:#607d8b}g.box.scope rect{fill:#e3f2fd;stroke:#1e88e5}g.box.selected rect{stroke:#e65100;stroke-width:3}
g.box text{font-size:11px;fill:#263238}g.box text.sub{fill:#78909c;font-size:10px}
g.cluster rect{fill:rgba(30,136,229,.04);stroke:#90caf9;stroke-dasharray:4 3}g.cluster text{font-size:11px;fill:#1e88e5;cursor:pointer}
path.edge{fill:none;stroke:#9e9e9e;stroke-width:1}
`;

export function buildGraphHtml(g: LoadedGraph, title: string): string {
  const data = JSON.stringify({ title, nodes: viewNodes(g.graph.node ?? []) });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(title)}</h1><span id="status">loading…</span>
<button id="zoom-out" title="zoom out">−</button><button id="zoom-in" title="zoom in">+</button><button id="collapse">collapse all</button></header>
<div id="view"><svg id="canvas" xmlns="http://www.w3.org/2000/svg"></svg></div>
<aside><input id="search" type="search" placeholder="find a node by name"><ul id="results"></ul><div id="details"><p>Click a scope to open it, a node for its op, inputs, attributes and shapes.</p></div></aside>
<script type="application/json" id="graph-data">${jsonSafe(data)}</script>
<script>${scriptSafe(readDagre())}</script>
<script>${scriptSafe(VIEWER_SCRIPT)}</script>
</body></html>
`;
}
