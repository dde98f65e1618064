/**
 * argv → command. The ONLY place errors become exit codes.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { classifyFsError, EXIT_CODES, ReportedFailure, TfbuildError, ToolError, UsageError } from '../errors.js';
import { maskUrlPasswords } from '../exec/redact.js';
import { toEvent } from '../ui/events.js';
import { loadCommands, type RegisterCommand } from '../commands/index.js';
import { formatError } from '../ui/errors.js';

import type { CliIO } from './io.js';

export type { CliIO } from './io.js';

const defaultIO: CliIO = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `tfbuild r1.4 --gpu` is `tfbuild build r1.4 --gpu`. */
const VERSION_LIKE = /^(r|v)?\d+\.\d+(\.\d+)?(-?rc\d+)?$/i;

export function rewriteShorthand(argv: string[]): string[] {
  const first = argv[0];
  if (first !== undefined && VERSION_LIKE.test(first)) return ['build', ...argv];
  return argv;
}

export function buildProgram(io: CliIO, commands: RegisterCommand[]): Command {
  const program = new Command();
  program
    .name('tfbuild')
    .description('Compile TensorFlow from source, boringly.')
    .version(packageVersion(), '-V, --version', 'print the tfbuild version')
    .helpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.addHelpText(
    'after',
    `
Shorthand: tfbuild VERSION [options] is tfbuild build VERSION [options], e.g. tfbuild r1.4 --gpu.
Exit codes: 0 ok, 1 internal error, 2 usage, 3 environment (host lacks something), 4 config (recipe/plan/state),
5 tool failed (configure, bazel, pip), 6 conflict (would overwrite or lose work), 130/143 interrupted.`,
  );
  for (const register of commands) {
    const cmd = register(program, io);
    cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  }
  return program;
}

/** `--json` anywhere before a `--`: every exit path then ends with a JSON event on stdout. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  try {
    const args = rewriteShorthand(argv);
    const program = buildProgram(io, await loadCommands(args));
    await program.parseAsync(args, { from: 'user' });
    // Only the docker command still reports a failed container run this way (its owner converts it).
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_CODES.ok;
  } catch (caught) {
    const e = classifyFsError(caught) ?? caught;
    if (e instanceof ReportedFailure) return e.exitCode;
    const code = exitCodeFor(e, io);
    if (code !== EXIT_CODES.ok && wantsJson(argv)) io.stdout(JSON.stringify(toEvent({ type: 'error', error: errorInfo(e, code) })) + '\n');
    return code;
  }
}

/** The error as the final `error` event carries it (the command masked its run's secrets; URL passwords here). */
function errorInfo(e: unknown, exitCode: number): { kind: string; message: string; exitCode: number; hint?: string; details?: string[]; logFile?: string } {
  if (e instanceof TfbuildError) {
    // details: the commands a refusal names (what to run first), as the text output lists them.
    return {
      kind: e.kind, message: maskUrlPasswords(e.message), exitCode, ...(e.hint ? { hint: maskUrlPasswords(e.hint) } : {}),
      ...(e.details && e.details.length > 0 ? { details: e.details.map(maskUrlPasswords) } : {}),
      ...(e instanceof ToolError && e.logFile ? { logFile: e.logFile } : {}),
    };
  }
  if (e instanceof CommanderError) return { kind: 'usage', message: e.message.replace(/^error: /, ''), exitCode, hint: "Run 'tfbuild --help' (or 'tfbuild help <command>') for usage." };
  return { kind: 'internal', message: maskUrlPasswords(`Internal error: ${e instanceof Error ? e.message : String(e)}`), exitCode, hint: 'This is a bug in tfbuild. Re-run with TFBUILD_DEBUG=1 for a stack trace and report it.' };
}

export function exitCodeFor(e: unknown, io: CliIO): number {
  const fsFault = classifyFsError(e);
  if (fsFault) e = fsFault;
  if (e instanceof CommanderError) {
    // --help and --version end with a CommanderError whose exitCode is 0.
    if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_CODES.ok;
    // Commander already printed "error: unknown option '--x'" and the like.
    io.stderr(`Run 'tfbuild --help' (or 'tfbuild help <command>') for usage.\n`);
    return EXIT_CODES.usage;
  }
  if (e instanceof TfbuildError) {
    io.stderr(formatError(e));
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr(
    formatError(
      new TfbuildError('internal', `Internal error: ${err.message}`, {
        hint: 'This is a bug in tfbuild. Re-run with TFBUILD_DEBUG=1 for a stack trace and report it.',
      }),
    ),
  );
  if (process.env.TFBUILD_DEBUG) io.stderr((err.stack ?? '') + '\n');
  return EXIT_CODES.internal;
}

export { UsageError };
