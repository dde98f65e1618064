/**
 * A model file → its graphs. Reads a GraphDef (a frozen .pb, or its text form .pbtxt), a SavedModel
 * (saved_model.pb or .pbtxt, or the directory holding it: one graph per MetaGraphDef), a MetaGraphDef (the .meta
 * exported with a checkpoint) or a TensorFlow.js graph model (model.json, whose
 * `modelTopology` is a GraphDef in protobuf's JSON form). Anything else is refused with what it is and what is
 * expected (ConfigError, exit 4); a missing file is an EnvironmentError (exit 3).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError, EnvironmentError } from '../errors.js';
import { fromProtoJson } from './json.js';
import { messageType } from './proto.js';
import { sniff } from './sniff.js';
import { parseTextFormat, TextFormatError } from './text-format.js';
import type { GraphDef, MetaGraphDef, SavedModel } from './types.js';

export type ModelFormat = 'graphdef' | 'saved-model' | 'meta-graph' | 'tfjs-graph-model';

export interface LoadedGraph {
  /** "graph", or the MetaGraphDef's tags ("serve"). */
  label: string;
  tags: string[];
  graph: GraphDef;
  /** The GraphDef's own bytes when the file is one (a frozen .pb): written to event files as they are. */
  raw?: Uint8Array;
  meta?: MetaGraphDef;
}

export interface LoadedModel {
  path: string;
  format: ModelFormat;
  sizeBytes: number;
  graphs: LoadedGraph[];
}

const EXPECTED = "Expected a GraphDef (a frozen .pb, or .pbtxt), a SavedModel (saved_model.pb or its directory), a checkpoint's .meta or a TensorFlow.js model.json.";

function resolveModelPath(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EnvironmentError(`Cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? String(e)}.`, { hint: 'Check the path of the model file.', cause: e });
  }
  if (!st.isDirectory()) return path;
  const inside = ['saved_model.pb', 'saved_model.pbtxt'].map((f) => join(path, f)).find((p) => existsSync(p));
  if (inside === undefined) throw new ConfigError(`${path} is a directory with no saved_model.pb (or .pbtxt) in it.`, { hint: EXPECTED });
  return inside;
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new EnvironmentError(`Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`, { hint: 'Check that the file is readable.', cause: e });
  }
}

function checkNodes(path: string, g: GraphDef, what: string): void {
  const nodes = g.node ?? [];
  const bad = nodes.findIndex((n) => !n.name || !n.op);
  if (bad !== -1) {
    throw new ConfigError(`${path} is not a ${what}: node ${bad} has no ${nodes[bad]?.name ? 'op' : 'name'}.`, { hint: EXPECTED });
  }
}

function decodeAs<T>(path: string, type: 'GraphDef' | 'SavedModel' | 'MetaGraphDef', buf: Uint8Array): T {
  try {
    return messageType(type).decode(buf) as unknown as T;
  } catch (e) {
    throw new ConfigError(`${path} does not decode as a ${type}: ${(e as Error).message}.`, { hint: EXPECTED, cause: e });
  }
}

function readJsonModel(path: string, buf: Buffer): LoadedModel {
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new ConfigError(`${path} is not valid JSON: ${(e as Error).message}.`, { hint: EXPECTED });
  }
  const topo = (doc as { modelTopology?: { node?: unknown } } | null)?.modelTopology;
  if (typeof topo !== 'object' || topo === null || !Array.isArray(topo.node)) {
    const layers = (doc as { format?: string } | null)?.format === 'layers-model';
    throw new ConfigError(`${path} is JSON but not a TensorFlow.js graph model (no modelTopology.node list${layers ? '; it is a Keras layers model' : ''}).`, { hint: EXPECTED });
  }
  let graph: GraphDef;
  try {
    graph = fromProtoJson(messageType('GraphDef'), topo) as GraphDef;
  } catch (e) {
    throw new ConfigError(`${path}: its modelTopology is not a GraphDef: ${(e as Error).message}.`, { hint: EXPECTED, cause: e });
  }
  checkNodes(path, graph, 'TensorFlow.js graph model');
  return { path, format: 'tfjs-graph-model', sizeBytes: buf.length, graphs: [{ label: 'graph', tags: [], graph }] };
}

function readTextModel(path: string, buf: Buffer, as: 'GraphDef' | 'SavedModel'): LoadedModel {
  let msg;
  try {
    msg = parseTextFormat(messageType(as), buf.toString('utf8'));
  } catch (e) {
    if (!(e instanceof TextFormatError)) throw e;
    throw new ConfigError(`${path} looks like a ${as} in protobuf text format but does not parse: ${e.message}.`, { hint: `Fix the file, or pass the binary form. ${EXPECTED}`, cause: e });
  }
  const m = as === 'SavedModel' ? savedModelGraphs(path, msg as unknown as SavedModel) : [graphOnly(path, msg as unknown as GraphDef)];
  return { path, format: as === 'SavedModel' ? 'saved-model' : 'graphdef', sizeBytes: buf.length, graphs: m };
}

function metaGraphModel(path: string, buf: Buffer, meta: MetaGraphDef): LoadedModel {
  const graph = meta.graph_def ?? {};
  checkNodes(path, graph, 'MetaGraphDef');
  const tags = meta.meta_info_def?.tags ?? [];
  return { path, format: 'meta-graph', sizeBytes: buf.length, graphs: [{ label: tags.join(',') || 'meta graph', tags, graph, meta }] };
}

function graphOnly(path: string, graph: GraphDef): LoadedGraph {
  checkNodes(path, graph, 'GraphDef');
  return { label: 'graph', tags: [], graph };
}

function savedModelGraphs(path: string, sm: SavedModel): LoadedGraph[] {
  return (sm.meta_graphs ?? []).map((meta, i): LoadedGraph => {
    const tags = meta.meta_info_def?.tags ?? [];
    const graph = meta.graph_def ?? {};
    checkNodes(path, graph, `SavedModel (meta graph ${i})`);
    return { label: tags.length > 0 ? tags.join(',') : `meta graph ${i}`, tags, graph, meta };
  });
}

export function readModel(input: string): LoadedModel {
  const path = resolveModelPath(input);
  const buf = readBytes(path);
  const s = sniff(buf);
  switch (s.kind) {
    case 'empty':
      throw new ConfigError(`${path} is empty (0 bytes), not a graph.`, { hint: EXPECTED });
    case 'other':
      throw new ConfigError(`${path} is ${s.what}, not a GraphDef or SavedModel.`, { hint: s.hint });
    case 'text-json':
      return readJsonModel(path, buf);
    case 'text-pbtxt':
      return readTextModel(path, buf, s.as);
    case 'text-other':
      throw new ConfigError(`${path} is a text file, not a binary GraphDef or SavedModel.`, { hint: EXPECTED });
    case 'not-protobuf':
      throw new ConfigError(`${path} (${buf.length} bytes) is not a GraphDef or SavedModel: ${s.reason}.`, { hint: EXPECTED });
    case 'truncated':
      throw new ConfigError(
        `${path} is cut short: it reads as a ${s.as} until field ${s.field}, which needs ${s.need} more bytes than the ${s.have} left.`,
        { hint: `Copy or download ${basename(path)} again; the file is incomplete.` },
      );
    case 'saved-model': {
      const graphs = savedModelGraphs(path, decodeAs<SavedModel>(path, 'SavedModel', buf));
      return { path, format: 'saved-model', sizeBytes: buf.length, graphs };
    }
    case 'graphdef': {
      // A MetaGraphDef holding only meta_info_def (1) and graph_def (2) has the field layout of a GraphDef whose
      // "nodes" lack a name or an op (they are its meta_info_def): read it as what it is.
      let graph: LoadedGraph | undefined;
      let problem: unknown;
      try {
        graph = graphOnly(path, decodeAs<GraphDef>(path, 'GraphDef', buf));
      } catch (e) {
        problem = e;
      }
      if (graph) return { path, format: 'graphdef', sizeBytes: buf.length, graphs: [{ ...graph, raw: buf }] };
      const meta = (() => { try { return decodeAs<MetaGraphDef>(path, 'MetaGraphDef', buf); } catch { return undefined; } })();
      if (meta && (meta.graph_def?.node ?? []).length > 0) return metaGraphModel(path, buf, meta);
      throw problem;
    }
    case 'meta-graph':
      return metaGraphModel(path, buf, decodeAs<MetaGraphDef>(path, 'MetaGraphDef', buf));
  }
}
