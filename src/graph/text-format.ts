/**
 * protobuf's text format (what `tf.io.write_graph(..., as_text=True)` writes as graph.pbtxt, and saved_model.pbtxt)
 * → a message, guided by the schema: `name: value` for scalars, `name { … }` or `name < … >` for messages (the colon
 * optional), `name: [a, b]` lists, maps as repeated `{ key: … value: … }` entries, adjacent strings concatenated,
 * C escapes (\n, \", \ooo octal, \xHH, \uXXXX) in strings, `#` comments, `;` or `,` after a field. Fields these
 * definitions leave out are skipped, as binary decoding skips them. Errors name the line and column.
 */
import protobuf from 'protobufjs';

type Tok = { t: 'id' | 'str' | 'num' | 'sym'; v: string; bytes?: Buffer; line: number; col: number };

export class TextFormatError extends Error {}

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, '"': 34, "'": 39, '\\': 92, a: 7, b: 8, f: 12, v: 11, '?': 63 };

function unescape(body: string, at: () => string): Buffer {
  const out: number[] = [];
  const raw = Buffer.from(body, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== 92) { out.push(c); continue; }
    const e = String.fromCharCode(raw[++i] ?? 0);
    if (e in SIMPLE_ESCAPES) out.push(SIMPLE_ESCAPES[e]!);
    else if (e >= '0' && e <= '7') {
      let n = e.charCodeAt(0) - 48;
      for (let k = 0; k < 2 && raw[i + 1]! >= 48 && raw[i + 1]! <= 55; k++) n = n * 8 + (raw[++i]! - 48);
      out.push(n & 0xff);
    } else if (e === 'x' || e === 'X') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(raw.subarray(i + 1, i + 3).toString('latin1'));
      if (!m) throw new TextFormatError(`bad \\x escape at ${at()}`);
      out.push(parseInt(m[0], 16));
      i += m[0].length;
    } else if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const hex = raw.subarray(i + 1, i + 1 + len).toString('latin1');
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new TextFormatError(`bad \\${e} escape at ${at()}`);
      out.push(...Buffer.from(String.fromCodePoint(parseInt(hex, 16)), 'utf8'));
      i += len;
    } else throw new TextFormatError(`unknown escape \\${e} at ${at()}`);
  }
  return Buffer.from(out);
}

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  const re = /(\s+)|(#[^\n]*)|([A-Za-z_][A-Za-z0-9_.]*)|([-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[fF]?))|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|([{}<>[\]:;,/-])/y;
  let line = 1;
  let lineStart = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    const col = pos - lineStart + 1;
    if (!m) throw new TextFormatError(`unexpected character ${JSON.stringify(text[pos])} at line ${line}, column ${col}`);
    const [all, ws, , id, num, str, sym] = m;
    if (id !== undefined) toks.push({ t: 'id', v: id, line, col });
    else if (num !== undefined) toks.push({ t: 'num', v: num, line, col });
    else if (str !== undefined) toks.push({ t: 'str', v: str, bytes: unescape(str.slice(1, -1), () => `line ${line}, column ${col}`), line, col });
    else if (sym !== undefined) toks.push({ t: 'sym', v: sym, line, col });
    if (ws !== undefined || all.includes('\n')) {
      for (let i = all.indexOf('\n'); i !== -1; i = all.indexOf('\n', i + 1)) { line++; lineStart = pos + i + 1; }
    }
    pos += all.length;
  }
  return toks;
}

const INTEGER_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private where(t = this.toks[this.i]): string {
    return t ? `line ${t.line}, column ${t.col}` : 'the end of the file';
  }
  private peek(v?: string): boolean {
    const t = this.toks[this.i];
    return t !== undefined && (v === undefined || (t.t === 'sym' && t.v === v));
  }
  private take(v?: string): Tok {
    const t = this.toks[this.i];
    if (!t || (v !== undefined && !(t.t === 'sym' && t.v === v))) throw new TextFormatError(`expected ${v ?? 'a value'} at ${this.where(t)}`);
    this.i++;
    return t;
  }

  message(type: protobuf.Type, close?: string): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    while (close === undefined ? this.peek() : !this.peek(close)) {
      const nameTok = this.take();
      if (nameTok.t !== 'id') throw new TextFormatError(`expected a field name at ${this.where(nameTok)}, found ${nameTok.v}`);
      const field = type.fields[nameTok.v];
      const colon = this.peek(':');
      if (colon) this.take(':');
      if (!field) this.skipValue();
      else {
        field.resolve();
        const values = this.peek('[') ? this.list(field) : [this.value(field, colon)];
        for (const v of values) this.store(obj, field, v);
      }
      if (this.peek(';') || this.peek(',')) this.i++;
    }
    if (close !== undefined) this.take(close);
    return obj;
  }

  private list(field: protobuf.Field): unknown[] {
    this.take('[');
    const out: unknown[] = [];
    while (!this.peek(']')) {
      out.push(this.value(field, true));
      if (!this.peek(']')) this.take(',');
    }
    this.take(']');
    return out;
  }

  private store(obj: Record<string, unknown>, field: protobuf.Field, v: unknown): void {
    if (field.map) {
      const e = v as { key?: unknown; value?: unknown };
      const m = (obj[field.name] ??= {}) as Record<string, unknown>;
      m[String(e.key ?? '')] = e.value ?? {};
    } else if (field.repeated) ((obj[field.name] ??= []) as unknown[]).push(v);
    else obj[field.name] = v;
  }

  /** One value of `field`; `mapValue`: the value half of a map entry (a map field's type is its values' type). */
  private value(field: protobuf.Field, colon: boolean, mapValue = false): unknown {
    const sub = field.resolvedType;
    const isMapEntry = field.map && !mapValue;
    if (isMapEntry || (sub && sub instanceof protobuf.Type)) {
      const open = this.take();
      if (open.t !== 'sym' || (open.v !== '{' && open.v !== '<')) throw new TextFormatError(`expected { after ${field.name} at ${this.where(open)}`);
      if (isMapEntry) return this.mapEntry(field, open.v === '{' ? '}' : '>');
      return this.message(sub as protobuf.Type, open.v === '{' ? '}' : '>');
    }
    if (!colon) throw new TextFormatError(`expected : after ${field.name} at ${this.where()}`);
    const t = this.take();
    if (sub instanceof protobuf.Enum) {
      if (t.t === 'id' && t.v in sub.values) return t.v;
      if (t.t === 'num') return Number(t.v);
      throw new TextFormatError(`${t.v} is no ${sub.name} value (${field.name}, ${this.where(t)})`);
    }
    if (field.type === 'string' || field.type === 'bytes') {
      if (t.t !== 'str') throw new TextFormatError(`expected a string for ${field.name} at ${this.where(t)}`);
      const parts = [t.bytes!];
      while (this.toks[this.i]?.t === 'str') parts.push(this.take().bytes!);
      const b = Buffer.concat(parts);
      return field.type === 'bytes' ? b : b.toString('utf8');
    }
    if (field.type === 'bool') {
      if (['true', 'True', 't', '1'].includes(t.v)) return true;
      if (['false', 'False', 'f', '0'].includes(t.v)) return false;
      throw new TextFormatError(`expected true or false for ${field.name} at ${this.where(t)}`);
    }
    return this.number(t, field);
  }

  private number(t: Tok, field: protobuf.Field): number | string {
    let s = t.v;
    let neg = false;
    if (t.t === 'sym' && t.v === '-') { neg = true; s = this.take().v; }
    if (INTEGER_TYPES.has(field.type)) {
      const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]+|\d+)$/.exec(s);
      if (!m) throw new TextFormatError(`expected an integer for ${field.name} at ${this.where(t)}`);
      // A leading 0 means octal in text format, as in C.
      const n = BigInt(/^0[0-7]+$/.test(m[2]!) ? `0o${m[2]!.slice(1)}` : m[2]!);
      return (neg !== (m[1] === '-') ? -n : n).toString();
    }
    const lower = s.toLowerCase().replace(/^\+/, '');
    const n = lower === 'inf' || lower === 'infinity' ? Infinity : lower === 'nan' ? NaN : Number(lower.replace(/f$/, ''));
    if (Number.isNaN(n) && lower !== 'nan') throw new TextFormatError(`expected a number for ${field.name} at ${this.where(t)}`);
    return neg ? -n : n;
  }

  /** One `{ key: … value: … }` entry of a map field. */
  private mapEntry(field: protobuf.Field, close: string): { key: unknown; value: unknown } {
    let key: unknown = '';
    let value: unknown = {};
    while (!this.peek(close)) {
      const name = this.take();
      const colon = this.peek(':');
      if (colon) this.take(':');
      if (name.v === 'key') {
        const t = this.take();
        key = t.t === 'str' ? t.bytes!.toString('utf8') : t.v;
      } else if (name.v === 'value') value = this.value(field, colon, true);
      else this.skipValue();
      if (this.peek(';') || this.peek(',')) this.i++;
    }
    this.take(close);
    return { key, value };
  }

  /** A field these definitions do not have: its value, whatever it is, is passed over. */
  private skipValue(): void {
    if (this.peek('[')) {
      this.take('[');
      while (!this.peek(']')) { this.skipValue(); if (this.peek(',')) this.take(','); }
      this.take(']');
      return;
    }
    if (this.peek('{') || this.peek('<')) {
      const close = this.take().v === '{' ? '}' : '>';
      while (!this.peek(close)) {
        this.take();
        if (this.peek(':')) this.take(':');
        this.skipValue();
        if (this.peek(';') || this.peek(',')) this.i++;
      }
      this.take(close);
      return;
    }
    const t = this.take();
    if (t.t === 'sym' && t.v === '-') this.take();
    while (t.t === 'str' && this.toks[this.i]?.t === 'str') this.i++;
  }
}

/** Parses `text` as a `type` message in text format; throws TextFormatError naming where it stopped. */
export function parseTextFormat(type: protobuf.Type, text: string): protobuf.Message {
  const obj = new Parser(tokenize(text)).message(type);
  return type.fromObject(obj);
}
