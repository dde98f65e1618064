/** The r1.4-shaped fixture as a bare git repo with the v1.4.1 tag (what test/helpers/fixture.ts does, for .mjs benches). */
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' };
const git = (cwd, ...a) => execFileSync('git', a, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();

export function makeFixtureRepo(dir) {
  const work = join(dir, 'r1.4-work');
  cpSync(join(ROOT, 'test/fixtures/tfshape/common'), work, { recursive: true });
  cpSync(join(ROOT, 'test/fixtures/tfshape/r1.4'), work, { recursive: true });
  git(work, 'init', '-q', '-b', 'r1.4');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'fixture');
  git(work, 'tag', '-a', 'v1.4.1', '-m', 'v1.4.1');
  git(dir, 'clone', '-q', '--bare', work, join(dir, 'r1.4.git'));
  return join(dir, 'r1.4.git');
}

