/**
 * protobuf's JSON form → a message. The JSON form names fields in lowerCamelCase (`tensorShape`) while these
 * definitions keep TensorFlow's snake_case, so keys are renamed by walking the schema; map keys (attr names such
 * as `T` or `_output_shapes`) are data and stay as they are. protobufjs's fromObject then takes enum names
 * ("DT_FLOAT"), int64 as strings and bytes as base64, as the JSON form writes them.
 */
import type protobuf from 'protobufjs';

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function renameFor(type: protobuf.Type, obj: unknown): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return obj;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj as Record<string, unknown>)) {
    const field = type.fields[key] ?? type.fieldsArray.find((f) => camel(f.name) === key);
    if (!field) continue; // a field these definitions leave out: skipped, as decoding skips it
    field.resolve();
    const sub = field.resolvedType;
    const convert = (v: unknown) => (sub && 'fields' in sub ? renameFor(sub as protobuf.Type, v) : v);
    if (field.map) {
      out[field.name] = Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [k, convert(v)]));
    } else if (field.repeated && Array.isArray(value)) {
      out[field.name] = value.map(convert);
    } else {
      out[field.name] = convert(value);
    }
  }
  return out;
}

/** Decodes `obj` (protobuf JSON) as `type`; throws when a nested value is not an object where one is expected. */
export function fromProtoJson(type: protobuf.Type, obj: unknown): protobuf.Message {
  // Not type.verify: it wants enum numbers and int64 numbers, which the JSON form writes as names and strings.
  return type.fromObject(renameFor(type, obj) as Record<string, unknown>);
}
