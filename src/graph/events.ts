/**
 * TensorBoard event files, written without TensorFlow. An event file is a TFRecord file: each record is
 * uint64 length (little-endian), masked CRC32C of those 8 bytes, the data, masked CRC32C of the data. The first
 * record is an Event with file_version "brain.Event:2"; TensorBoard's graph plugin takes the GraphDef from the
 * `graph_def` bytes of a later Event. The file is named events.out.tfevents.<unix seconds>.<host>.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { EnvironmentError } from '../errors.js';
import { messageType } from './proto.js';

// CRC-32C (Castagnoli), reflected polynomial 0x82F63B78, eight tables so the loop takes 8 bytes a step.
const TABLES: Uint32Array[] = (() => {
  const t = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) t[k]![n] = (t[0]![t[k - 1]![n]! & 0xff]! ^ (t[k - 1]![n]! >>> 8)) >>> 0;
  }
  return t;
})();

/** Continues a CRC-32C over `buf` (start with 0). */
export function crc32c(buf: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = ~crc >>> 0;
  let i = 0;
  const end8 = buf.length - (buf.length % 8);
  for (; i < end8; i += 8) {
    const lo = (c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))) >>> 0;
    c = t7[lo & 0xff]! ^ t6[(lo >>> 8) & 0xff]! ^ t5[(lo >>> 16) & 0xff]! ^ t4[lo >>> 24]!
      ^ t3[buf[i + 4]!]! ^ t2[buf[i + 5]!]! ^ t1[buf[i + 6]!]! ^ t0[buf[i + 7]!]!;
  }
  for (; i < buf.length; i++) c = t0[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** TFRecord's masking: rotate right by 15 and add a constant, so a CRC of CRCs does not degenerate. */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord as pieces (header, data…, footer), so a large payload is checksummed and written without a copy. */
export function tfrecord(parts: Uint8Array[]): Uint8Array[] {
  const length = parts.reduce((a, p) => a + p.length, 0);
  const header = Buffer.alloc(12);
  header.writeBigUInt64LE(BigInt(length), 0);
  header.writeUInt32LE(maskCrc(crc32c(header.subarray(0, 8))), 8);
  let crc = 0;
  for (const p of parts) crc = crc32c(p, crc);
  const footer = Buffer.alloc(4);
  footer.writeUInt32LE(maskCrc(crc), 0);
  return [header, ...parts, footer];
}

function eventBytes(wallTime: number, step: number, what: { file_version: string } | Record<string, never>): Uint8Array {
  return messageType('Event').encode({ wall_time: wallTime, step, ...what }).finish();
}

/** Event{wall_time, step, graph_def} as pieces: the Event's own fields, then field 4's key and length, then the graph. */
function graphEventParts(wallTime: number, graph: Uint8Array): Uint8Array[] {
  const head = eventBytes(wallTime, 0, {});
  // Field 4 (graph_def), wire type 2 (length-delimited): key byte 0x22.
  const key = protobuf.Writer.create().uint32((4 << 3) | 2).uint32(graph.length).finish();
  return [head, key, graph];
}

export interface EventFileOptions {
  /** Seconds since the epoch (default: now). */
  wallTime?: number;
  host?: string;
}

/** Writes DIR/events.out.tfevents.<seconds>.<host> holding the version event and the graph event; returns its path. */
export function writeGraphEventFile(dir: string, graph: Uint8Array, o: EventFileOptions = {}): string {
  const wallTime = o.wallTime ?? Date.now() / 1000;
  const name = `events.out.tfevents.${Math.floor(wallTime)}.${o.host ?? hostname()}`;
  const path = join(dir, name);
  const records = [
    ...tfrecord([eventBytes(wallTime, 0, { file_version: 'brain.Event:2' })]),
    ...tfrecord(graphEventParts(wallTime, graph)),
  ];
  // TensorBoard reads every file whose name holds "tfevents": the half-written one must not.
  const partial = join(dir, `.tfbuild-graph-${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(partial, 'w');
    try {
      for (const r of records) writeSync(fd, r);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, path);
  } catch (e) {
    throw new EnvironmentError(`Cannot write the event file in ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`, {
      hint: 'Pass a --logdir you can write to, with room for a copy of the graph.',
      cause: e,
    });
  }
  return path;
}
