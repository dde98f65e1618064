/**
 * One error taxonomy for the whole program (shared/STYLE.md §11). Only src/cli turns these into exit codes.
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
