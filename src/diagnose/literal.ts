/**
 * Finds a literal substring that every match of a regular expression must contain. A line that contains none of
 * the entries' literals cannot match any entry, so the matcher only runs the real patterns on the rare lines that
 * contain one; V8 scans for a plain alternation of literals far faster than for the patterns themselves.
 */

const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'p', 'P', 'k', 'c', 'x', 'u', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
/** Without the u flag a "{" that does not start {n}, {n,} or {n,m} is an ordinary character. */
const BRACE_QUANTIFIER = /^\{\d+(?:,\d*)?\}/;
const LITERAL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };

/**
 * The longest run of characters the pattern requires in sequence, or undefined when it has none worth using
 * (a top-level alternation, a case-insensitive flag, or no run of at least `minLength`).
 */
export function requiredLiteral(source: string, flags = '', minLength = 3): string | undefined {
  if (flags.includes('i')) return undefined;
  const runs: string[] = [];
  let run = '';
  const flush = (): void => {
    if (run.length > 0) runs.push(run);
    run = '';
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[i + 1];
      if (next === undefined) return undefined;
      i += 2;
      if (CLASS_ESCAPES.has(next)) {
        flush();
        i = skipEscapePayload(source, i, next);
        continue;
      }
      run += LITERAL_ESCAPES[next] ?? next;
      continue;
    }
    if (ch === '|') return undefined;
    if (ch === '[') {
      flush();
      i = skipClass(source, i);
      continue;
    }
    if (ch === '(') {
      flush();
      const end = skipGroup(source, i);
      if (end === -1) return undefined;
      i = end;
      continue;
    }
    const quantifier = ch === '{' ? BRACE_QUANTIFIER.exec(source.slice(i))?.[0] : undefined;
    if (ch === '?' || ch === '*' || quantifier !== undefined) {
      // The previous character became optional or counted: drop it from the run.
      run = run.slice(0, -1);
      flush();
      i += quantifier?.length ?? 1;
      if (source[i] === '?') i += 1;
      continue;
    }
    if (ch === '+') {
      flush();
      i += 1;
      if (source[i] === '?') i += 1;
      continue;
    }
    if (ch === '.' || ch === '^' || ch === '$') {
      flush();
      i += 1;
      continue;
    }
    run += ch;
    i += 1;
  }
  flush();
  const best = runs.reduce((a, b) => (b.length > a.length ? b : a), '');
  return best.length >= minLength ? best : undefined;
}

/** Index past the payload of \\xHH, \\uHHHH, \\u{…}, \\p{…}, \\k<…>, \\cX; `i` points just after the letter. */
function skipEscapePayload(source: string, i: number, letter: string): number {
  if (letter === 'x') return i + 2;
  if (letter === 'c') return i + 1;
  if (source[i] === '{' && (letter === 'u' || letter === 'p' || letter === 'P')) return source.indexOf('}', i) + 1 || source.length;
  if (letter === 'u') return i + 4;
  if (letter === 'k' && source[i] === '<') return source.indexOf('>', i) + 1 || source.length;
  // Digits after a backreference or \0 may continue it; dropping them only shortens the run.
  while (/[0-9]/.test(source[i] ?? '')) i += 1;
  return i;
}

/** Index just past the character class that opens at `start`. */
export function skipClass(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i += 1;
  if (source[i] === ']') i += 1;
  while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
  i += 1;
  // A quantifier after the class belongs to it, not to the next run.
  return i;
}

/** Index just past the escape or character class at `i`, or undefined when neither starts there. */
export function skipAtom(source: string, i: number): number | undefined {
  if (source[i] === '\\') return i + 2;
  if (source[i] === '[') return skipClass(source, i);
  return undefined;
}

/** Index just past the group that opens at `start`, including a trailing quantifier; -1 if unbalanced. */
function skipGroup(source: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < source.length) {
    const past = skipAtom(source, i);
    if (past !== undefined) {
      i = past;
      continue;
    }
    const ch = source[i]!;
    if (ch === '(') depth += 1;
    if (ch === ')') {
      depth -= 1;
      if (depth === 0) {
        i += 1;
        while (i < source.length && '?*+'.includes(source[i]!)) i += 1;
        const counted = BRACE_QUANTIFIER.exec(source.slice(i))?.[0];
        if (counted !== undefined) i += counted.length;
        return i;
      }
    }
    i += 1;
  }
  return -1;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
