/** A graph → what is in it: pure, no I/O. */
import type { LoadedGraph, LoadedModel, ModelFormat } from './read.js';
import { dtypeName, formatShape, tensorSize } from './tensor.js';
import type { AttrValue, GraphDef, NodeDef, TensorInfo } from './types.js';

export interface TensorSpec {
  name: string;
  dtype: string;
  shape: string;
}

export interface GraphSummary {
  label: string;
  tags: string[];
  producer: number | null;
  minConsumer: number | null;
  tensorflowVersion: string | null;
  nodeCount: number;
  /** Op → how many nodes run it, most used first. */
  ops: Array<{ op: string; count: number }>;
  /** Placeholders: what the graph is fed. */
  inputs: TensorSpec[];
  /** Nodes no other node consumes (by data or control edge). */
  outputs: Array<{ name: string; op: string }>;
  /** Top-level name scopes (the part before the first '/') with how many nodes each holds. */
  scopes: Array<{ scope: string; nodes: number }>;
  /** Nodes not in any scope. */
  unscopedNodes: number;
  devices: Array<{ device: string; nodes: number }>;
  constants: { count: number; storedBytes: number; memoryBytes: number };
  functions: { count: number; nodes: number };
  signatures: Array<{ key: string; method: string; inputs: TensorSpec[]; outputs: TensorSpec[] }>;
}

export interface ModelSummary {
  path: string;
  format: ModelFormat;
  sizeBytes: number;
  graphs: GraphSummary[];
}

/** The node an input string names: `^ctrl` and `name:1` both name `name`. */
export function inputNodeName(input: string): string {
  const s = input.startsWith('^') ? input.slice(1) : input;
  const colon = s.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(s.slice(colon + 1)) ? s.slice(0, colon) : s;
}

function histogram(keys: Iterable<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

function sortedCounts(m: Map<string, number>): Array<[string, number]> {
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function isConstNode(n: NodeDef): boolean {
  return (n.op === 'Const' || n.op === 'HostConst') && n.attr?.value?.tensor !== undefined;
}

function placeholderSpec(n: NodeDef): TensorSpec {
  const a: Record<string, AttrValue> = n.attr ?? {};
  const shape = a.shape?.shape ?? a._output_shapes?.list?.shape?.[0];
  return { name: n.name ?? '', dtype: dtypeName(a.dtype?.type), shape: formatShape(shape) };
}

function specOf(key: string, t: TensorInfo): TensorSpec {
  return { name: t.name ? `${key} (${t.name})` : key, dtype: dtypeName(t.dtype), shape: formatShape(t.tensor_shape) };
}

export function summarizeGraph(g: LoadedGraph): GraphSummary {
  const graph: GraphDef = g.graph;
  const nodes = graph.node ?? [];
  const consumed = new Set<string>();
  for (const n of nodes) for (const i of n.input ?? []) consumed.add(inputNodeName(i));
  let storedBytes = 0;
  let memoryBytes = 0;
  let constCount = 0;
  for (const n of nodes) {
    if (!isConstNode(n)) continue;
    const size = tensorSize(n.attr?.value?.tensor);
    constCount++;
    storedBytes += size.storedBytes;
    memoryBytes += size.memoryBytes ?? size.storedBytes;
  }
  const scoped = nodes.filter((n) => (n.name ?? '').includes('/'));
  const functions = graph.library?.function ?? [];
  const sigs = g.meta?.signature_def ?? {};
  return {
    label: g.label,
    tags: g.tags,
    producer: graph.versions ? (graph.versions.producer ?? 0) : null,
    minConsumer: graph.versions ? (graph.versions.min_consumer ?? 0) : null,
    tensorflowVersion: g.meta?.meta_info_def?.tensorflow_version || null,
    nodeCount: nodes.length,
    ops: sortedCounts(histogram(nodes.map((n) => n.op ?? ''))).map(([op, count]) => ({ op, count })),
    inputs: nodes.filter((n) => n.op === 'Placeholder' || n.op === 'PlaceholderWithDefault').map(placeholderSpec),
    outputs: nodes.filter((n) => !consumed.has(n.name ?? '')).map((n) => ({ name: n.name ?? '', op: n.op ?? '' })),
    scopes: sortedCounts(histogram(scoped.map((n) => (n.name ?? '').split('/')[0] ?? ''))).map(([scope, count]) => ({ scope, nodes: count })),
    unscopedNodes: nodes.length - scoped.length,
    devices: sortedCounts(histogram(nodes.map((n) => n.device || '(none)'))).map(([device, count]) => ({ device, nodes: count })),
    constants: { count: constCount, storedBytes, memoryBytes },
    functions: { count: functions.length, nodes: functions.reduce((a, f) => a + (f.node_def?.length ?? 0), 0) },
    signatures: Object.entries(sigs).map(([key, s]) => ({
      key,
      method: s.method_name ?? '',
      inputs: Object.entries(s.inputs ?? {}).map(([k, t]) => specOf(k, t)),
      outputs: Object.entries(s.outputs ?? {}).map(([k, t]) => specOf(k, t)),
    })),
  };
}

export function summarizeModel(m: LoadedModel): ModelSummary {
  return { path: m.path, format: m.format, sizeBytes: m.sizeBytes, graphs: m.graphs.map(summarizeGraph) };
}
