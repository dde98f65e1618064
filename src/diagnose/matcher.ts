/**
 * The log matcher: feed it lines one at a time; it keeps only what it matched plus a few lines of context, so
 * memory stays flat however long the log. One prefilter decides in a single scan whether a line can match
 * anything; only the rare lines that pass are tested entry by entry.
 */
import type { CompiledEntry, CompiledKnowledgeBase } from './knowledge.js';
import { FAST_ENGINE_LINE, pickWinner } from './knowledge.js';
import { compileLinear, hasLinearEngine } from './linear.js';
import { escapeRegExp, requiredLiteral } from './literal.js';
import type { FailureStep, Severity } from './schema.js';

export interface LogLine {
  lineNumber: number;
  text: string;
}

export interface Match {
  id: string;
  title: string;
  severity: Severity;
  step: FailureStep;
  priority: number;
  /** The first line this entry matched, and its 1-based number in the log. */
  line: string;
  lineNumber: number;
  /** How many lines this entry matched; repeats collapse into one Match. */
  count: number;
  lastLineNumber: number;
  cause: string;
  fix: string;
  fixCommands: string[];
  tags: string[];
  /** The first few matched lines (at most MAX_SAMPLES). */
  lines: LogLine[];
  /** Lines around the first match. */
  context: { before: LogLine[]; after: LogLine[] };
}

export interface Diagnosis {
  /** Most likely root cause first. */
  matches: Match[];
  /** Lines read. */
  lineCount: number;
}

/** Longer lines are matched in full but stored cut, so a minified blob in a log cannot inflate a report. */
export const MAX_STORED_LINE = 2000;
/**
 * Entry patterns see at most this much of a line (the prefilter sees all of it). Every pattern runs in linear
 * time on a long line (src/diagnose/linear.ts); this cap bounds the constant. Bazel puts the failure (`failed
 * (Exit 137)`, `error:`) before a failed action's command, its longest real lines (~50 KB).
 */
export const MAX_MATCHED_LINE = 64 * 1024;
const MAX_SAMPLES = 5;
const CONTEXT_BEFORE = 3;
const CONTEXT_AFTER = 3;

// CSI sequences (colour, erase-line) that bazel writes with --color=yes / --curses=yes.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** What a log line looks like once terminal control codes are gone. */
export function cleanLine(raw: string): string {
  let s = raw;
  if (s.includes('\u001b')) s = s.replace(ANSI, '');
  if (s.includes('\r')) {
    // A progress line redrawn with \r shows only its last segment; keep the last non-empty one.
    const parts = s.split('\r').filter((p) => p.length > 0);
    s = parts[parts.length - 1] ?? '';
  }
  return s;
}

/** Numbered or named backreferences would point at the wrong group inside a combined alternation. */
const BACKREFERENCE = /\\[1-9]|\\k</;

/**
 * A test that is true for every line some entry can match, and false for nearly all others. Patterns with a
 * required literal contribute that literal to one alternation of plain strings (measured about 2x faster than
 * an alternation of the patterns, since literals need no backtracking); the rest are tested as they are.
 */
export function buildPrefilter(entries: readonly CompiledEntry[]): (line: string) => boolean {
  const literals = new Set<string>();
  const byFlags = new Map<string, string[]>();
  const alone: RegExp[] = [];
  for (const c of entries) {
    for (const r of c.regexes) {
      const literal = requiredLiteral(r.source, r.flags);
      if (literal !== undefined) literals.add(literal);
      else if (BACKREFERENCE.test(r.source)) alone.push(r);
      else byFlags.set(r.flags, [...(byFlags.get(r.flags) ?? []), `(?:${r.source})`]);
    }
  }
  // A line containing "abcd" contains "bc": the shorter literal alone is enough.
  const minimal = [...literals].filter((a) => ![...literals].some((b) => b !== a && a.includes(b)));
  // An alternation of plain strings costs at most (line length × their total length) on any engine; patterns
  // without a literal get the same engine choice as the entries (FAST_ENGINE_LINE).
  const literalTest = minimal.length > 0 ? new RegExp(minimal.map(escapeRegExp).join('|')) : null;
  const fast: RegExp[] = [];
  const slow: RegExp[] = [];
  for (const [flags, sources] of byFlags) {
    fast.push(new RegExp(sources.join('|'), flags));
    slow.push(hasLinearEngine() ? compileLinear(sources.join('|'), flags) : fast[fast.length - 1]!);
  }
  for (const r of alone) {
    fast.push(r);
    slow.push(hasLinearEngine() ? compileLinear(r.source, r.flags) : r);
  }
  return (line) => (literalTest !== null && literalTest.test(line)) || (line.length <= FAST_ENGINE_LINE ? fast : slow).some((t) => t.test(line));
}

interface Slot {
  compiled: CompiledEntry;
  first: LogLine;
  count: number;
  last: number;
  samples: LogLine[];
  before: LogLine[];
  after: LogLine[];
}

const prefilters = new WeakMap<CompiledKnowledgeBase, (line: string) => boolean>();

function getPrefilter(kb: CompiledKnowledgeBase): (line: string) => boolean {
  let p = prefilters.get(kb);
  if (!p) {
    p = buildPrefilter(kb.entries);
    prefilters.set(kb, p);
  }
  return p;
}

export class LogMatcher {
  private readonly kb: CompiledKnowledgeBase;
  private readonly mayMatch: (line: string) => boolean;
  private readonly slots = new Map<string, Slot>();
  /** Ring of the last CONTEXT_BEFORE lines; recentNext is the slot the next line goes to. */
  private readonly recent: string[] = [];
  private recentNext = 0;
  /** Slots still collecting lines after their first match. */
  private collectingAfter: Slot[] = [];
  private lineNumber = 0;

  constructor(kb: CompiledKnowledgeBase) {
    this.kb = kb;
    this.mayMatch = getPrefilter(kb);
  }

  /** Feed the next line of the log (without its newline). */
  push(raw: string): void {
    const lineNumber = ++this.lineNumber;
    const text = cleanLine(raw);
    if (this.collectingAfter.length > 0) this.collectAfter({ lineNumber, text: cut(text) });
    if (this.mayMatch(text)) {
      const winner = pickWinner(this.kb.entries, text.length > MAX_MATCHED_LINE ? text.slice(0, MAX_MATCHED_LINE) : text);
      if (winner) this.record(winner, { lineNumber, text: cut(text) });
    }
    // Plain strings in a ring; LogLine objects are only made for the few lines that are kept.
    this.recent[this.recentNext] = text;
    this.recentNext = (this.recentNext + 1) % CONTEXT_BEFORE;
  }

  private collectAfter(line: LogLine): void {
    for (const slot of this.collectingAfter) slot.after.push(line);
    this.collectingAfter = this.collectingAfter.filter((s) => s.after.length < CONTEXT_AFTER);
  }

  /** The up to CONTEXT_BEFORE lines before the current one, oldest first. */
  private linesBefore(): LogLine[] {
    const out: LogLine[] = [];
    const available = Math.min(CONTEXT_BEFORE, this.lineNumber - 1);
    for (let k = available; k >= 1; k--) {
      const text = this.recent[(this.recentNext - k + CONTEXT_BEFORE) % CONTEXT_BEFORE];
      if (text !== undefined) out.push({ lineNumber: this.lineNumber - k, text: cut(text) });
    }
    return out;
  }

  private record(compiled: CompiledEntry, line: LogLine): void {
    const slot = this.slots.get(compiled.entry.id);
    if (slot) {
      slot.count += 1;
      slot.last = line.lineNumber;
      if (slot.samples.length < MAX_SAMPLES) slot.samples.push(line);
      return;
    }
    const fresh: Slot = {
      compiled,
      first: line,
      count: 1,
      last: line.lineNumber,
      samples: [line],
      before: this.linesBefore(),
      after: [],
    };
    this.slots.set(compiled.entry.id, fresh);
    this.collectingAfter.push(fresh);
  }

  /** The diagnosis so far; the matcher can keep reading afterwards. */
  result(): Diagnosis {
    const matches = [...this.slots.values()].sort(compareSlots).map(toMatch);
    return { matches, lineCount: this.lineNumber };
  }
}

/** Root cause first: more severe, then higher priority, then earlier in the log. */
function compareSlots(a: Slot, b: Slot): number {
  return (
    a.compiled.severityRank - b.compiled.severityRank ||
    b.compiled.entry.priority - a.compiled.entry.priority ||
    a.first.lineNumber - b.first.lineNumber
  );
}

function toMatch(s: Slot): Match {
  const e = s.compiled.entry;
  return {
    id: e.id,
    title: e.title,
    severity: e.severity,
    step: e.step,
    priority: e.priority,
    line: s.first.text,
    lineNumber: s.first.lineNumber,
    count: s.count,
    lastLineNumber: s.last,
    cause: e.cause,
    fix: e.fix,
    fixCommands: [...e.fixCommands],
    tags: [...e.tags],
    lines: s.samples,
    context: { before: s.before, after: s.after },
  };
}

function cut(s: string): string {
  return s.length > MAX_STORED_LINE ? `${s.slice(0, MAX_STORED_LINE)}…` : s;
}
