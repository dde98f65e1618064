/** Render check results: a table for a terminal, plain `STATUS id: message` lines otherwise. Pure. */
import Table from 'cli-table3';
import { ISA_TABLE } from '../plan/isa.js';
import type { HostFacts } from '../probe/types.js';
import type { CheckResult, CheckStatus } from './types.js';

const LABEL: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' };
const COLOR: Record<CheckStatus, number> = { pass: 32, warn: 33, fail: 31 };

function paintStatus(s: CheckStatus, color: boolean): string {
  // Closed with 39 (default foreground), the code cli-table3's width and wrap logic understands.
  return color ? `\u001b[${COLOR[s]}m${LABEL[s]}\u001b[39m` : LABEL[s];
}

export function formatHostLine(f: HostFacts): string {
  const os = f.os.distro?.name ?? `${f.os.platform}`;
  // The AVX family of `--cpu-flags auto` (SSE4.2, the rest of that set, is on every x86-64 CPU of the last decade).
  const avx = ISA_TABLE.filter((e) => e.auto && e.name !== 'sse4.2').map((e) => e.cpuinfo);
  const isa = f.cpu.isa.filter((x) => avx.includes(x)).join(' ') || 'no AVX';
  return `Host: ${os}, ${f.os.arch}, kernel ${f.os.kernel}; ${f.cpu.model} (${f.cpu.cores} cores, ${isa}); ${(f.memory.totalMiB / 1024).toFixed(1)} GiB RAM`;
}

export function formatSummary(results: readonly CheckResult[]): string {
  const n = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  return `${n('fail')} failed, ${n('warn')} warnings, ${n('pass')} passed`;
}

export function formatChecksPlain(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${LABEL[r.status]} ${r.id}: ${r.message}`);
    if (r.fix && r.status !== 'pass') lines.push(`     fix: ${r.fix}`);
  }
  return lines.join('\n') + '\n';
}

export function formatChecksTable(results: readonly CheckResult[], opts: { color: boolean; width: number }): string {
  const width = Math.max(opts.width, 80);
  const idW = Math.max(8, ...results.map((r) => r.id.length + 2));
  const rest = width - 8 - idW - 5;
  const msgW = Math.max(20, Math.floor(rest * 0.5));
  const fixW = Math.max(20, rest - msgW);
  const table = new Table({
    head: ['', 'check', 'finding', 'fix'],
    colWidths: [8, idW, msgW, fixW],
    wordWrap: true,
    style: { head: opts.color ? ['bold'] : [], border: opts.color ? ['gray'] : [] },
  });
  for (const r of results) table.push([paintStatus(r.status, opts.color), r.id, r.message, r.status === 'pass' ? '' : (r.fix ?? '')]);
  return table.toString() + '\n';
}
