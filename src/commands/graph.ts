/**
 * `tfbuild graph MODEL [--json] [--logdir DIR] [--html FILE] [--serve [--python P | --workdir DIR] [--port N]]`:
 * look inside a frozen graph or SavedModel without TensorFlow; write it for TensorBoard, as a page, or serve it.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { EnvironmentError, UsageError } from '../errors.js';
import { shellQuote } from '../exec/index.js';
import { writeGraphEventFile } from '../graph/events.js';
import { formatModelSummary } from '../graph/format.js';
import { buildGraphHtml } from '../graph/html.js';
import { messageType } from '../graph/proto.js';
import { readModel, type LoadedGraph, type LoadedModel } from '../graph/read.js';
import { serveTensorboard } from '../graph/serve.js';
import { summarizeModel, type ModelSummary } from '../graph/summary.js';
import { venvPython } from '../tools/python.js';
import { toJson } from '../ui/output.js';

export interface GraphCommandOptions {
  logdir?: string;
  html?: string;
}

export interface GraphResult {
  summary: ModelSummary;
  eventFiles: string[];
  html: string | null;
}

/** The bytes TensorBoard gets: a frozen .pb's own bytes, else the GraphDef encoded anew. */
function graphBytes(g: LoadedGraph): Uint8Array {
  return g.raw ?? messageType('GraphDef').encode(g.graph).finish();
}

/** One run directory per meta graph when there are several, so TensorBoard lists each as its own run. */
function runDir(logdir: string, m: LoadedModel, g: LoadedGraph, i: number): string {
  if (m.graphs.length <= 1) return logdir;
  return join(logdir, `${i}-${g.tags.join('_') || 'untagged'}`.replace(/[^A-Za-z0-9_.-]/g, '_'));
}

/** Reads, summarises and writes what was asked for. Typed core of the command; tests call it directly. */
export function inspectGraph(model: string, o: GraphCommandOptions = {}): GraphResult {
  const m = readModel(model);
  const summary = summarizeModel(m);
  const eventFiles = o.logdir === undefined ? [] : m.graphs.map((g, i) => writeGraphEventFile(runDir(o.logdir!, m, g, i), graphBytes(g)));
  let html: string | null = null;
  if (o.html !== undefined) {
    const first = m.graphs[0];
    if (!first) throw new UsageError(`${m.path} has no meta graph to draw.`, { hint: 'Pass a SavedModel that holds at least one graph.' });
    const page = buildGraphHtml(first, `${basename(m.path)}${m.graphs.length > 1 ? ` [${first.label}]` : ''}`);
    try {
      writeFileSync(o.html, page);
    } catch (e) {
      throw new EnvironmentError(`Cannot write ${o.html}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`, { hint: 'Pass an --html path in a directory you can write to.', cause: e });
    }
    html = resolve(o.html);
  }
  return { summary, eventFiles, html };
}

/** The python of the venv a build installed into (<workdir>/venv, the install step's default). */
function buildVenvPython(workdir: string): string {
  const python = venvPython(join(resolve(workdir), 'venv'));
  if (!existsSync(python)) {
    throw new EnvironmentError(`${workdir} has no build venv (${python} does not exist).`, {
      hint: 'Pass the work dir of a build that installed into its venv, or --python PATH for another python with tensorboard; --html FILE needs no TensorBoard.',
    });
  }
  return python;
}

/** Where --serve without --logdir puts the event file; removed when TensorBoard stops. */
function makeTempLogdir(): string {
  try {
    return mkdtempSync(join(tmpdir(), 'tfbuild-graph-'));
  } catch (e) {
    throw new EnvironmentError(`Cannot make a temporary logdir under ${tmpdir()}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`, {
      hint: 'Pass --logdir DIR in a directory you can write to, or set TMPDIR.',
      cause: e,
    });
  }
}

interface Flags {
  json?: boolean;
  logdir?: string;
  html?: string;
  serve?: boolean;
  python?: string;
  workdir?: string;
  port?: string;
}

function parsePort(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--port ${s} is not a TCP port.`, { hint: 'Pass a number from 1 to 65535, or leave --port out for a free one.' });
  return n;
}

export function register(program: Command, io: CliIO): Command {
  return program
    .command('graph')
    .description('look inside a frozen graph (.pb), SavedModel or TensorFlow.js model.json; write it for TensorBoard or as one HTML page')
    .argument('<model>', "a GraphDef (.pb or .pbtxt), a SavedModel (saved_model.pb or its directory), a checkpoint's .meta or a TensorFlow.js graph model.json")
    .option('--json', 'print the summary as JSON')
    .option('--logdir <dir>', 'write a TensorBoard event file with the graph into DIR (no TensorFlow needed)')
    .option('--html <file>', 'write one self-contained HTML page that draws the graph')
    .option('--serve', 'start TensorBoard on the logdir and print its URL; Ctrl-C stops it')
    .option('--python <path>', 'with --serve: the python whose tensorboard to run')
    .option('--workdir <dir>', "with --serve: use the python of this build's venv (DIR/venv)")
    .option('--port <n>', 'with --serve: the port (default: a free one)')
    .action(async (model: string, f: Flags) => {
      if (!f.serve && (f.python !== undefined || f.workdir !== undefined || f.port !== undefined)) {
        throw new UsageError('--python, --workdir and --port only go with --serve.', { hint: 'Add --serve, or leave them out.' });
      }
      const port = parsePort(f.port);
      let logdir = f.logdir;
      let tempLogdir: string | undefined;
      if (f.serve && logdir === undefined) logdir = tempLogdir = makeTempLogdir();
      try {
        const r = inspectGraph(model, { logdir, html: f.html });
        if (f.json) io.stdout(toJson({ ...r.summary, eventFiles: r.eventFiles, html: r.html }));
        else {
          io.stdout(formatModelSummary(r.summary));
          for (const e of r.eventFiles) io.stdout(`Wrote ${e}${tempLogdir ? '' : `\n  view it: tensorboard --logdir ${shellQuote(logdir!)}`}\n`);
          if (r.html) io.stdout(`Wrote ${r.html} (open it in a browser; it needs no network)\n`);
        }
        if (f.serve) {
          const python = f.python ?? (f.workdir !== undefined ? buildVenvPython(f.workdir) : 'python3');
          await serveTensorboard({ python, logdir: logdir!, port, print: (l) => io.stderr(`${l}\n`) });
        }
      } finally {
        if (tempLogdir) rmSync(tempLogdir, { recursive: true, force: true });
      }
    });
}
