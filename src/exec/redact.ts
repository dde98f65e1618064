/**
 * Secret redaction for everything tfbuild writes: logs, dry-run lines, error messages, plans and events.
 * Secrets are registered once (remote-cache credentials read from the environment) and replaced by `***`
 * wherever they appear. Userinfo in URLs (`https://user:pass@host`) is masked even when not registered,
 * because a pasted cache URL is the most common way a token leaks.
 */
export const REDACTED = '***';

// scheme://user:password@host — mask the password part only, keep the user for debugging.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):([^\s@/]+)@/gi;

/**
 * The secrets of one run: made by prepare() from the plan's options and environment, passed to what prints or
 * stores (the reporter, the state file, the exec layer). Any non-blank value is masked, however short: a credential
 * of three characters is still a credential.
 */
export class SecretRegistry {
  private readonly values = new Set<string>();
  private ordered: string[] = [];

  constructor(values: Iterable<string> = []) {
    this.addAll(values);
  }

  /** Remember a value that must never be printed. Returns true when it was new. */
  add(value: string | undefined | null): boolean {
    if (value === undefined || value === null) return false;
    const v = value.trim();
    if (v === '' || v === REDACTED || this.values.has(v)) return false;
    this.values.add(v);
    // Longest first, so a secret that contains another is masked whole.
    this.ordered = [...this.values].sort((a, b) => b.length - a.length);
    return true;
  }

  addAll(values: Iterable<string>): this {
    for (const v of values) this.add(v);
    return this;
  }

  get size(): number {
    return this.values.size;
  }

  list(): string[] {
    return [...this.ordered];
  }

  /** Replace every secret and every URL password in `text`. */
  redact(text: string): string {
    let out = text;
    for (const s of this.ordered) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
    }
    if (out.includes('@')) out = out.replace(URL_USERINFO, (_m, head: string) => `${head}:${REDACTED}@`);
    return out;
  }

  /** Deep-redact a JSON-like value (plans, events, build-info, state) before it is written. */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v)) as T;
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.redactValue(v);
      return out as T;
    }
    return value;
  }
}

/**
 * The registry the exec layer masks subprocess output and printed commands with. A build installs its own
 * (prepare's) with useSecrets(); the functions below are the compatible entry points for callers that register
 * values they expand themselves (bazel's `${ENV}` flags, the cache check).
 */
let active = new SecretRegistry();

export function useSecrets(registry: SecretRegistry): void {
  active = registry;
}

export function activeSecrets(): SecretRegistry {
  return active;
}

/** Remember a value that must never be printed. Returns true when it was registered. */
export function registerSecret(value: string | undefined | null): boolean {
  return active.add(value);
}

export function registerSecrets(values: Iterable<string>): void {
  active.addAll(values);
}

/** For tests and for a new build in the same process. */
export function clearSecrets(): void {
  active = new SecretRegistry();
}

/** Replace every registered secret and every URL password in `text`. */
export function redact(text: string): string {
  return active.redact(text);
}

/** Redact each element of an argv array. */
export function redactArgs(args: readonly string[]): string[] {
  return args.map(redact);
}

/** Deep-redact a JSON-like value (plans, events, build-info) before it is written. */
export function redactValue<T>(value: T): T {
  return active.redactValue(value);
}
