"""Google's protobuf runtime (Debian's python3-protobuf), not protobufjs, on tfbuild's messages.

argv: SCHEMA_JSON events EVENT_FILE   parse every record's Event, then the GraphDef inside; print what it read as JSON
      SCHEMA_JSON totext TYPE BINARY  print the binary TYPE message (e.g. GraphDef) in protobuf text format
SCHEMA_JSON is tfbuild's .proto text as parsed by protobufjs (Root.toJSON()); from it this script builds a
FileDescriptorProto by hand (no protoc) and loads it into a descriptor pool.
"""
import json
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_format

F = descriptor_pb2.FieldDescriptorProto
SCALARS = {
    'double': F.TYPE_DOUBLE, 'float': F.TYPE_FLOAT, 'int64': F.TYPE_INT64, 'uint64': F.TYPE_UINT64,
    'int32': F.TYPE_INT32, 'uint32': F.TYPE_UINT32, 'bool': F.TYPE_BOOL, 'string': F.TYPE_STRING, 'bytes': F.TYPE_BYTES,
}


def collect(ns, prefix, kinds):
    for name, node in ns.get('nested', {}).items():
        full = prefix + '.' + name
        kinds[full] = 'enum' if 'values' in node else 'message'
        collect(node, full, kinds)


def resolve(type_name, scope, kinds):
    parts = scope.split('.')
    while parts:
        candidate = '.'.join(parts) + '.' + type_name
        if candidate in kinds:
            return candidate
        parts.pop()
    raise KeyError(type_name)


def camel(name):
    return ''.join(p[:1].upper() + p[1:] for p in name.split('_'))


def add_message(proto, name, node, scope, kinds):
    proto.name = name
    full = scope + '.' + name
    oneof_index = {}
    for oname, o in node.get('oneofs', {}).items():
        oneof_index.update({field: len(proto.oneof_decl) for field in o['oneof']})
        proto.oneof_decl.add().name = oname
    for fname, f in node.get('fields', {}).items():
        fd = proto.field.add()
        fd.name = fname
        fd.number = f['id']
        if 'keyType' in f:  # a map: a nested MapEntry message with key = 1, value = 2
            entry = proto.nested_type.add()
            entry.name = camel(fname) + 'Entry'
            entry.options.map_entry = True
            for num, (n, t) in enumerate((('key', f['keyType']), ('value', f['type'])), 1):
                e = entry.field.add()
                e.name, e.number, e.label = n, num, F.LABEL_OPTIONAL
                set_type(e, t, full, kinds)
            fd.label = F.LABEL_REPEATED
            fd.type = F.TYPE_MESSAGE
            fd.type_name = full + '.' + entry.name
            continue
        fd.label = F.LABEL_REPEATED if f.get('rule') == 'repeated' else F.LABEL_OPTIONAL
        set_type(fd, f['type'], full, kinds)
        if fname in oneof_index:
            fd.oneof_index = oneof_index[fname]
    for cname, child in node.get('nested', {}).items():
        if 'values' in child:
            add_enum(proto.enum_type.add(), cname, child)
        else:
            add_message(proto.nested_type.add(), cname, child, full, kinds)


def set_type(fd, t, scope, kinds):
    if t in SCALARS:
        fd.type = SCALARS[t]
        return
    target = resolve(t, scope, kinds)
    fd.type = F.TYPE_ENUM if kinds[target] == 'enum' else F.TYPE_MESSAGE
    fd.type_name = target


def add_enum(proto, name, node):
    proto.name = name
    for vname, num in node['values'].items():
        v = proto.value.add()
        v.name, v.number = vname, num


def load(schema_path):
    schema = json.load(open(schema_path))
    pkg = schema['nested']['tensorflow']
    kinds = {}
    collect(pkg, '.tensorflow', kinds)
    fdp = descriptor_pb2.FileDescriptorProto(name='tfbuild_graph.proto', package='tensorflow', syntax='proto3')
    for name, node in pkg['nested'].items():
        if 'values' in node:
            add_enum(fdp.enum_type.add(), name, node)
        else:
            add_message(fdp.message_type.add(), name, node, '.tensorflow', kinds)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    factory = message_factory.MessageFactory(pool)
    return lambda name: factory.GetPrototype(pool.FindMessageTypeByName('tensorflow.' + name))


def events(message, path):
    Event, GraphDef = message('Event'), message('GraphDef')
    data = open(path, 'rb').read()
    at, out_events = 0, []
    while at < len(data):
        (length,) = struct.unpack_from('<Q', data, at)
        record = data[at + 12:at + 12 + length]
        at += 16 + length
        ev = Event()
        ev.ParseFromString(record)
        out = {'wall_time': ev.wall_time, 'step': ev.step, 'what': ev.WhichOneof('what')}
        if ev.WhichOneof('what') == 'file_version':
            out['file_version'] = ev.file_version
        elif ev.WhichOneof('what') == 'graph_def':
            g = GraphDef()
            g.ParseFromString(ev.graph_def)
            out['producer'] = g.versions.producer
            out['nodes'] = [[n.name, n.op, list(n.input)] for n in g.node]
            out['first_const_bytes'] = next((len(n.attr['value'].tensor.tensor_content) for n in g.node if n.op == 'Const'), None)
        out_events.append(out)
    print(json.dumps(out_events))


def totext(message, type_name, path):
    m = message(type_name)()
    m.ParseFromString(open(path, 'rb').read())
    sys.stdout.write(text_format.MessageToString(m))


message = load(sys.argv[1])
if sys.argv[2] == 'events':
    events(message, sys.argv[3])
else:
    totext(message, sys.argv[3], sys.argv[4])
