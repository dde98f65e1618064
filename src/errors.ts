/**
 * One error taxonomy for the whole program. Only src/cli turns these into exit codes.
 * Every error carries a `hint`: what the user should do next.
 */
export type ErrorKind = 'usage' | 'environment' | 'config' | 'tool' | 'conflict' | 'internal';

/** Documented in README ("Exit codes"). Keep the two in sync. */
export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  environment: 3,
  config: 4,
  tool: 5,
  conflict: 6,
  sigint: 130,
  sigterm: 143,
} as const;

export class TfbuildError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  /** Extra lines shown under the message (e.g. the files of a patch conflict). */
  readonly details: string[];
  constructor(kind: ErrorKind, message: string, opts: { hint?: string; details?: string[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.hint = opts.hint;
    this.details = opts.details ?? [];
    this.name = new.target.name;
  }
  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

/** Bad flags or arguments, or a decision that needs a flag in a non-interactive run. */
export class UsageError extends TfbuildError {
  constructor(message: string, opts: { hint?: string; details?: string[] } = {}) {
    super('usage', message, opts);
  }
}

/** The host lacks something (a tool, a version, disk, permissions). */
export class EnvironmentError extends TfbuildError {
  constructor(message: string, opts: { hint?: string; details?: string[]; cause?: unknown } = {}) {
    super('environment', message, opts);
  }
}

/** A recipe, plan, config or state file is invalid, or a version is unknown. */
export class ConfigError extends TfbuildError {
  constructor(message: string, opts: { hint?: string; details?: string[]; cause?: unknown } = {}) {
    super('config', message, opts);
  }
}

/** Going on would lose or clobber something: a dirty tree, an existing wheel, a patch conflict, a held lock. */
export class ConflictError extends TfbuildError {
  constructor(message: string, opts: { hint?: string; details?: string[]; cause?: unknown } = {}) {
    super('conflict', message, opts);
  }
}

/** An external program failed. Carries the command, exit code and the last lines of its output. */
export class ToolError extends TfbuildError {
  readonly command: string[];
  readonly exitCode_: number | null;
  readonly signal: string | null;
  readonly tail: string[];
  readonly logFile: string | undefined;
  constructor(
    message: string,
    opts: {
      command: string[];
      exitCode?: number | null;
      signal?: string | null;
      tail?: string[];
      hint?: string;
      logFile?: string;
      details?: string[];
      cause?: unknown;
    },
  ) {
    super('tool', message, opts);
    this.command = opts.command;
    this.exitCode_ = opts.exitCode ?? null;
    this.signal = opts.signal ?? null;
    this.tail = opts.tail ?? [];
    this.logFile = opts.logFile;
  }
}

/** The run was interrupted by SIGINT/SIGTERM; state was saved. */
export class InterruptedError extends TfbuildError {
  readonly signal: 'SIGINT' | 'SIGTERM';
  constructor(signal: 'SIGINT' | 'SIGTERM', message: string, hint?: string) {
    super('usage', message, hint === undefined ? {} : { hint });
    this.signal = signal;
  }
  override get exitCode(): number {
    return this.signal === 'SIGINT' ? EXIT_CODES.sigint : EXIT_CODES.sigterm;
  }
}

/**
 * A command whose own report (already written: doctor's checks, verify's findings, patch --check's outcomes) says
 * it failed. Commands throw it instead of setting an exit code; src/cli turns its kind into the exit code and
 * prints nothing more (the report is the message, and a --json report stays one JSON document).
 */
export class ReportedFailure extends TfbuildError {
  constructor(kind: ErrorKind, message: string) {
    super(kind, message);
  }
}

/**
 * Filesystem faults are the user's environment, not tfbuild bugs. Node's fs errors carry `code`, `syscall` and
 * `path`; each code below gets the cause in words and what to do. Anything else is not a filesystem fault (null).
 */
const FS_CAUSES: Record<string, { cause: string; hint: string }> = {
  EACCES: { cause: 'permission denied', hint: 'Fix the permissions (ls -ld the path) or choose a directory you can write (--workdir, --output).' },
  EPERM: { cause: 'operation not permitted', hint: 'Fix the permissions or attributes (lsattr) of the path, or choose another directory.' },
  EROFS: { cause: 'the filesystem is read-only', hint: 'Choose a directory on a writable filesystem (--workdir, --output).' },
  EEXIST: { cause: 'it already exists', hint: 'Move the existing file away, or choose another path.' },
  ENOSPC: { cause: 'no space left on the device', hint: 'Free some space (df -h the path), or point --workdir/--output at a disk with room.' },
  EDQUOT: { cause: 'the disk quota is exhausted', hint: 'Free some space within your quota, or point --workdir/--output elsewhere.' },
  ENOTDIR: { cause: 'a part of the path is a file, not a directory', hint: 'Remove or rename the file that is in the way, or choose another path.' },
  EISDIR: { cause: 'it is a directory where a file was expected', hint: 'Move the directory away, or choose another path.' },
  ELOOP: { cause: 'it is a symbolic link (tfbuild does not follow links here) or a link loop', hint: 'Remove the link; tfbuild creates this file itself.' },
  ENAMETOOLONG: { cause: 'the path is too long', hint: 'Choose a shorter directory.' },
  EMFILE: { cause: 'too many open files', hint: 'Raise the open-file limit (ulimit -n) and run again.' },
  EIO: { cause: 'an I/O error from the device', hint: 'Check the disk (dmesg) and run again.' },
};

const FS_VERBS: Record<string, string> = {
  open: 'open', mkdir: 'create the directory', write: 'write', rename: 'rename', unlink: 'remove', rmdir: 'remove',
  rm: 'remove', copyfile: 'copy to', scandir: 'list', link: 'link', symlink: 'link', access: 'write to', chmod: 'change the mode of',
};

/** The EnvironmentError (exit 3) a filesystem fault becomes, or null when `e` is not one. */
export function classifyFsError(e: unknown, path?: string): EnvironmentError | null {
  if (e instanceof TfbuildError || !(e instanceof Error)) return null;
  const err = e as NodeJS.ErrnoException;
  const known = err.code === undefined ? undefined : FS_CAUSES[err.code];
  if (known === undefined || (err.syscall === undefined && err.path === undefined && path === undefined)) return null;
  const where = path ?? err.path ?? '(unknown path)';
  const verb = FS_VERBS[err.syscall ?? ''] ?? 'use';
  return new EnvironmentError(`Cannot ${verb} ${where}: ${known.cause} (${err.code}).`, { hint: known.hint, cause: e });
}

/** Run `fn`; a filesystem fault it throws becomes exit 3 naming `path`. */
export function withFsErrors<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw classifyFsError(e, path) ?? e;
  }
}
