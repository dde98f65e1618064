/** The source step's clone command (pure): shallow, one tag, into a partial dir that the step renames when done. */
import { isAbsolute, resolve } from 'node:path';

/** git's messages untranslated (the step reads them), and never a credential prompt on a terminal nobody watches. */
export const CLONE_ENV: Readonly<Record<string, string>> = { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' };

/** A plain path becomes file://, so git honours --depth (it ignores it for local paths, with a warning). */
export function toCloneUrl(repo: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[^/]+@[^:]+:/.test(repo)) return repo;
  return `file://${isAbsolute(repo) ? repo : resolve(cwd, repo)}`;
}

/** `git -c advice.detachedHead=false clone --depth 1 --branch TAG -- URL DEST`. */
export function cloneArgs(repo: string, tag: string, dest: string, cwd: string): string[] {
  return ['-c', 'advice.detachedHead=false', 'clone', '--depth', '1', '--branch', tag, '--', toCloneUrl(repo, cwd), dest];
}
