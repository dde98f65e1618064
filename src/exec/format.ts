/**
 * Render argv (and env/cwd) as a copy-pasteable POSIX shell line. URL passwords are masked here; a run's registered
 * secrets are masked by whoever prints it with that run's registry (the runner, the reporter, the command's errors).
 */
import { maskUrlPasswords } from './redact.js';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(s: string): string {
  if (s !== '' && SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(
  argv: readonly string[],
  opts: { cwd?: string | undefined; env?: Record<string, string | undefined> | undefined } = {},
): string {
  const envPart = Object.entries(opts.env ?? {})
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${shellQuote(v)}`);
  const line = [...envPart, ...argv.map(shellQuote)].join(' ');
  return maskUrlPasswords(opts.cwd ? `(cd ${shellQuote(opts.cwd)} && ${line})` : line);
}
