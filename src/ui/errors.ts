import { ToolError, type TfbuildError } from '../errors.js';
import { formatCommand } from '../exec/format.js';
import { maskUrlPasswords } from '../exec/redact.js';

/** Render an error for the terminal: message, details, tool output tail, log path, and what to do next. */
export function formatError(e: TfbuildError): string {
  const lines = [`tfbuild: ${e.message}`];
  for (const d of e.details) lines.push(`  ${d}`);
  if (e instanceof ToolError) {
    lines.push(`  command: ${formatCommand(e.command)}`);
    if (e.tail.length > 0) {
      lines.push('  last output:');
      for (const t of e.tail.slice(-15)) lines.push(`    ${t}`);
    }
    if (e.logFile) lines.push(`  full log: ${e.logFile}`);
  }
  if (e.hint) lines.push(`  fix: ${e.hint}`);
  // URL passwords never reach the terminal; the run's own secrets were masked by its command (redactError).
  return maskUrlPasswords(lines.join('\n') + '\n');
}
