/**
 * Temp directories that remove themselves, so `npm test` leaves nothing in /tmp.
 *
 * `makeTempDir(prefix)` creates a fresh dir under os.tmpdir() and schedules its removal:
 * - called inside a test: when that test finishes (`onTestFinished`);
 * - called anywhere else (module scope, `describe`, `beforeAll`): after the test file's last `afterAll`.
 *   vitest silently drops an `afterAll` registered while hooks are running (checked with vitest 4.1), so this
 *   module registers one file-level `afterAll` when it is imported, during collection. Hooks run in stack order
 *   (`sequence.hooks: 'stack'`, the default), so that one runs after the file's own `afterAll` hooks: servers the
 *   file stops there are gone before their directories are removed. Each test file imports its own copy of this
 *   module (`isolate`, the default).
 *
 * A file whose tests are all skipped or filtered out runs no hooks at all, so its module-scope dirs outlive it:
 * every dir is named `tfbt-<run>-<prefix>XXXXXX`, <run> being the id test/global-setup.ts gives the run
 * (TFBUILD_TEST_RUN), and its teardown removes what is left of this run's dirs.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished, TestRunner } from 'vitest';
import { removeTree } from './remove-tree.js';

export { makeDirsWritable, removeTree, stopBazelServersUnder } from './remove-tree.js';

/** Start of the name of every dir made here in this run (test/global-setup.ts looks for it). */
export const TEMP_MARKER = `tfbt-${process.env.TFBUILD_TEST_RUN ?? 'norun'}-`;

const fileScoped = new Set<string>();

afterAll(() => {
  const dirs = [...fileScoped].reverse();
  fileScoped.clear();
  for (const dir of dirs) removeTree(dir);
});

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${TEMP_MARKER}${prefix}`));
  if (TestRunner.getCurrentTest()) onTestFinished(() => removeTree(dir));
  else fileScoped.add(dir);
  return dir;
}

/**
 * A dir shared by every test file of this run, for a cache that is costly to fill (the compiled remote worker):
 * `tfbt-<run>-shared-<key>`, made once, never removed by a file; the run's teardown removes it (quietly).
 */
export function makeRunCacheDir(key: string): string {
  const dir = join(tmpdir(), `${TEMP_MARKER}shared-${key}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
