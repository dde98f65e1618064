/**
 * argv → command. The ONLY place errors become exit codes (shared/STYLE.md §1, §11).
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { classifyFsError, EXIT_CODES, TfbuildError, UsageError } from '../errors.js';
import { loadCommands, type RegisterCommand } from '../commands/index.js';
import { formatError } from '../ui/errors.js';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

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

export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  try {
    const args = rewriteShorthand(argv);
    const program = buildProgram(io, await loadCommands(args));
    await program.parseAsync(args, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_CODES.ok;
  } catch (e) {
    return exitCodeFor(e, io);
  }
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
