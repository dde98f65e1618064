/** `git apply` for unified-diff patches (works in any directory, git repository or not). */
import { formatCommand } from '../exec/format.js';
import { plainExec, type Exec } from '../exec/index.js';

const GIT_ENV = { LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', GIT_TERMINAL_PROMPT: '0' };

export interface GitApplyCheck {
  ok: boolean;
  /** git's reasons, e.g. "error: patch failed: tensorflow/workspace.bzl:12". */
  messages: string[];
}

/** `git apply --check [--reverse] PATCH` in `dir`: would it apply (or, reversed, is it already applied)? */
export async function gitApplyCheck(dir: string, patchFile: string, reverse = false, x: Exec = plainExec): Promise<GitApplyCheck> {
  const r = await x.run({
    cmd: 'git',
    args: ['apply', '--check', ...(reverse ? ['--reverse'] : []), patchFile],
    cwd: dir,
    effect: 'read',
    timeout: 'query',
    env: GIT_ENV,
    reject: false,
  });
  return { ok: r.exitCode === 0, messages: r.stderr.split('\n').filter((l) => l.trim() !== '') };
}

export async function gitApply(dir: string, patchFile: string, x: Exec): Promise<void> {
  await x.run({
    cmd: 'git',
    args: ['apply', patchFile],
    cwd: dir,
    effect: 'write',
    timeout: 'query',
    env: GIT_ENV,
    title: `git apply ${patchFile}`,
    hint: `Check the patch with: ${formatCommand(['git', '-C', dir, 'apply', '--check', patchFile])}`,
  });
}

/** Files a unified diff touches (from its +++ lines). Pure. */
export function readDiffFiles(diff: string): string[] {
  const files = new Set<string>();
  for (const m of diff.matchAll(/^\+\+\+ (?:b\/)?(\S+)/gm)) if (m[1] && m[1] !== '/dev/null') files.add(m[1]);
  return [...files];
}
