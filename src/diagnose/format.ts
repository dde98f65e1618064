/** Renders a Diagnosis for the terminal: what the pipeline prints on a failed step and what `tfbuild explain` prints. */
import type { Diagnosis, LogLine, Match } from './matcher.js';

export interface FormatDiagnosisOptions {
  color: boolean;
  /** The log the diagnosis came from; printed so the user can read the rest. */
  logPath?: string;
  /** Matches shown in full; the rest get one line each. */
  detailed?: number;
}

const SGR = { red: 31, yellow: 33, gray: 90, bold: 1, cyan: 36 } as const;

function paint(on: boolean, code: keyof typeof SGR, s: string): string {
  return on ? `\u001b[${SGR[code]}m${s}\u001b[0m` : s;
}

const SEVERITY_COLOR = { fatal: 'red', error: 'red', warning: 'yellow', benign: 'gray' } as const;

export function formatDiagnosis(d: Diagnosis, opts: FormatDiagnosisOptions): string {
  const { color } = opts;
  const out: string[] = [];
  if (d.matches.length === 0) {
    out.push('No known failure pattern matched this log.');
    if (opts.logPath) out.push(`Read the last ERROR lines of the log: ${opts.logPath}`);
    return out.join('\n') + '\n';
  }
  const detailed = Math.max(1, opts.detailed ?? 2);
  const [first, ...rest] = d.matches;
  // Further fatal or error matches get the full treatment; warnings and benign messages one line each.
  const full = [first!, ...rest.filter((m) => m.severity === 'fatal' || m.severity === 'error').slice(0, detailed - 1)];
  full.forEach((m, i) => {
    if (i > 0) out.push('');
    const heading = i === 0 ? 'Likely cause' : 'Also found';
    out.push(...formatMatch(m, heading, color));
  });
  const others = d.matches.filter((m) => !full.includes(m));
  if (others.length > 0) {
    out.push('', 'Other known messages in this log:');
    for (const m of others) out.push(`  ${formatSummary(m, color)}`);
  }
  if (opts.logPath) out.push('', `Log: ${opts.logPath}`);
  return out.join('\n') + '\n';
}

function formatMatch(m: Match, heading: string, color: boolean): string[] {
  const sev = paint(color, SEVERITY_COLOR[m.severity], m.severity);
  const out = [`${paint(color, 'bold', `${heading}: ${m.title}`)} [${m.id}, ${sev}]`];
  const shown = m.lines.length > 0 ? m.lines.slice(0, 3) : [{ lineNumber: m.lineNumber, text: m.line }];
  for (const l of shown) out.push(`  ${formatLogLine(l, color)}`);
  if (m.count > shown.length) {
    out.push(paint(color, 'gray', `  … matched ${m.count} lines in all, last at line ${m.lastLineNumber}`));
  }
  out.push(`  Why: ${m.cause}`);
  out.push(`  Fix: ${m.fix}`);
  for (const c of m.fixCommands) out.push(`    ${paint(color, 'cyan', `$ ${c}`)}`);
  return out;
}

function formatSummary(m: Match, color: boolean): string {
  const times = m.count > 1 ? `, ${m.count}×` : '';
  const sev = paint(color, SEVERITY_COLOR[m.severity], m.severity.padEnd(7));
  return `${sev} line ${m.lineNumber}${times}: ${m.title} [${m.id}]`;
}

function formatLogLine(l: LogLine, color: boolean): string {
  const text = l.text.length > 300 ? `${l.text.slice(0, 300)}…` : l.text;
  return `${paint(color, 'gray', `line ${l.lineNumber}:`)} ${text}`;
}
