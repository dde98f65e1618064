/** A model summary as text for the terminal (pure). Long lists are cut with a count of what was left out. */
import type { GraphSummary, ModelSummary } from './summary.js';
import { formatBytes } from '../util/format.js';

const FORMAT_NAMES = {
  graphdef: 'GraphDef (frozen graph)',
  'saved-model': 'SavedModel',
  'meta-graph': 'MetaGraphDef (a .meta exported with a checkpoint)',
  'tfjs-graph-model': 'TensorFlow.js graph model (GraphDef as JSON)',
} as const;

function capped<T>(items: T[], max: number, line: (t: T) => string): string[] {
  const out = items.slice(0, max).map((t) => `    ${line(t)}`);
  if (items.length > max) out.push(`    … and ${items.length - max} more (--json lists all)`);
  return out;
}

function formatGraph(g: GraphSummary, many: boolean): string[] {
  const lines: string[] = [];
  if (many) lines.push(`Meta graph [${g.label}]${g.tensorflowVersion ? ` written by TensorFlow ${g.tensorflowVersion}` : ''}`);
  lines.push(`  producer version: ${g.producer ?? 'not recorded'}${g.minConsumer ? ` (min consumer ${g.minConsumer})` : ''}`);
  lines.push(`  nodes: ${g.nodeCount} (${g.ops.length} distinct ops)`);
  lines.push(`  ops:`, ...capped(g.ops, 15, (o) => `${String(o.count).padStart(6)}  ${o.op}`));
  lines.push(`  inputs (placeholders): ${g.inputs.length === 0 ? 'none' : g.inputs.length}`, ...capped(g.inputs, 20, (i) => `${i.name}  ${i.dtype} ${i.shape}`));
  lines.push(`  outputs (consumed by no node): ${g.outputs.length === 0 ? 'none' : g.outputs.length}`, ...capped(g.outputs, 20, (o) => `${o.name}  (${o.op})`));
  lines.push(`  name scopes: ${g.scopes.length}${g.unscopedNodes ? ` (+${g.unscopedNodes} nodes at top level)` : ''}`, ...capped(g.scopes, 15, (s) => `${String(s.nodes).padStart(6)}  ${s.scope}/`));
  lines.push(`  devices:`, ...capped(g.devices, 10, (d) => `${String(d.nodes).padStart(6)}  ${d.device}`));
  const mem = g.constants.memoryBytes !== g.constants.storedBytes ? `, ${formatBytes(g.constants.memoryBytes)} as declared by their shapes` : '';
  lines.push(`  constants: ${g.constants.count} holding ${formatBytes(g.constants.storedBytes)} of values in the file${mem}`);
  if (g.functions.count > 0) lines.push(`  functions: ${g.functions.count} (${g.functions.nodes} nodes inside)`);
  for (const s of g.signatures) {
    lines.push(`  signature ${s.key}${s.method ? ` (${s.method})` : ''}:`);
    for (const i of s.inputs) lines.push(`    in   ${i.name}  ${i.dtype} ${i.shape}`);
    for (const o of s.outputs) lines.push(`    out  ${o.name}  ${o.dtype} ${o.shape}`);
  }
  return lines;
}

export function formatModelSummary(m: ModelSummary): string {
  const lines = [`${m.path}: ${FORMAT_NAMES[m.format]}, ${formatBytes(m.sizeBytes)}${m.graphs.length > 1 ? `, ${m.graphs.length} meta graphs` : ''}`];
  if (m.graphs.length === 0) lines.push('  (no meta graphs)');
  for (const g of m.graphs) lines.push(...formatGraph(g, m.format === 'saved-model'));
  return lines.join('\n') + '\n';
}
