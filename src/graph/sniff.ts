/**
 * What a file is, before decoding it: the formats people hand over as "the model" that are not a binary GraphDef
 * (Keras HDF5 or zip, TFLite, a checkpoint, text), told apart by their published magic bytes, and a walk over the
 * top-level protobuf fields that tells a GraphDef from a SavedModel from bytes that are neither (or cut short).
 */
import protobuf from 'protobufjs';

export type Sniffed =
  | { kind: 'empty' }
  | { kind: 'other'; what: string; hint: string }
  | { kind: 'text-json' }
  | { kind: 'text-pbtxt'; as: 'GraphDef' | 'SavedModel' }
  | { kind: 'text-other' }
  | { kind: 'graphdef' }
  | { kind: 'saved-model' }
  | { kind: 'meta-graph' }
  | { kind: 'truncated'; as: 'GraphDef' | 'SavedModel' | 'MetaGraphDef' | 'protobuf'; field: number; need: number; have: number }
  | { kind: 'not-protobuf'; reason: string };

const HDF5 = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
// The last 8 bytes of a LevelDB-style table, the format of a checkpoint's `.index` file (and of V1 checkpoints).
const TABLE_MAGIC = Buffer.from([0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb]);

// Field number → wire type of each top-level field a writer emits (graph.proto and saved_model.proto).
const GRAPHDEF_FIELDS: Record<number, number> = { 1: 2, 2: 2, 3: 0, 4: 2, 5: 2 };
const SAVEDMODEL_FIELDS: Record<number, number> = { 1: 0, 2: 2 };
// A MetaGraphDef is what tf.train.Saver exports next to a checkpoint (model.ckpt.meta): all its fields are messages.
const METAGRAPH_FIELDS: Record<number, number> = { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2 };

function isMostlyText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let printable = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0xc2) printable++;
  }
  return printable / head.length > 0.97;
}

function sniffMagic(buf: Uint8Array): Sniffed | null {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.subarray(0, 8).equals(HDF5)) {
    return { kind: 'other', what: 'an HDF5 file (a Keras .h5 model or weights)', hint: 'Export a frozen graph or a SavedModel from Keras (model.export(DIR) or tf.saved_model.save) and pass that.' };
  }
  if (b.subarray(0, 4).toString('latin1') === 'PK\x03\x04') {
    return { kind: 'other', what: 'a zip archive (a Keras .keras file?)', hint: 'Unpack it or export a SavedModel, then pass the saved_model.pb or the frozen .pb.' };
  }
  if (b.length >= 8 && b.subarray(4, 8).toString('latin1') === 'TFL3') {
    return { kind: 'other', what: 'a TensorFlow Lite flatbuffer (.tflite)', hint: 'A .tflite model is not a GraphDef; pass the frozen .pb or SavedModel it was converted from.' };
  }
  if (b.length >= 48 && b.subarray(b.length - 8).equals(TABLE_MAGIC)) {
    return { kind: 'other', what: 'a TensorFlow checkpoint index (a sorted key/value table of variables)', hint: 'A checkpoint holds variable values, not the graph: pass the .meta file saved with it (model.ckpt.meta), or the frozen .pb.' };
  }
  return null;
}

/** Walks the top-level fields with protobufjs's reader and says which message they fit. */
function sniffFields(buf: Uint8Array): Sniffed {
  const r = protobuf.Reader.create(buf);
  const seen = new Map<number, number>();
  const fits = (table: Record<number, number>) => [...seen].every(([f, w]) => table[f] === w);
  const asWhat = (): 'GraphDef' | 'SavedModel' | 'MetaGraphDef' | 'protobuf' =>
    fits(SAVEDMODEL_FIELDS) && seen.has(1) ? 'SavedModel' : fits(GRAPHDEF_FIELDS) ? 'GraphDef' : fits(METAGRAPH_FIELDS) ? 'MetaGraphDef' : 'protobuf';
  while (r.pos < r.len) {
    const at = r.pos;
    let tag: number;
    try {
      tag = r.uint32();
    } catch {
      return { kind: 'truncated', as: asWhat(), field: 0, need: 1, have: r.len - at };
    }
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0 || wire > 5 || wire === 3 || wire === 4) return { kind: 'not-protobuf', reason: `byte ${at} is no valid field tag` };
    seen.set(field, wire);
    if (!fits(GRAPHDEF_FIELDS) && !fits(SAVEDMODEL_FIELDS) && !fits(METAGRAPH_FIELDS)) {
      return { kind: 'not-protobuf', reason: `byte ${at} starts field ${field} (wire type ${wire}), which no GraphDef, SavedModel or MetaGraphDef has` };
    }
    try {
      if (wire === 2) {
        const len = r.uint32();
        if (r.pos + len > r.len) return { kind: 'truncated', as: asWhat(), field, need: len, have: r.len - r.pos };
        r.skip(len);
      } else {
        r.skipType(wire);
      }
    } catch {
      return { kind: 'truncated', as: asWhat(), field, need: 1, have: r.len - r.pos };
    }
  }
  if (fits(SAVEDMODEL_FIELDS) && seen.has(2) && seen.has(1)) return { kind: 'saved-model' };
  if (fits(GRAPHDEF_FIELDS) && (seen.has(1) || seen.has(2))) return { kind: 'graphdef' };
  if (fits(METAGRAPH_FIELDS) && seen.has(2)) return { kind: 'meta-graph' };
  return { kind: 'not-protobuf', reason: 'it has no nodes, functions or meta graphs' };
}

export function sniff(buf: Uint8Array): Sniffed {
  if (buf.length === 0) return { kind: 'empty' };
  const magic = sniffMagic(buf);
  if (magic) return magic;
  const head = buf.subarray(0, 4096);
  if (isMostlyText(head)) {
    const text = Buffer.from(head).toString('utf8').trimStart();
    if (text.startsWith('{') || text.startsWith('[')) return { kind: 'text-json' };
    const first = /^(?:#[^\n]*\n\s*)*(node|versions|library|meta_graphs|saved_model_schema_version)\s*[{:<]/.exec(text)?.[1];
    if (first) return { kind: 'text-pbtxt', as: first === 'meta_graphs' || first === 'saved_model_schema_version' ? 'SavedModel' : 'GraphDef' };
    if (/^model_checkpoint_path:/m.test(text)) {
      return { kind: 'other', what: "a checkpoint's `checkpoint` index file (text naming the latest checkpoint)", hint: 'Pass the frozen graph (.pb) or the SavedModel directory instead.' };
    }
  }
  const fields = sniffFields(buf);
  // A binary GraphDef with long names can look like text in its first bytes: only call it text when it does not read.
  return fields.kind === 'not-protobuf' && isMostlyText(head) ? { kind: 'text-other' } : fields;
}
