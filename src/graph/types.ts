/** The decoded messages, as protobufjs hands them back (keepCase names; int64 as Long or number). */
export interface LongLike {
  toNumber(): number;
}
export type Int64 = number | LongLike;

export interface Dim {
  size?: Int64;
  name?: string;
}
export interface TensorShape {
  dim?: Dim[];
  unknown_rank?: boolean;
}
export interface Tensor {
  dtype?: number;
  tensor_shape?: TensorShape;
  tensor_content?: Uint8Array;
  float_val?: number[];
  double_val?: number[];
  int_val?: number[];
  string_val?: Uint8Array[];
  scomplex_val?: number[];
  int64_val?: Int64[];
  bool_val?: boolean[];
  dcomplex_val?: number[];
  half_val?: number[];
  uint32_val?: number[];
  uint64_val?: Int64[];
}
export interface ListValue {
  s?: Uint8Array[];
  i?: Int64[];
  f?: number[];
  b?: boolean[];
  type?: number[];
  shape?: TensorShape[];
  tensor?: Tensor[];
  func?: NameAttrList[];
}
export interface NameAttrList {
  name?: string;
  attr?: Record<string, AttrValue>;
}
export interface AttrValue {
  s?: Uint8Array;
  i?: Int64;
  f?: number;
  b?: boolean;
  type?: number;
  shape?: TensorShape;
  tensor?: Tensor;
  list?: ListValue;
  func?: NameAttrList;
  placeholder?: string;
  /** The oneof's set member (protobufjs virtual field). */
  value?: string;
}
export interface NodeDef {
  name?: string;
  op?: string;
  input?: string[];
  device?: string;
  attr?: Record<string, AttrValue>;
}
export interface FunctionDef {
  signature?: { name?: string };
  node_def?: NodeDef[];
}
export interface GraphDef {
  node?: NodeDef[];
  library?: { function?: FunctionDef[]; gradient?: unknown[] };
  version?: number;
  versions?: { producer?: number; min_consumer?: number; bad_consumers?: number[] };
}
export interface TensorInfo {
  name?: string;
  dtype?: number;
  tensor_shape?: TensorShape;
}
export interface MetaGraphDef {
  meta_info_def?: { tags?: string[]; tensorflow_version?: string; tensorflow_git_version?: string };
  graph_def?: GraphDef;
  signature_def?: Record<string, { inputs?: Record<string, TensorInfo>; outputs?: Record<string, TensorInfo>; method_name?: string }>;
}
export interface SavedModel {
  saved_model_schema_version?: Int64;
  meta_graphs?: MetaGraphDef[];
}

export function toNumber(v: Int64 | undefined): number {
  if (v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}
