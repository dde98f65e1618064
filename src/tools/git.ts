/**
 * git adapter: typed verbs over src/exec. Read-only queries use the `query` timeout; a clone uses `networkGit`
 * (TensorFlow's repository is large even shallow). Every failure is a ToolError with a hint.
 */
import { formatCommand } from '../exec/format.js';
import { plainExec, type Exec, type RunResult } from '../exec/index.js';
import { ToolError } from '../errors.js';

const GIT = 'git';
/** git prints localised messages otherwise; porcelain output is stable but errors are parsed by humans and tests. */
const GIT_ENV = { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' } as const;

/** `git version 2.39.5` → "2.39.5"; null when git is missing. */
export async function gitVersion(x: Exec = plainExec): Promise<string | null> {
  const r = await x.run({ cmd: GIT, args: ['--version'], effect: 'read', timeout: 'versionProbe', env: GIT_ENV, reject: false });
  if (r.spawnError || r.exitCode !== 0) return null;
  return parseGitVersion(r.stdout);
}

export function parseGitVersion(text: string): string | null {
  const m = /git version (\d+\.\d+(?:\.\d+)?)/.exec(text);
  return m?.[1] ?? null;
}

async function gitQuery(x: Exec, dir: string, args: string[], title: string, hint?: string): Promise<RunResult> {
  return x.run({
    cmd: GIT,
    args: ['-C', dir, ...args],
    effect: 'read',
    timeout: 'query',
    env: GIT_ENV,
    title,
    hint: hint ?? `Check that ${dir} is a git checkout (${formatCommand(['git', '-C', dir, 'status'])}).`,
  });
}

/** True when `dir` is inside a git work tree. Never throws for a missing or plain directory. */
export async function isGitRepo(dir: string, x: Exec = plainExec): Promise<boolean> {
  const r = await x.run({
    cmd: GIT,
    args: ['-C', dir, 'rev-parse', '--is-inside-work-tree'],
    effect: 'read',
    timeout: 'query',
    env: GIT_ENV,
    reject: false,
  });
  return r.exitCode === 0 && r.stdout.trim() === 'true';
}

/** Full 40-hex commit of HEAD. */
export async function headCommit(dir: string, x: Exec = plainExec): Promise<string> {
  return revParse(dir, 'HEAD', x);
}

/** `git rev-parse --verify REF^{commit}`: the full commit a ref (tag, branch, sha) points at. */
export async function revParse(dir: string, ref: string, x: Exec = plainExec): Promise<string> {
  const r = await gitQuery(x, dir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], `git rev-parse ${ref}`,
    `"${ref}" is not a commit in ${dir}: check the tag/branch name (git -C ${dir} tag --list).`);
  return r.stdout.trim();
}

/**
 * HEAD's commit and the commit TAG names, in one `git rev-parse` (a fresh clone needs nothing more). The tag's
 * commit is null when no such tag exists (e.g. `git clone --branch` took a branch of that name).
 */
export async function readHeadAndTag(dir: string, tag: string, x: Exec = plainExec): Promise<{ head: string; tagCommit: string | null }> {
  const r = await x.run({
    cmd: GIT,
    args: ['-C', dir, 'rev-parse', 'HEAD', `refs/tags/${tag}^{commit}`],
    effect: 'read',
    timeout: 'query',
    env: GIT_ENV,
    reject: false,
    title: 'git rev-parse HEAD TAG',
  });
  const [head, tagCommit] = splitLines(r.stdout);
  if (head === undefined || !/^[0-9a-f]{40,64}$/.test(head)) {
    throw new ToolError(`git could not read HEAD in ${dir}.`, { command: r.command, exitCode: r.exitCode, tail: r.tail, hint: `Check the checkout: ${formatCommand(['git', '-C', dir, 'status'])}` });
  }
  return { head, tagCommit: r.exitCode === 0 && tagCommit !== undefined && /^[0-9a-f]{40,64}$/.test(tagCommit) ? tagCommit : null };
}

/** Tags pointing at HEAD (annotated or lightweight), sorted. */
export async function tagsAtHead(dir: string, x: Exec = plainExec): Promise<string[]> {
  const r = await gitQuery(x, dir, ['tag', '--points-at', 'HEAD'], 'git tag --points-at HEAD');
  return splitLines(r.stdout).sort();
}

/**
 * Paths with uncommitted changes (tracked modifications, staged files, untracked files that are not ignored).
 * Ignored files (bazel-* symlinks, .tf_configure.bazelrc when ignored) do not count.
 */
export async function dirtyFiles(dir: string, x: Exec = plainExec): Promise<string[]> {
  const r = await gitQuery(x, dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all'], 'git status');
  return parsePorcelainZ(r.stdout);
}

/** Parses `git status --porcelain=v1 -z`: entries are NUL-separated; a rename/copy is followed by its source path. */
export function parsePorcelainZ(text: string): string[] {
  const parts = text.split('\0');
  const files: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i];
    if (!entry || entry.length < 4) continue;
    const xy = entry.slice(0, 2);
    files.push(entry.slice(3));
    if (xy.includes('R') || xy.includes('C')) i++; // skip the "from" path
  }
  return files;
}

export interface CloneTagSpec {
  /** For messages: the repository and tag the command clones. */
  url: string;
  tag: string;
  /** The exact command, as the plan's source step holds it (`git -c … clone --depth 1 --branch TAG -- URL DEST`). */
  cmd: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd?: string;
  logFile?: string;
  signal?: AbortSignal;
}

/** Shallow clone of one tag, exactly as planned. */
export async function cloneTag(spec: CloneTagSpec, x: Exec): Promise<RunResult> {
  return x.run({
    cmd: spec.cmd,
    args: [...spec.args],
    effect: 'write',
    timeout: 'networkGit',
    env: { ...spec.env },
    ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
    capture: false,
    title: `git clone ${spec.tag}`,
    hint: `Check that ${spec.url} is reachable and has the tag ${spec.tag} (${formatCommand(['git', 'ls-remote', '--tags', spec.url])}); ` +
      `remove ${spec.args.at(-1) ?? 'the clone dir'} if a half-finished clone is left.`,
    logFile: spec.logFile,
    signal: spec.signal,
  });
}

function splitLines(s: string): string[] {
  return s.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
}
