/**
 * The log matcher: feed it lines one at a time; it keeps only what it matched plus a few lines of context, so
 * memory stays flat however long the log. One combined prefilter regex per flag set decides in a single scan
 * whether a line can match anything; only the rare lines that pass are tested entry by entry.
 */
import type { CompiledEntry, CompiledKnowledgeBase } from './knowledge.js';
import { pickWinner } from './knowledge.js';
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

interface Prefilter {
  regex: RegExp;
}

/** Numbered or named backreferences would point at the wrong group inside a combined alternation. */
const BACKREFERENCE = /\\[1-9]|\\k</;

function buildPrefilters(entries: readonly CompiledEntry[]): { prefilters: Prefilter[]; alwaysTest: boolean } {
  const byFlags = new Map<string, string[]>();
  let alwaysTest = false;
  for (const c of entries) {
    for (const r of c.regexes) {
      if (BACKREFERENCE.test(r.source)) {
        alwaysTest = true;
        continue;
      }
      const list = byFlags.get(r.flags) ?? [];
      list.push(`(?:${r.source})`);
      byFlags.set(r.flags, list);
    }
  }
  const prefilters = [...byFlags].map(([flags, sources]) => ({ regex: new RegExp(sources.join('|'), flags) }));
  return { prefilters, alwaysTest };
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

export class LogMatcher {
  private readonly kb: CompiledKnowledgeBase;
  private readonly prefilters: Prefilter[];
  private readonly alwaysTest: boolean;
  private readonly slots = new Map<string, Slot>();
  /** Ring of the last CONTEXT_BEFORE lines. */
  private recent: LogLine[] = [];
  /** Slots still collecting lines after their first match. */
  private collectingAfter: Slot[] = [];
  private lineNumber = 0;

  constructor(kb: CompiledKnowledgeBase) {
    this.kb = kb;
    const { prefilters, alwaysTest } = buildPrefilters(kb.entries);
    this.prefilters = prefilters;
    this.alwaysTest = alwaysTest;
  }

  /** Feed the next line of the log (without its newline). */
  push(raw: string): void {
    this.lineNumber += 1;
    const text = cleanLine(raw);
    const stored: LogLine = { lineNumber: this.lineNumber, text: cut(text) };

    if (this.collectingAfter.length > 0) {
      for (const slot of this.collectingAfter) slot.after.push(stored);
      this.collectingAfter = this.collectingAfter.filter((s) => s.after.length < CONTEXT_AFTER);
    }

    if (this.alwaysTest || this.prefilters.some((p) => p.regex.test(text))) {
      const winner = pickWinner(this.kb.entries, text);
      if (winner) this.record(winner, stored);
    }

    this.recent.push(stored);
    if (this.recent.length > CONTEXT_BEFORE) this.recent.shift();
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
      before: [...this.recent],
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
