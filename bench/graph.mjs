#!/usr/bin/env node
/**
 * `tfbuild graph` on a 100 MB frozen graph: 10 000 nodes, 2 500 of them constants holding 40 KB of float32 each
 * (a frozen graph's weights), the rest ops chained through 188 name scopes.
 * Targets: summary + event file (one `tfbuild graph BIG.pb --json --logdir D` process) in ≤ 3 s with peak RSS
 * ≤ 3 × the file size (from /usr/bin/time -v); the --html page of that graph drawn by headless chromium in ≤ 5 s
 * (navigation start to the page's first layout done). REPS=N (default 3), medians reported.
 * Needs `npm run build` and chromium. → bench/results/graph.json
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import console from 'node:console';
import { Buffer } from 'node:buffer';
import { launchChromium } from '../test/e2e/graph-cdp.mjs';
import { messageType } from '../dist/graph/proto.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'tfbuild.js');
const REPS = Number(process.env.REPS ?? 3);
const NODES = 10_000;
const CONSTS = 2_500;
const CONST_FLOATS = 10_000; // 40 000 bytes each: 2 500 × 40 KB = 100 MB
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function makeGraph(path) {
  const content = Buffer.alloc(CONST_FLOATS * 4);
  const node = [{ name: 'input', op: 'Placeholder', attr: { dtype: { type: 1 }, shape: { shape: { dim: [{ size: -1 }, { size: 100 }] } } } }];
  let prev = 'input';
  for (let i = 1; node.length < NODES; i++) {
    const scope = `layer_${Math.floor(i / 40)}`;
    if (i <= CONSTS) {
      content.writeUInt32LE(i, 0); // each constant differs
      node.push({ name: `${scope}/w_${i}`, op: 'Const', attr: { dtype: { type: 1 }, value: { tensor: { dtype: 1, tensor_shape: { dim: [{ size: 100 }, { size: 100 }] }, tensor_content: Buffer.from(content) } } } });
      node.push({ name: `${scope}/matmul_${i}`, op: 'MatMul', input: [prev, `${scope}/w_${i}`], attr: { T: { type: 1 } } });
      prev = `${scope}/matmul_${i}`;
    } else {
      node.push({ name: `${scope}/relu_${i}`, op: i % 2 ? 'Relu' : 'Tanh', input: [prev], attr: { T: { type: 1 } } });
      prev = `${scope}/relu_${i}`;
    }
  }
  const T = messageType('GraphDef');
  writeFileSync(path, T.encode(T.fromObject({ versions: { producer: 1205 }, node: node.slice(0, NODES) })).finish());
}

/** One CLI run under GNU time: wall seconds and peak RSS (bytes). */
function timed(args) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, BIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`tfbuild ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]) * 1024;
  return { wall, rss, stdout: r.stdout };
}

const dir = mkdtempSync(join(tmpdir(), 'tfbuild-bench-graph-'));
try {
  const model = join(dir, 'big.pb');
  makeGraph(model);
  const size = statSync(model).size;
  const summaries = [];
  let summary;
  for (let i = 0; i < REPS; i++) {
    const logdir = join(dir, `logs-${i}`);
    const r = timed(['graph', model, '--json', '--logdir', logdir]);
    summary = JSON.parse(r.stdout);
    const ev = readdirSync(logdir).map((f) => statSync(join(logdir, f)).size);
    summaries.push({ wallS: r.wall, rssBytes: r.rss, eventFileBytes: ev[0] });
    rmSync(logdir, { recursive: true });
  }
  const html = join(dir, 'big.html');
  const h = timed(['graph', model, '--html', html]);
  const browser = await launchChromium({ userDataDir: join(dir, 'profile') });
  const opens = [];
  let boxes = 0;
  try {
    for (let i = 0; i < REPS; i++) {
      await browser.open('about:blank');
      const t0 = performance.now();
      await browser.open(pathToFileURL(html).href);
      await browser.waitFor("document.body.dataset.ready === '1'", 60_000);
      opens.push((performance.now() - t0) / 1000);
      boxes = await browser.evaluate('Number(document.body.dataset.boxes)');
    }
  } finally {
    await browser.close();
  }
  const g = summary.graphs[0];
  const result = {
    benchmark: 'graph',
    date: new Date().toISOString(),
    // The 1-minute load average at the end: on a shared machine, wall times grow with it.
    machine: { cpus: cpus().length, model: cpus()[0]?.model.trim(), node: process.version, chromium: execFileSync('chromium', ['--version'], { encoding: 'utf8' }).trim(), loadAverage1m: loadavg()[0] },
    workload: { fileBytes: size, nodes: g.nodeCount, constants: g.constants.count, constantBytes: g.constants.storedBytes, scopes: g.scopes.length },
    reps: REPS,
    summaryAndEventFile: {
      runs: summaries,
      medianWallS: median(summaries.map((s) => s.wallS)),
      maxRssBytes: Math.max(...summaries.map((s) => s.rssBytes)),
      rssOverFileSize: Math.max(...summaries.map((s) => s.rssBytes)) / size,
      targets: { wallS: 3, rssOverFileSize: 3 },
    },
    html: { writeWallS: h.wall, writeRssBytes: h.rss, pageBytes: statSync(html).size, opens, medianOpenS: median(opens), boxesInFirstView: boxes, targetOpenS: 5 },
  };
  result.met = result.summaryAndEventFile.medianWallS <= 3 && result.summaryAndEventFile.rssOverFileSize <= 3 && result.html.medianOpenS <= 5;
  writeFileSync(join(ROOT, 'bench', 'results', 'graph.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
