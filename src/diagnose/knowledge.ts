/**
 * Loads and validates the failure knowledge base (recipes/knowledge/failures.yaml): schema → rules →
 * `{value, warnings, errors}`. Patterns are compiled here once; a pattern that does not
 * compile is an error naming its entry.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ConfigError, EnvironmentError } from '../errors.js';
import { compileLinear, findNestedQuantifier, hasLinearEngine } from './linear.js';
import { requiredLiteral } from './literal.js';
import { KnowledgeBaseSchema, SEVERITIES, type FailureEntry } from './schema.js';

export interface CompiledEntry {
  entry: FailureEntry;
  /** On V8's default (backtracking) engine: fast, used for lines up to FAST_ENGINE_LINE characters. */
  regexes: RegExp[];
  /** The same patterns on the linear-time engine (src/diagnose/linear.ts), for longer lines. */
  linear: RegExp[];
  /** Per pattern, a substring every match contains (or undefined): a line without it is not tested at all. */
  literals: Array<string | undefined>;
  /** Index into SEVERITIES: 0 = fatal … 3 = benign. */
  severityRank: number;
}

export interface CompiledKnowledgeBase {
  entries: CompiledEntry[];
  byId: Map<string, CompiledEntry>;
}

export interface ValidationResult<T> {
  value: T | undefined;
  warnings: string[];
  errors: string[];
}

/** `.*` or `.+` (lazy or not): two in one pattern can make a miss cost O(n²) on a long line. */
const UNBOUNDED_WILDCARD = /(?<!\\)\.[*+]/g;

/** The shipped knowledge base; resolves from src/diagnose (tests) and dist/diagnose (installed) alike. */
export const DEFAULT_KNOWLEDGE_PATH = fileURLToPath(new URL('../../recipes/knowledge/failures.yaml', import.meta.url));

/** Validate parsed YAML/JSON. Never throws: problems come back as messages naming the entry. */
export function validateKnowledgeBase(raw: unknown): ValidationResult<CompiledKnowledgeBase> {
  const warnings: string[] = [];
  const errors: string[] = [];
  const parsed = KnowledgeBaseSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push(`${formatIssuePath(raw, issue.path)}: ${issue.message}`);
    return { value: undefined, warnings, errors };
  }
  const entries: CompiledEntry[] = [];
  const byId = new Map<string, CompiledEntry>();
  for (const entry of parsed.data.failures) {
    if (byId.has(entry.id)) errors.push(`${entry.id}: duplicate id`);
    const regexes: RegExp[] = [];
    const linear: RegExp[] = [];
    for (const source of entry.patterns) {
      try {
        regexes.push(new RegExp(source, entry.flags));
      } catch (e) {
        errors.push(`${entry.id}: invalid pattern /${source}/${entry.flags}: ${(e as Error).message}`);
        continue;
      }
      const nested = findNestedQuantifier(source);
      if (nested !== undefined) {
        errors.push(`${entry.id}: /${source}/ repeats ${nested}, a quantified group with a quantifier or alternation inside, which can backtrack for ever; unroll it (e.g. \\S+(?:, \\S+)* → [^ ]+[, ]*…) or match less`);
        continue;
      }
      if (!hasLinearEngine()) {
        linear.push(regexes[regexes.length - 1]!);
        continue;
      }
      try {
        linear.push(compileLinear(source, entry.flags));
      } catch (e) {
        errors.push(`${entry.id}: /${source}/${entry.flags} cannot run in linear time (${(e as Error).message}); drop backreferences and lookaround, and keep counted repeats small ({16} at most)`);
      }
    }
    for (const source of entry.patterns) {
      if ((source.match(UNBOUNDED_WILDCARD) ?? []).length > 1) {
        warnings.push(`${entry.id}: /${source}/ has several unbounded wildcards and may backtrack badly on long lines; use [^x]* or a literal`);
      }
    }
    const literals = entry.patterns.map((p) => requiredLiteral(p, entry.flags));
    const compiled: CompiledEntry = { entry, regexes, linear, literals, severityRank: SEVERITIES.indexOf(entry.severity) };
    entries.push(compiled);
    byId.set(entry.id, compiled);
  }
  if (errors.length > 0) return { value: undefined, warnings, errors };

  // Every example must be matched by its own entry; if a higher-priority entry claims it, the line will be
  // reported under the other id, which is worth knowing but may be intended.
  for (const c of entries) {
    for (const example of c.entry.examples) {
      if (!c.regexes.some((r) => r.test(example)) || !c.linear.every((r, k) => r.test(example) === c.regexes[k]!.test(example))) {
        errors.push(`${c.entry.id}: example is not matched by any of its patterns: ${example}`);
        continue;
      }
      const winner = pickWinner(entries, example);
      if (winner && winner !== c) warnings.push(`${c.entry.id}: example is claimed by ${winner.entry.id}: ${example}`);
    }
  }
  if (errors.length > 0) return { value: undefined, warnings, errors };
  return { value: { entries, byId }, warnings, errors };
}

/**
 * Lines up to this long run on V8's default engine: with no nested quantifier (refused above) its worst case is a
 * low power of the line length, which at this size stays well under a millisecond. Longer lines run on the
 * linear-time engine, so no line can stall the matcher.
 */
export const FAST_ENGINE_LINE = 2048;

/** Does one of the entry's patterns match? Patterns whose required literal is absent are skipped. */
export function entryMatches(c: CompiledEntry, line: string): boolean {
  const set = line.length <= FAST_ENGINE_LINE ? c.regexes : c.linear;
  for (let k = 0; k < set.length; k++) {
    const lit = c.literals[k];
    if (lit !== undefined && !line.includes(lit)) continue;
    if (set[k]!.test(line)) return true;
  }
  return false;
}

/** The entry that owns a line: highest priority, then the more severe, then the earlier in the file. */
export function pickWinner(entries: readonly CompiledEntry[], line: string): CompiledEntry | undefined {
  let best: CompiledEntry | undefined;
  for (const c of entries) {
    if (best && !outranksOnLine(c, best)) continue;
    if (entryMatches(c, line)) best = c;
  }
  return best;
}

function outranksOnLine(a: CompiledEntry, b: CompiledEntry): boolean {
  if (a.entry.priority !== b.entry.priority) return a.entry.priority > b.entry.priority;
  return a.severityRank < b.severityRank;
}

/** Read, parse and validate a knowledge base file; throws with a hint when it is unusable. */
export function readKnowledgeBase(path: string = DEFAULT_KNOWLEDGE_PATH): CompiledKnowledgeBase {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EnvironmentError(`cannot read the failure knowledge base ${path}: ${(e as Error).message}`, {
      hint: 'reinstall tfbuild; the file ships in recipes/knowledge/',
      cause: e,
    });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${path} is not valid YAML: ${(e as Error).message}`, {
      hint: 'fix the YAML syntax at the position shown',
      cause: e,
    });
  }
  const result = validateKnowledgeBase(raw);
  if (!result.value) {
    throw new ConfigError(`${path} is not a valid failure knowledge base`, {
      details: result.errors,
      hint: 'fix the entries named above (see schema/failures.schema.json)',
    });
  }
  return result.value;
}

let cached: CompiledKnowledgeBase | undefined;

/** The shipped knowledge base, read once per process. */
export function getKnowledgeBase(): CompiledKnowledgeBase {
  cached ??= readKnowledgeBase();
  return cached;
}

/** "failures[3] (build-disk-full).patterns[0]" instead of bare array indices. */
function formatIssuePath(raw: unknown, path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  let node: unknown = raw;
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
    node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number' && node !== null && typeof node === 'object' && 'id' in node) {
      out += ` (${String((node as { id: unknown }).id)})`;
    }
  }
  return out;
}
