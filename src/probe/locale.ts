/** LANG / LC_ALL: old TensorFlow configure scripts (python 2/3 `open()`) break on non-UTF-8 locales. */
import type { LocaleFacts } from './types.js';

export function isUtf8Locale(value: string): boolean {
  return /\.utf-?8(@|$)/i.test(value);
}

/** LC_ALL overrides LC_CTYPE overrides LANG; unset everything means the "C"/POSIX locale, which is not UTF-8. */
export function probeLocale(env: NodeJS.ProcessEnv): LocaleFacts {
  const lang = env.LANG || null;
  const lcAll = env.LC_ALL || null;
  const effective = lcAll ?? env.LC_CTYPE ?? lang ?? 'C';
  return { lang, lcAll, utf8: isUtf8Locale(effective) };
}
