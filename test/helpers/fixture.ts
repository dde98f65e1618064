/**
 * Materialises the TF-shaped fixture workspaces (test/fixtures/tfshape/{common,<shape>}) as real git repositories:
 * a work tree with the release tags, and a bare clone to use as `--repo URL` (what `git clone --branch TAG` reads).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from './tmp.js';

export type FixtureShape = 'r1.4' | '2.17';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
export const TFSHAPE_DIR = join(ROOT, 'tfshape');

/** Tags per shape; the first is the one a recipe builds by default. */
export const FIXTURE_TAGS: Record<FixtureShape, { tag: string; others: string[]; version: string }> = {
  'r1.4': { tag: 'v1.4.1', others: ['v1.4.0'], version: '1.4.1' },
  '2.17': { tag: 'v2.17.0', others: [], version: '2.17.0' },
};

export interface FixtureRepo {
  /** Path of the bare repository (usable as a clone URL). */
  bareRepo: string;
  /** The default tag, e.g. "v1.4.1". */
  tag: string;
  /** A checked-out work tree at that tag (its own repo, so tests may dirty it). */
  dir: string;
  /** Commit of the tag. */
  commit: string;
  version: string;
}

const GIT_ENV = {
  ...process.env,
  LC_ALL: 'C',
  GIT_AUTHOR_NAME: 'tfshape fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.invalid',
  GIT_COMMITTER_NAME: 'tfshape fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.invalid',
  GIT_AUTHOR_DATE: '2017-11-10T12:00:00Z',
  GIT_COMMITTER_DATE: '2017-11-10T12:00:00Z',
};

/** git with a fixed identity and dates (commits in fixture repos need no user config). */
export function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Copies the shape's files into `dest` (common files first, the shape's overlay on top). */
export function copyFixtureTree(shape: FixtureShape, dest: string): void {
  mkdirSync(dest, { recursive: true });
  cpSync(join(TFSHAPE_DIR, 'common'), dest, { recursive: true });
  cpSync(join(TFSHAPE_DIR, shape), dest, { recursive: true });
}

/**
 * Creates `<tmp>/<shape>-work` (a git repo with the tags) and `<tmp>/<shape>.git` (its bare clone).
 * `tmp` defaults to a fresh directory under the OS temp dir.
 */
export function makeFixtureRepo(shape: FixtureShape, opts: { tmp?: string } = {}): FixtureRepo {
  const tmp = opts.tmp ?? makeTempDir('tfshape-');
  const dir = join(tmp, `${shape}-work`);
  const bareRepo = join(tmp, `${shape}.git`);
  const { tag, others, version } = FIXTURE_TAGS[shape];
  copyFixtureTree(shape, dir);
  git(dir, ['init', '-q', '-b', `r${version.split('.').slice(0, 2).join('.')}`]);
  git(dir, ['add', '-A']);
  // Older tags of the line point at an earlier commit, as in TensorFlow (v1.4.0 before v1.4.1).
  for (const other of others) {
    git(dir, ['commit', '-q', '--allow-empty', '-m', `TensorFlow-shaped fixture ${other}`]);
    git(dir, ['tag', '-a', other, '-m', other]);
  }
  git(dir, ['commit', '-q', '--allow-empty', '-m', `TensorFlow-shaped fixture ${tag}`]);
  git(dir, ['tag', '-a', tag, '-m', tag]);
  const commit = git(dir, ['rev-parse', 'HEAD']);
  git(tmp, ['clone', '-q', '--bare', dir, bareRepo]);
  return { bareRepo, tag, dir, commit, version };
}

/** Path of the fixture recipe for a shape (test/fixtures/recipes/fixture-<shape>.yaml). */
export function fixtureRecipe(shape: FixtureShape): string {
  return join(ROOT, 'recipes', `fixture-${shape}.yaml`);
}
