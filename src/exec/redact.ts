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
  private sealed = false;

  constructor(values: Iterable<string> = []) {
    this.addAll(values);
  }

  /** A registry no value can be added to (the plain runner's: probes carry no credentials). */
  static sealed(): SecretRegistry {
    const r = new SecretRegistry();
    r.sealed = true;
    return r;
  }

  /** Remember a value that must never be printed. Returns true when it was new. */
  add(value: string | undefined | null): boolean {
    if (this.sealed) throw new Error('internal: a secret was added to the plain runner, which has no run to mask it in');
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
    return maskUrlPasswords(out);
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

/** Mask URL passwords only: what is known without a run's registry (a pasted cache URL is the usual leak). */
export function maskUrlPasswords(text: string): string {
  return text.includes('@') ? text.replace(URL_USERINFO, (_m, head: string) => `${head}:${REDACTED}@`) : text;
}

/**
 * An error leaving a command is masked with that command's registry before src/cli prints it or puts it in the
 * final JSON event: message, hint, details, and a ToolError's command and output tail.
 */
export function redactError(e: unknown, secrets: SecretRegistry): unknown {
  if (!(e instanceof Error) || secrets.size === 0) return e;
  e.message = secrets.redact(e.message);
  const t = e as Error & { hint?: string; details?: unknown; command?: unknown; tail?: unknown };
  if (typeof t.hint === 'string') t.hint = secrets.redact(t.hint);
  for (const k of ['details', 'command', 'tail'] as const) {
    const v = t[k];
    if (Array.isArray(v)) t[k] = v.map((d) => (typeof d === 'string' ? secrets.redact(d) : d));
  }
  return e;
}
