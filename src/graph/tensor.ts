/** Dtypes, shapes and tensor sizes, from TensorFlow's types.proto numbering. */
import type { Tensor, TensorShape } from './types.js';
import { toNumber } from './types.js';

const DTYPE_NAMES: Record<number, string> = {
  0: 'invalid', 1: 'float32', 2: 'float64', 3: 'int32', 4: 'uint8', 5: 'int16', 6: 'int8', 7: 'string', 8: 'complex64',
  9: 'int64', 10: 'bool', 11: 'qint8', 12: 'quint8', 13: 'qint32', 14: 'bfloat16', 15: 'qint16', 16: 'quint16',
  17: 'uint16', 18: 'complex128', 19: 'float16', 20: 'resource', 21: 'variant', 22: 'uint32', 23: 'uint64',
};

/** Bytes per element; string, resource and variant have no fixed size. */
const DTYPE_SIZES: Record<number, number> = {
  1: 4, 2: 8, 3: 4, 4: 1, 5: 2, 6: 1, 8: 8, 9: 8, 10: 1, 11: 1, 12: 1, 13: 4, 14: 2, 15: 2, 16: 2, 17: 2, 18: 16, 19: 2, 22: 4, 23: 8,
};

/** A dtype number as TensorFlow's Python API names it; reference types (n + 100) end in `_ref`. */
export function dtypeName(dt: number | string | undefined): string {
  if (dt === undefined) return 'invalid';
  if (typeof dt === 'string') return dt.replace(/^DT_/, '').toLowerCase();
  if (dt > 100) return `${DTYPE_NAMES[dt - 100] ?? `dtype${dt - 100}`}_ref`;
  return DTYPE_NAMES[dt] ?? `dtype${dt}`;
}

/** `[?, 224, 224, 3]`, `[]` for a scalar, `<unknown rank>` when the rank is not known. */
export function formatShape(s: TensorShape | undefined): string {
  if (!s || s.unknown_rank) return '<unknown rank>';
  return `[${(s.dim ?? []).map((d) => (toNumber(d.size) < 0 ? '?' : String(toNumber(d.size)))).join(', ')}]`;
}

export function shapeDims(s: TensorShape | undefined): number[] | null {
  if (!s || s.unknown_rank) return null;
  return (s.dim ?? []).map((d) => toNumber(d.size));
}

export interface TensorSize {
  /** Elements the shape declares (null when a dim is unknown). */
  elements: number | null;
  /** Bytes of values stored in the file (tensor_content, or the typed value lists). */
  storedBytes: number;
  /** Bytes the tensor occupies in memory: elements × dtype size (null for strings or unknown shapes). */
  memoryBytes: number | null;
}

export function tensorSize(t: Tensor | undefined): TensorSize {
  if (!t) return { elements: null, storedBytes: 0, memoryBytes: null };
  const dims = shapeDims(t.tensor_shape);
  const elements = dims === null || dims.some((d) => d < 0) ? null : dims.reduce((a, b) => a * b, 1);
  const per = DTYPE_SIZES[t.dtype ?? 0];
  let stored = t.tensor_content?.length ?? 0;
  if (stored === 0) {
    const perOr = (n: number) => n * (per ?? 0);
    stored += perOr((t.float_val?.length ?? 0) + (t.double_val?.length ?? 0) + (t.int_val?.length ?? 0) + (t.half_val?.length ?? 0));
    stored += perOr((t.int64_val?.length ?? 0) + (t.bool_val?.length ?? 0) + (t.uint32_val?.length ?? 0) + (t.uint64_val?.length ?? 0));
    stored += perOr(((t.scomplex_val?.length ?? 0) + (t.dcomplex_val?.length ?? 0)) / 2);
    for (const s of t.string_val ?? []) stored += s.length;
  }
  return { elements, storedBytes: stored, memoryBytes: elements === null || per === undefined ? null : elements * per };
}

