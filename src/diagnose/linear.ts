/**
 * Patterns that cannot hang. V8's default engine backtracks: `All mirrors are down: \[.*(?:…)` costs O(n²) on a
 * line that repeats its prefix, and a nested quantifier like `(?:a+)+` costs O(2ⁿ). V8 also ships a breadth-first
 * engine that runs in time linear in the line (the `l` flag; enabled by a V8 flag, present in Node 20 … 24). It
 * refuses what it cannot run linearly (backreferences, lookaround, large counted repeats; `i` is spelled out), so a pattern that compiles with
 * `l` is proof that a linear run exists. It is slower per character than the default engine, so the matcher uses
 * it for long lines and the default engine for short ones (src/diagnose/matcher.ts).
 */
import { setFlagsFromString } from 'node:v8';
import { skipAtom } from './literal.js';

let available: boolean | undefined;

/** Turn on V8's linear-time engine once; false when this V8 does not have it. */
export function hasLinearEngine(): boolean {
  if (available !== undefined) return available;
  try {
    // eslint-disable-next-line no-invalid-regexp -- `l` exists once V8's linear engine is on (checked here)
    new RegExp('a', 'l');
    available = true;
  } catch {
    try {
      setFlagsFromString('--enable-experimental-regexp-engine');
      // eslint-disable-next-line no-invalid-regexp -- see above
      new RegExp('a', 'l');
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

/** The pattern on the linear engine; throws SyntaxError when it cannot run in linear time. */
export function compileLinear(source: string, flags: string): RegExp {
  if (!hasLinearEngine()) throw new SyntaxError('this Node has no linear-time regexp engine');
  // The engine has no `i`: the same pattern with each ASCII letter spelled in both cases.
  return flags.includes('i') ? new RegExp(foldCase(source), `${flags.replace('i', '')}l`) : new RegExp(source, `${flags}l`);
}

const other = (c: string): string => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());
const isLetter = (c: string | undefined): c is string => c !== undefined && /^[A-Za-z]$/.test(c);

/** `Ab[c-e]` → `[Aa][Bb][c-eC-E]`: ASCII case-insensitivity written out (escapes and group names untouched). */
export function foldCase(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\') {
      const payload = /^\\(?:[pPu]\{[^}]*\}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|c[A-Za-z]|k<[^>]*>|.)/s.exec(source.slice(i))?.[0] ?? ch;
      out += payload;
      i += payload.length;
    } else if (ch === '(' && /^\(\?<[A-Za-z_]/.test(source.slice(i))) {
      const head = /^\(\?<[^>]*>/.exec(source.slice(i))?.[0] ?? ch;
      out += head;
      i += head.length;
    } else if (ch === '[') {
      let body = '';
      let extra = '';
      let j = i + 1;
      if (source[j] === '^') body += source[j++];
      if (source[j] === ']') body += source[j++];
      while (j < source.length && source[j] !== ']') {
        if (source[j] === '\\') {
          body += source.slice(j, j + 2);
          j += 2;
          continue;
        }
        const a = source[j]!;
        if (source[j + 1] === '-' && source[j + 2] !== undefined && source[j + 2] !== ']') {
          const b = source[j + 2]!;
          body += `${a}-${b}`;
          if (isLetter(a) && isLetter(b) && (a === a.toLowerCase()) === (b === b.toLowerCase())) extra += `${other(a)}-${other(b)}`;
          j += 3;
          continue;
        }
        body += a;
        if (isLetter(a)) extra += other(a);
        j += 1;
      }
      out += `[${body}${extra}]`;
      i = j + 1;
    } else if (isLetter(ch)) {
      out += `[${ch}${other(ch)}]`;
      i += 1;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

/**
 * The first quantified group that itself holds a quantifier or an alternation (`(?:a+)+`, `(a|ab)*`): the shapes
 * whose backtracking is exponential. Undefined when there is none. Character classes and escapes are skipped.
 */
export function findNestedQuantifier(source: string): string | undefined {
  const open: Array<{ start: number; inner: boolean }> = [];
  let i = 0;
  while (i < source.length) {
    const past = skipAtom(source, i);
    if (past !== undefined) {
      i = past;
      continue;
    }
    const ch = source[i]!;
    if (ch === '(') {
      open.push({ start: i, inner: false });
      i += 1;
      // (?: (?< (?= (?! (?<= (?<! : the group's own syntax, not a quantifier
      if (source[i] === '?') i += 1;
      continue;
    }
    if (ch === ')') {
      const g = open.pop();
      i += 1;
      const q = /^(?:[*+]|\{\d+,\d*\})/.exec(source.slice(i))?.[0];
      if (g && q !== undefined && g.inner) return source.slice(g.start, i + q.length);
      // A group with a quantifier inside, or quantified itself, makes its enclosing group "inner" too.
      if (g && open.length > 0 && (g.inner || /^[*+?{]/.test(source.slice(i)))) open[open.length - 1]!.inner = true;
      continue;
    }
    if ((ch === '*' || ch === '+' || ch === '?' || ch === '|' || (ch === '{' && /^\{\d+(?:,\d*)?\}/.test(source.slice(i)))) && open.length > 0) {
      open[open.length - 1]!.inner = true;
    }
    i += 1;
  }
  return undefined;
}
