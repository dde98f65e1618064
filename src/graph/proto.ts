/**
 * TensorFlow's graph messages, written here from the field numbers TensorFlow publishes (framework/graph.proto,
 * node_def.proto, attr_value.proto, tensor.proto, tensor_shape.proto, types.proto, versions.proto, function.proto,
 * op_def.proto, protobuf/meta_graph.proto, saved_model.proto, util/event.proto). Only the fields tfbuild reads or
 * writes are declared; protobufjs skips the others when decoding, so newer files still read.
 * Field numbers are the wire contract: a wrong one silently misreads every file.
 */
import protobuf from 'protobufjs';

export const GRAPH_PROTO = `
syntax = "proto3";
package tensorflow;

enum DataType {
  DT_INVALID = 0; DT_FLOAT = 1; DT_DOUBLE = 2; DT_INT32 = 3; DT_UINT8 = 4; DT_INT16 = 5; DT_INT8 = 6;
  DT_STRING = 7; DT_COMPLEX64 = 8; DT_INT64 = 9; DT_BOOL = 10; DT_QINT8 = 11; DT_QUINT8 = 12; DT_QINT32 = 13;
  DT_BFLOAT16 = 14; DT_QINT16 = 15; DT_QUINT16 = 16; DT_UINT16 = 17; DT_COMPLEX128 = 18; DT_HALF = 19;
  DT_RESOURCE = 20; DT_VARIANT = 21; DT_UINT32 = 22; DT_UINT64 = 23;
  DT_FLOAT_REF = 101; DT_DOUBLE_REF = 102; DT_INT32_REF = 103; DT_UINT8_REF = 104; DT_INT16_REF = 105;
  DT_INT8_REF = 106; DT_STRING_REF = 107; DT_COMPLEX64_REF = 108; DT_INT64_REF = 109; DT_BOOL_REF = 110;
  DT_BFLOAT16_REF = 114; DT_HALF_REF = 119; DT_RESOURCE_REF = 120; DT_VARIANT_REF = 121;
}

message TensorShapeProto {
  message Dim { int64 size = 1; string name = 2; }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}

message TensorProto {
  DataType dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated float float_val = 5 [packed = true];
  repeated double double_val = 6 [packed = true];
  repeated int32 int_val = 7 [packed = true];
  repeated bytes string_val = 8;
  repeated float scomplex_val = 9 [packed = true];
  repeated int64 int64_val = 10 [packed = true];
  repeated bool bool_val = 11 [packed = true];
  repeated double dcomplex_val = 12 [packed = true];
  repeated int32 half_val = 13 [packed = true];
  repeated uint32 uint32_val = 16 [packed = true];
  repeated uint64 uint64_val = 17 [packed = true];
}

message NameAttrList {
  string name = 1;
  map<string, AttrValue> attr = 2;
}

message AttrValue {
  message ListValue {
    repeated bytes s = 2;
    repeated int64 i = 3 [packed = true];
    repeated float f = 4 [packed = true];
    repeated bool b = 5 [packed = true];
    repeated DataType type = 6 [packed = true];
    repeated TensorShapeProto shape = 7;
    repeated TensorProto tensor = 8;
    repeated NameAttrList func = 9;
  }
  oneof value {
    bytes s = 2;
    int64 i = 3;
    float f = 4;
    bool b = 5;
    DataType type = 6;
    TensorShapeProto shape = 7;
    TensorProto tensor = 8;
    ListValue list = 1;
    NameAttrList func = 10;
    string placeholder = 9;
  }
}

message NodeDef {
  string name = 1;
  string op = 2;
  repeated string input = 3;
  string device = 4;
  map<string, AttrValue> attr = 5;
}

message VersionDef {
  int32 producer = 1;
  int32 min_consumer = 2;
  repeated int32 bad_consumers = 3;
}

message OpDef {
  message ArgDef { string name = 1; DataType type = 3; string type_attr = 4; }
  string name = 1;
  repeated ArgDef input_arg = 2;
  repeated ArgDef output_arg = 3;
}

message OpList { repeated OpDef op = 1; }

message FunctionDef {
  OpDef signature = 1;
  repeated NodeDef node_def = 3;
  map<string, string> ret = 4;
}

message GradientDef {
  string function_name = 1;
  string gradient_func = 2;
}

message FunctionDefLibrary {
  repeated FunctionDef function = 1;
  repeated GradientDef gradient = 2;
}

message GraphDef {
  repeated NodeDef node = 1;
  FunctionDefLibrary library = 2;
  int32 version = 3;
  VersionDef versions = 4;
}

message TensorInfo {
  string name = 1;
  DataType dtype = 2;
  TensorShapeProto tensor_shape = 3;
}

message SignatureDef {
  map<string, TensorInfo> inputs = 1;
  map<string, TensorInfo> outputs = 2;
  string method_name = 3;
}

message MetaGraphDef {
  message MetaInfoDef {
    string meta_graph_version = 1;
    OpList stripped_op_list = 2;
    repeated string tags = 4;
    string tensorflow_version = 5;
    string tensorflow_git_version = 6;
  }
  MetaInfoDef meta_info_def = 1;
  GraphDef graph_def = 2;
  map<string, SignatureDef> signature_def = 5;
}

message SavedModel {
  int64 saved_model_schema_version = 1;
  repeated MetaGraphDef meta_graphs = 2;
}

message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    bytes graph_def = 4;
  }
}
`;

let root: protobuf.Root | undefined;

/** The parsed message types (parsed once, on first use). */
export function graphRoot(): protobuf.Root {
  root ??= protobuf.parse(GRAPH_PROTO, { keepCase: true }).root;
  return root;
}

export function messageType(name: 'GraphDef' | 'NodeDef' | 'SavedModel' | 'MetaGraphDef' | 'Event' | 'TensorProto' | 'AttrValue'): protobuf.Type {
  return graphRoot().lookupType(`tensorflow.${name}`);
}
