import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cloneArgs, CLONE_ENV } from '../../../src/plan/clone.js';
import { ToolError } from '../../../src/errors.js';
import { cloneTag, dirtyFiles, gitVersion, headCommit, isGitRepo, parseGitVersion, parsePorcelainZ, readHeadAndTag, revParse, tagsAtHead } from '../../../src/tools/git.js';
import { makeFixtureRepo, type FixtureRepo } from '../../helpers/fixture.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { createExec } from '../../../src/exec/index.js';

let tmp: string;
let repo: FixtureRepo;
beforeAll(() => {
  tmp = makeTempDir('tfb-git-');
  repo = makeFixtureRepo('r1.4', { tmp });
});

describe('git adapter on a real fixture repo', () => {
  it('reads the version', async () => {
    expect(await gitVersion()).toMatch(/^\d+\.\d+/);
    expect(parseGitVersion('git version 2.39.5')).toBe('2.39.5');
    expect(parseGitVersion('git version 2.45.1.windows.1')).toBe('2.45.1');
  });

  it('tells a work tree from a plain or missing directory', async () => {
    expect(await isGitRepo(repo.dir)).toBe(true);
    const plain = join(tmp, 'plain');
    mkdirSync(plain);
    expect(await isGitRepo(plain)).toBe(false);
    expect(await isGitRepo(join(tmp, 'missing'))).toBe(false);
  });

  it('reads HEAD, tags at HEAD and resolves tags', async () => {
    expect(await headCommit(repo.dir)).toBe(repo.commit);
    expect(await tagsAtHead(repo.dir)).toEqual(['v1.4.1']);
    // v1.4.0 is an earlier commit, as in TensorFlow.
    const older = await revParse(repo.dir, 'v1.4.0');
    expect(older).toMatch(/^[0-9a-f]{40}$/);
    expect(older).not.toBe(repo.commit);
  });

  it('throws a ToolError with a hint for an unknown ref', async () => {
    const e = await revParse(repo.dir, 'v9.9.9').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).hint).toMatch(/tag --list/);
  });

  it('lists dirty files: modified and untracked count, ignored ones do not', async () => {
    const dir = makeFixtureRepo('2.17', { tmp: join(tmp, 'dirty') }).dir;
    expect(await dirtyFiles(dir)).toEqual([]);
    writeFileSync(join(dir, 'configure.py'), '# edited\n', { flag: 'a' });
    writeFileSync(join(dir, 'notes with space.txt'), 'x');
    // Ignored by the fixture's .gitignore, like a real TF tree after a build.
    writeFileSync(join(dir, '.tf_configure.bazelrc'), 'build --action_env X=1\n');
    mkdirSync(join(dir, 'bazel-out'));
    writeFileSync(join(dir, 'bazel-out', 'x'), '');
    expect((await dirtyFiles(dir)).sort()).toEqual(['configure.py', 'notes with space.txt']);
  });

  it('parses porcelain -z including renames', () => {
    expect(parsePorcelainZ(' M a.txt\0R  new name.py\0old.py\0?? dir/x\0')).toEqual(['a.txt', 'new name.py', 'dir/x']);
    expect(parsePorcelainZ('')).toEqual([]);
  });

  it('clones one tag shallowly from a local bare repo path', async () => {
    const dest = join(tmp, 'clone');
    await cloneTag({ url: repo.bareRepo, tag: 'v1.4.1', cmd: 'git', args: cloneArgs(repo.bareRepo, 'v1.4.1', dest, process.cwd()), env: CLONE_ENV, logFile: join(tmp, 'clone.log') }, createExec());
    expect(await headCommit(dest)).toBe(repo.commit);
    expect(await tagsAtHead(dest)).toEqual(['v1.4.1']);
    // Shallow: only the tagged commit was fetched.
    expect(existsSync(join(dest, '.git', 'shallow'))).toBe(true);
    expect(execFileSync('git', ['-C', dest, 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' }).trim()).toBe('1');
    expect(existsSync(join(dest, 'configure.py'))).toBe(true);
  });

  it('readHeadAndTag: HEAD and the tag in one call; a branch of the same name is not the tag', async () => {
    const dest = join(tmp, 'clone-headtag');
    await cloneTag({ url: repo.bareRepo, tag: 'v1.4.1', cmd: 'git', args: cloneArgs(repo.bareRepo, 'v1.4.1', dest, process.cwd()), env: CLONE_ENV }, createExec());
    expect(await readHeadAndTag(dest, 'v1.4.1')).toEqual({ head: repo.commit, tagCommit: repo.commit });
    expect(await readHeadAndTag(dest, 'v1.4.0')).toEqual({ head: repo.commit, tagCommit: null });
    // `git clone --branch NAME` takes a branch too: HEAD is then at a commit no tag of that name marks.
    execFileSync('git', ['-C', repo.dir, 'branch', 'v9.9-branch', 'HEAD~1']);
    const viaBranch = join(tmp, 'clone-branch');
    await cloneTag({ url: repo.dir, tag: 'v9.9-branch', cmd: 'git', args: cloneArgs(repo.dir, 'v9.9-branch', viaBranch, process.cwd()), env: CLONE_ENV }, createExec());
    const r = await readHeadAndTag(viaBranch, 'v9.9-branch');
    expect(r.head).toMatch(/^[0-9a-f]{40}$/);
    expect(r.tagCommit).toBeNull();
    await expect(readHeadAndTag(join(tmp, 'missing'), 'v1.4.1')).rejects.toBeInstanceOf(ToolError);
  });

  it('a missing tag fails with a ToolError that says how to list the tags', async () => {
    const e = await cloneTag({ url: repo.bareRepo, tag: 'v1.4.9', cmd: 'git', args: cloneArgs(repo.bareRepo, 'v1.4.9', join(tmp, 'nope'), process.cwd()), env: CLONE_ENV }, createExec()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).hint).toMatch(/ls-remote --tags/);
    expect((e as ToolError).tail.join('\n')).toMatch(/v1\.4\.9/);
  });
});
