/**
 * Test material for `tfbuild graph`: GraphDefs and SavedModels encoded with protobufjs from plain objects, and an
 * event-file reader written independently of src/graph/events.ts (bit-by-bit CRC-32C, its own record walk), so a
 * mistake in the writer's framing or checksums cannot be mirrored by the check.
 */
import { messageType } from '../../src/graph/proto.js';

const f32 = (values: number[]) => Buffer.from(new Float32Array(values).buffer);
const shape = (...dims: number[]) => ({ dim: dims.map((size) => ({ size })) });

/** A small frozen-graph-like GraphDef: input → dense/MatMul(+weights) → BiasAdd → Relu → output/Softmax. */
export function sampleGraphObject() {
  return {
    versions: { producer: 27, min_consumer: 12 },
    node: [
      { name: 'input', op: 'Placeholder', attr: { dtype: { type: 1 }, shape: { shape: shape(-1, 4) } } },
      { name: 'dense/kernel', op: 'Const', device: '/device:CPU:0', attr: { dtype: { type: 1 }, value: { tensor: { dtype: 1, tensor_shape: shape(4, 3), tensor_content: f32(Array.from({ length: 12 }, (_, i) => i)) } } } },
      { name: 'dense/bias', op: 'Const', device: '/device:CPU:0', attr: { dtype: { type: 1 }, value: { tensor: { dtype: 1, tensor_shape: shape(3), float_val: [0.5, 0.5, 0.5] } } } },
      { name: 'dense/MatMul', op: 'MatMul', input: ['input', 'dense/kernel'], device: '/device:CPU:0', attr: { T: { type: 1 }, transpose_a: { b: false }, alpha: { f: 0 }, n: { i: 0 } } },
      { name: 'dense/BiasAdd', op: 'BiasAdd', input: ['dense/MatMul:0', 'dense/bias'], attr: { T: { type: 1 }, data_format: { s: Buffer.from('NHWC') } } },
      { name: 'dense/Relu', op: 'Relu', input: ['dense/BiasAdd'], attr: { T: { type: 1 }, _output_shapes: { list: { shape: [shape(-1, 3)] } } } },
      { name: 'output/Softmax', op: 'Softmax', input: ['dense/Relu', '^dense/bias'], attr: { T: { type: 1 } } },
      { name: 'keep_prob', op: 'PlaceholderWithDefault', input: ['dense/bias'], attr: { dtype: { type: 1 }, shape: { shape: { unknown_rank: true } } } },
    ],
  };
}

export function encodeGraph(obj: object = sampleGraphObject()): Buffer {
  const T = messageType('GraphDef');
  return Buffer.from(T.encode(T.fromObject(obj)).finish());
}

export function encodeSavedModel(): Buffer {
  const T = messageType('SavedModel');
  const graph = sampleGraphObject();
  const sig = { inputs: { x: { name: 'input:0', dtype: 1, tensor_shape: shape(-1, 4) } }, outputs: { probs: { name: 'output/Softmax:0', dtype: 1, tensor_shape: shape(-1, 3) } }, method_name: 'tensorflow/serving/predict' };
  return Buffer.from(T.encode(T.fromObject({
    saved_model_schema_version: 1,
    meta_graphs: [
      { meta_info_def: { tags: ['serve'], tensorflow_version: '2.15.0' }, graph_def: graph, signature_def: { serving_default: sig } },
      { meta_info_def: { tags: ['train'] }, graph_def: { versions: { producer: 27 }, node: graph.node.slice(0, 4) } },
    ],
  })).finish());
}

/** CRC-32C, one bit at a time: slow and obviously right. */
export function crc32cBitwise(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const masked = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** Walks TFRecord framing; throws on any bad length, checksum or trailing byte. */
export function readRecords(file: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < file.length) {
    if (file.length - at < 12) throw new Error(`record header cut at byte ${at}`);
    const lenBytes = file.subarray(at, at + 8);
    const len = Number(lenBytes.readBigUInt64LE(0));
    if (file.readUInt32LE(at + 8) !== masked(crc32cBitwise(lenBytes))) throw new Error(`bad length crc at byte ${at}`);
    const data = file.subarray(at + 12, at + 12 + len);
    if (data.length !== len || file.length < at + 16 + len) throw new Error(`record data cut at byte ${at}`);
    if (file.readUInt32LE(at + 12 + len) !== masked(crc32cBitwise(data))) throw new Error(`bad data crc at byte ${at}`);
    out.push(data);
    at += 16 + len;
  }
  return out;
}
