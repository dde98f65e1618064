/**
 * `tfbuild explain LOGFILE [--json]`: match any build log (ours, a manual build's, a CI log; `-` reads stdin)
 * against the failure knowledge base and print the likely cause and fix, root cause first.
 */
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { diagnoseFile, diagnoseStream, formatDiagnosis, type Diagnosis } from '../diagnose/index.js';
import { toJson, useColor } from '../ui/output.js';

export interface ExplainOptions {
  /** A path, or "-" for `stdin`. */
  log: string;
  stdin?: Readable;
  /** The release the log is from: fixes that name a compiler or CUDA version follow its recipe. */
  version?: string;
}

export async function explain(opts: ExplainOptions): Promise<Diagnosis> {
  const d = opts.log === '-' ? await diagnoseStream(opts.stdin ?? process.stdin) : await diagnoseFile(opts.log);
  if (opts.version === undefined) return d;
  const { resolveRecipe } = await import('../recipes/index.js');
  const { adviseForRecipe } = await import('../diagnose/recipe-advice.js');
  return adviseForRecipe(d, resolveRecipe(opts.version).recipe);
}

/** The --json document: stable field names, root cause first. */
export function toExplainJson(d: Diagnosis, log: string): unknown {
  return {
    log: log === '-' ? null : log,
    lineCount: d.lineCount,
    matches: d.matches.map((m) => ({
      id: m.id,
      severity: m.severity,
      step: m.step,
      title: m.title,
      priority: m.priority,
      line: m.line,
      lineNumber: m.lineNumber,
      count: m.count,
      lastLineNumber: m.lastLineNumber,
      cause: m.cause,
      fix: m.fix,
      fixCommands: m.fixCommands,
      tags: m.tags,
      lines: m.lines,
    })),
  };
}

export function register(program: Command, io: CliIO): Command {
  return program
    .command('explain')
    .description('explain why a build failed: match a log against known TensorFlow build failures')
    .argument('<logfile>', 'build log to read, or - for stdin (works for logs of builds tfbuild did not run)')
    .option('--json', 'print the matches as JSON, most likely root cause first')
    .option('--for <version>', "the release the log is from (e.g. r1.4): fixes follow its recipe's compiler and CUDA")
    .addHelpText('after', '\nExit status is 0 whether or not anything matched; 3 when the log cannot be read.')
    .action(async (logfile: string, options: { json?: boolean; for?: string }) => {
      const diagnosis = await explain({ log: logfile, ...(options.for !== undefined ? { version: options.for } : {}) });
      if (options.json) {
        io.stdout(toJson(toExplainJson(diagnosis, logfile)));
        return;
      }
      // Same rendering as a failed build step prints.
      io.stdout(formatDiagnosis(diagnosis, { color: useColor(), logPath: logfile === '-' ? undefined : logfile }));
    });
}
