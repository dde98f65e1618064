/**
 * Secret redaction for everything tfbuild writes: logs, dry-run lines, error messages, plans and events.
 * Secrets are registered once (remote-cache credentials read from the environment) and replaced by `***`
 * wherever they appear. Userinfo in URLs (`https://user:pass@host`) is masked even when not registered,
 * because a pasted cache URL is the most common way a token leaks.
 */
export const REDACTED = '***';

/** Values shorter than this are not registered: masking "1" or "on" everywhere would garble output. */
const MIN_SECRET_LENGTH = 4;

const secrets = new Set<string>();
let ordered: string[] = [];

/** Remember a value that must never be printed. Returns true when it was registered. */
export function registerSecret(value: string | undefined | null): boolean {
  if (value === undefined || value === null) return false;
  const v = value.trim();
  if (v.length < MIN_SECRET_LENGTH || secrets.has(v)) return false;
  secrets.add(v);
  // Longest first, so a secret that contains another is masked whole.
  ordered = [...secrets].sort((a, b) => b.length - a.length);
  return true;
}

export function registerSecrets(values: Iterable<string>): void {
  for (const v of values) registerSecret(v);
}

/** For tests and for a new build in the same process. */
export function clearSecrets(): void {
  secrets.clear();
  ordered = [];
}

// scheme://user:password@host — mask the password part only, keep the user for debugging.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):([^\s@/]+)@/gi;

/** Replace every registered secret and every URL password in `text`. */
export function redact(text: string): string {
  let out = text;
  for (const s of ordered) {
    if (out.includes(s)) out = out.split(s).join(REDACTED);
  }
  if (out.includes('@')) out = out.replace(URL_USERINFO, (_m, head: string) => `${head}:${REDACTED}@`);
  return out;
}

/** Redact each element of an argv array. */
export function redactArgs(args: readonly string[]): string[] {
  return args.map(redact);
}

/** Deep-redact a JSON-like value (plans, events, build-info) before it is written. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactValue(v);
    return out as T;
  }
  return value;
}
