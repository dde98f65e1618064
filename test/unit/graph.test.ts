/**
 * `tfbuild graph`: GraphDefs and SavedModels encoded here with protobufjs are read back and summarised; a real
 * TensorFlow.js graph model (test/fixtures/graph/SOURCES.md) is converted and summarised; event files are checked
 * by an independent TFRecord/CRC-32C reader and decoded by Google's own protobuf runtime (python3-protobuf).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc, writeGraphEventFile } from '../../src/graph/events.js';
import { graphRoot, messageType } from '../../src/graph/proto.js';
import { readModel } from '../../src/graph/read.js';
import { summarizeModel } from '../../src/graph/summary.js';
import { makeTempDir } from '../helpers/tmp.js';
import { crc32cBitwise, encodeGraph, encodeSavedModel, readRecords, sampleGraphObject } from './graph-fixtures.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'graph');
// Debian's interpreter: python3-protobuf installs for it (a pyenv python3 on PATH has no google.protobuf).
const DEBIAN_PYTHON = '/usr/bin/python3';

/** Whether Debian's python3-protobuf is there. CI installs it (.ci/run): there the checks must run, never skip. */
function googleProtobuf(): boolean {
  const has = existsSync(DEBIAN_PYTHON) && (() => {
    try { execFileSync(DEBIAN_PYTHON, ['-c', 'import google.protobuf'], { stdio: 'ignore' }); return true; } catch { return false; }
  })();
  if (!has && !process.env.CI) console.warn('skipped: Debian python3-protobuf is not installed (apt-get install -y python3-protobuf)');
  return has || Boolean(process.env.CI);
}

/** Google protobuf's text format of a binary message (text_format.MessageToString). */
function googleText(dir: string, type: string, binary: Uint8Array): string {
  const schema = write(dir, 'schema.json', JSON.stringify(graphRoot().toJSON()));
  return execFileSync(DEBIAN_PYTHON, [join(import.meta.dirname, 'graph-pydecode.py'), schema, 'totext', type, write(dir, `${type}.bin`, binary)], { encoding: 'utf8' });
}

function write(dir: string, name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('reading graphs', () => {
  it('encodes a GraphDef with protobufjs and reads every summarised fact back', () => {
    const dir = makeTempDir('graph-');
    const s = summarizeModel(readModel(write(dir, 'frozen.pb', encodeGraph())));
    expect(s.format).toBe('graphdef');
    const g = s.graphs[0]!;
    expect(g.producer).toBe(27);
    expect(g.minConsumer).toBe(12);
    expect(g.nodeCount).toBe(8);
    expect(g.ops[0]).toEqual({ op: 'Const', count: 2 });
    expect(g.ops.map((o) => o.op).sort()).toEqual(['BiasAdd', 'Const', 'MatMul', 'Placeholder', 'PlaceholderWithDefault', 'Relu', 'Softmax']);
    expect(g.inputs).toEqual([
      { name: 'input', dtype: 'float32', shape: '[?, 4]' },
      { name: 'keep_prob', dtype: 'float32', shape: '<unknown rank>' },
    ]);
    // dense/bias is consumed only by a control edge (^dense/bias) and by keep_prob: still consumed.
    expect(g.outputs).toEqual([{ name: 'output/Softmax', op: 'Softmax' }, { name: 'keep_prob', op: 'PlaceholderWithDefault' }]);
    expect(g.scopes).toEqual([{ scope: 'dense', nodes: 5 }, { scope: 'output', nodes: 1 }]);
    expect(g.unscopedNodes).toBe(2);
    expect(g.devices).toEqual([{ device: '(none)', nodes: 5 }, { device: '/device:CPU:0', nodes: 3 }]);
    // kernel: 12 float32 in tensor_content (48 bytes); bias: 3 float_val (12 bytes).
    expect(g.constants).toEqual({ count: 2, storedBytes: 60, memoryBytes: 60 });
  });

  it('decodes what it encoded, field for field (the definitions round-trip)', () => {
    const T = messageType('GraphDef');
    const back = T.toObject(T.decode(encodeGraph()), { longs: Number, enums: String }) as ReturnType<typeof sampleGraphObject>;
    const src = sampleGraphObject();
    expect(back.node.map((n) => [n.name, n.op, n.input ?? [], n.device ?? ''])).toEqual(src.node.map((n) => [n.name, n.op, n.input ?? [], n.device ?? '']));
    const kernel = back.node[1]!.attr.value as unknown as { tensor: { dtype: string; tensor_shape: { dim: Array<{ size: number }> }; tensor_content: Buffer } };
    expect(kernel.tensor.dtype).toBe('DT_FLOAT');
    expect(kernel.tensor.tensor_shape.dim.map((d) => d.size)).toEqual([4, 3]);
    expect(Array.from(new Float32Array(new Uint8Array(kernel.tensor.tensor_content).buffer))).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('reads each MetaGraphDef of a SavedModel, also when given its directory', () => {
    const dir = makeTempDir('graph-sm-');
    write(dir, 'saved_model.pb', encodeSavedModel());
    const s = summarizeModel(readModel(dir));
    expect(s.format).toBe('saved-model');
    expect(s.graphs.map((g) => [g.label, g.nodeCount])).toEqual([['serve', 8], ['train', 4]]);
    expect(s.graphs[0]!.tensorflowVersion).toBe('2.15.0');
    expect(s.graphs[0]!.signatures).toEqual([{
      key: 'serving_default', method: 'tensorflow/serving/predict',
      inputs: [{ name: 'x (input:0)', dtype: 'float32', shape: '[?, 4]' }],
      outputs: [{ name: 'probs (output/Softmax:0)', dtype: 'float32', shape: '[?, 3]' }],
    }]);
  });

  it('reads a MetaGraphDef (the .meta a tf.train.Saver exports next to a checkpoint), with or without its saver_def', () => {
    const dir = makeTempDir('graph-meta-');
    const M = messageType('MetaGraphDef');
    const meta = { meta_info_def: { meta_graph_version: 'v1', tags: ['train'], tensorflow_version: '1.15.5' }, graph_def: sampleGraphObject() };
    // saver_def (field 3) is not declared here: appended raw, a message with one string field, as a Saver writes it.
    const saverDef = Buffer.from([0x1a, 0x07, 0x0a, 0x05, ...Buffer.from('save/')]);
    const full = Buffer.concat([M.encode(M.fromObject(meta)).finish(), saverDef]);
    const bare = M.encode(M.fromObject(meta)).finish(); // fields 1 and 2 only: the layout of a GraphDef
    for (const [name, bytes] of [['model.ckpt.meta', full], ['bare.meta', bare]] as const) {
      const s = summarizeModel(readModel(write(dir, name, bytes)));
      expect(s.format, name).toBe('meta-graph');
      expect(s.graphs.map((g) => [g.label, g.nodeCount, g.tensorflowVersion]), name).toEqual([['train', 8, '1.15.5']]);
    }
  });

  it('converts and summarises a real TensorFlow.js graph model: BlazeFace from @vladmandic/human 3.3.6', () => {
    const s = summarizeModel(readModel(join(FIXTURES, 'blazeface.model.json')));
    expect(s.format).toBe('tfjs-graph-model');
    const g = s.graphs[0]!;
    expect(g.nodeCount).toBe(257);
    expect(g.ops.slice(0, 2)).toEqual([{ op: 'Const', count: 112 }, { op: '_FusedConv2D', count: 37 }]);
    expect(g.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: '[1, 256, 256, 3]' }]);
    expect(g.outputs.map((o) => o.name).sort()).toEqual(['Identity', 'Identity_1', 'Identity_2', 'Identity_3']);
    expect(g.scopes).toEqual([{ scope: 'StatefulPartitionedCall', nodes: 146 }]);
    // The weights live in blazeface.bin (not shipped in the JSON): shapes say how much memory they take.
    expect(g.constants.storedBytes).toBe(0);
    expect(g.constants.memoryBytes).toBeGreaterThan(400_000);
    // JSON → GraphDef → binary → read back as a frozen graph: the same nodes.
    const dir = makeTempDir('graph-tfjs-');
    const T = messageType('GraphDef');
    const bin = T.encode(readModel(join(FIXTURES, 'blazeface.model.json')).graphs[0]!.graph as never).finish();
    const again = summarizeModel(readModel(write(dir, 'blazeface.pb', bin))).graphs[0]!;
    expect(again.nodeCount).toBe(257);
    expect(again.ops).toEqual(g.ops);
  });
});

describe('protobuf text format (.pbtxt)', () => {
  it('reads what Google protobuf writes as text: the same graph as the binary, bytes and all', () => {
    if (!googleProtobuf()) return;
    const dir = makeTempDir('graph-text-');
    const binary = encodeGraph();
    const text = googleText(dir, 'GraphDef', binary);
    expect(text).toMatch(/tensor_content: "\\000\\000\\000\\000\\000\\000\\200\?/); // octal escapes, as protobuf writes bytes
    const fromText = readModel(write(dir, 'graph.pbtxt', text));
    const fromBinary = readModel(write(dir, 'graph.pb', binary));
    expect(summarizeModel(fromText).graphs).toEqual(summarizeModel(fromBinary).graphs);
    // Field for field (text format prints map entries sorted by key, so the bytes' order may differ, not the content).
    const T = messageType('GraphDef');
    const plain = (g: unknown) => T.toObject(g as never, { longs: String, enums: String, bytes: String, defaults: false });
    expect(plain(fromText.graphs[0]!.graph)).toEqual(plain(T.decode(binary)));
    expect(text).toMatch(/key: "alpha"\n\s+value \{\n\s+f: 0\.0\n/); // a zero still written: the oneof member is set
  });

  it('reads a real model through text: BlazeFace, and a SavedModel directory holding saved_model.pbtxt', () => {
    if (!googleProtobuf()) return;
    const dir = makeTempDir('graph-text-');
    const T = messageType('GraphDef');
    const blaze = readModel(join(FIXTURES, 'blazeface.model.json')).graphs[0]!.graph;
    const text = googleText(dir, 'GraphDef', T.encode(blaze as never).finish());
    expect(summarizeModel(readModel(write(dir, 'blazeface.pbtxt', text))).graphs[0]!.ops).toEqual(summarizeModel(readModel(join(FIXTURES, 'blazeface.model.json'))).graphs[0]!.ops);
    const sm = join(dir, 'sm');
    mkdirSync(sm);
    write(sm, 'saved_model.pbtxt', googleText(dir, 'SavedModel', encodeSavedModel()));
    const s = summarizeModel(readModel(sm));
    expect(s.format).toBe('saved-model');
    expect(s.graphs.map((g) => [g.label, g.nodeCount, g.signatures.length])).toEqual([['serve', 8, 1], ['train', 4, 0]]);
  });

  it('takes the forms people write by hand: comments, <>, lists, adjacent strings, escapes; skips unknown fields', () => {
    const dir = makeTempDir('graph-text-');
    const text = [
      '# a hand-written graph',
      'node {',
      '  name: "in" "put"  # adjacent strings join',
      "  op: 'Placeholder'",
      '  attr { key: "dtype" value { type: DT_INT64 } }',
      '  attr < key: "shape" value < shape { dim { size: -1 } dim { size: 0x10 } } > >',
      '  experimental_debug_info { original_node_names: "x" }',
      '}',
      'node { name: "c" op: "Const" attr { key: "value" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 3 } } int_val: [1, 2, 3] } } } }',
      'node { name: "s" op: "Identity" input: ["in\\x70ut", "c"]; attr { key: "note" value { s: "tab\\there \\303\\251 \\u00e9" } } }',
      'versions { producer: 017 }',
    ].join('\n');
    const m = readModel(write(dir, 'hand.pbtxt', text));
    const g = summarizeModel(m).graphs[0]!;
    expect(g.producer).toBe(15); // 017 is octal
    expect(g.inputs).toEqual([{ name: 'input', dtype: 'int64', shape: '[?, 16]' }]);
    expect(g.constants).toEqual({ count: 1, storedBytes: 12, memoryBytes: 12 });
    expect(g.outputs).toEqual([{ name: 's', op: 'Identity' }]);
    const note = m.graphs[0]!.graph.node![2]!.attr!.note!.s!;
    expect(Buffer.from(note).toString('utf8')).toBe('tab\there é é');
  });
});

describe('refusing what is not a graph (ConfigError, exit 4; missing: exit 3)', () => {
  const dir = makeTempDir('graph-bad-');
  const cases: Array<[string, Uint8Array | string, RegExp]> = [
    ['empty.pb', '', /is empty \(0 bytes\)/],
    // A fixed pseudo-random stream (LCG), so the case is the same on every run.
    ['random.pb', Buffer.from(Array.from({ length: 4096 }, (_, i) => (Math.imul(i + 1, 1103515245) + 12345) >>> 16 & 0xff)), /is not a GraphDef or SavedModel/],
    ['broken.pbtxt', 'node {\n  name: "x"\n  op: Placeholder\n}\n', /GraphDef in protobuf text format but does not parse: expected a string for op at line 3, column 7/],
    ['truncated.pb', encodeGraph().subarray(0, 150), /is cut short: it reads as a GraphDef until field 1/],
    ['weights.h5', Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]), /HDF5/],
    ['checkpoint', 'model_checkpoint_path: "model.ckpt-100"\nall_model_checkpoint_paths: "model.ckpt-100"\n', /checkpoint/],
    // A checkpoint's .index is a table whose last 8 bytes are the magic 0xdb4775248b80fb57 (little-endian).
    ['model.ckpt.index', Buffer.concat([Buffer.alloc(100, 7), Buffer.from('57fb808b247547db', 'hex')]), /checkpoint index/],
    ['layers.json', JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential' } }), /not a TensorFlow\.js graph model.*layers model/],
  ];
  it.each(cases)('%s', (name, bytes, message) => {
    const err = (() => { try { readModel(write(dir, name, bytes)); } catch (e) { return e as { kind: string; message: string; hint: string }; } })();
    expect(err?.kind).toBe('config');
    expect(err?.message).toMatch(message);
    expect(err?.hint).toBeTruthy();
  });
  it('a missing file is an environment error', () => {
    expect(() => readModel(join(dir, 'nope.pb'))).toThrow(expect.objectContaining({ kind: 'environment', message: expect.stringMatching(/no such file/) }));
  });
});

describe('TensorBoard event files', () => {
  it('CRC-32C has the standard check value, fast and bitwise alike', () => {
    const check = Buffer.from('123456789');
    expect(crc32cBitwise(check)).toBe(0xe3069283);
    expect(crc32c(check)).toBe(0xe3069283);
    const big = Buffer.from(Array.from({ length: 10_007 }, (_, i) => (i * 31) & 0xff));
    expect(crc32c(big)).toBe(crc32cBitwise(big));
    expect(crc32c(big.subarray(5000), crc32c(big.subarray(0, 5000)))).toBe(crc32cBitwise(big));
    expect(maskCrc(0)).toBe(0xa282ead8);
  });

  it('frames a version event and a graph event that an independent reader accepts', () => {
    const dir = makeTempDir('graph-ev-');
    const graph = encodeGraph();
    const path = writeGraphEventFile(join(dir, 'logs'), graph, { wallTime: 1_700_000_000.25, host: 'box' });
    expect(path).toBe(join(dir, 'logs', 'events.out.tfevents.1700000000.box'));
    expect(readdirSync(join(dir, 'logs'))).toEqual(['events.out.tfevents.1700000000.box']);
    const records = readRecords(readFileSync(path));
    expect(records).toHaveLength(2);
    const E = messageType('Event');
    const first = E.toObject(E.decode(records[0]!), { longs: Number }) as { wall_time: number; file_version: string };
    expect(first).toMatchObject({ wall_time: 1_700_000_000.25, file_version: 'brain.Event:2' });
    const second = E.decode(records[1]!) as unknown as { wall_time: number; graph_def: Uint8Array };
    expect(second.wall_time).toBe(1_700_000_000.25);
    expect(Buffer.from(second.graph_def).equals(graph)).toBe(true);
  });

  it('is decoded by Google protobuf (python3-protobuf) from a descriptor built from these definitions', () => {
    if (!googleProtobuf()) return;
    const dir = makeTempDir('graph-py-');
    const schema = write(dir, 'schema.json', JSON.stringify(graphRoot().toJSON()));
    const path = writeGraphEventFile(dir, encodeGraph(), { wallTime: 1_650_000_000.5, host: 'h' });
    const out = JSON.parse(execFileSync(DEBIAN_PYTHON, [join(import.meta.dirname, 'graph-pydecode.py'), schema, 'events', path], { encoding: 'utf8' })) as Array<Record<string, unknown>>;
    expect(out[0]).toEqual({ wall_time: 1_650_000_000.5, step: 0, what: 'file_version', file_version: 'brain.Event:2' });
    expect(out[1]).toMatchObject({ wall_time: 1_650_000_000.5, what: 'graph_def', producer: 27, first_const_bytes: 48 });
    expect(out[1]!.nodes).toEqual(sampleGraphObject().node.map((n) => [n.name, n.op, n.input ?? []]));
  });
});
