/**
 * Build dist/ once before any test runs, so tests that drive the compiled CLI (`node bin/tfbuild.js`) never race a
 * rebuild. `npm test` also builds first; this covers `npx vitest` runs.
 *
 * Also a leak guard. Every test temp dir (test/helpers/tmp.ts) is named `tfbt-<run>-…` after this run's id, which
 * the workers inherit through the environment. At teardown:
 * - processes still running in this run's dirs (a bazel server, nginx, a tmux pane) are listed as a warning;
 * - this run's dirs still there are removed (bazel servers inside stopped first) with a one-line note: a test
 *   file whose tests were all skipped or filtered out (`-t`, no podman) runs no afterAll, and a crashed worker none;
 * - new `tfbuild-*` entries (the CLI's own temp dirs) are listed as a warning, but not removed: they may belong to
 *   another run on the same machine.
 * It warns rather than fails for that reason; a test whose cleanup throws fails by itself, and
 * test/unit/tmp-hygiene.test.ts keeps raw mkdtemp out of test/.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeTree } from './helpers/remove-tree.js';

export default function setup(): () => void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const run = process.env.TFBUILD_TEST_RUN ?? randomBytes(3).toString('hex');
  process.env.TFBUILD_TEST_RUN = run;
  const before = new Set(listTmp());
  if (process.env.TFBUILD_SKIP_BUILD !== '1') {
    // tsc for dist/, then esbuild for dist/bundle, which bin/tfbuild.js runs: a stale bundle would test old code.
    try {
      execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
    } catch {
      // tsc still emits on type errors; `npm run typecheck` is where they fail the run.
    }
    try {
      execFileSync('npm', ['run', 'bundle', '--silent'], { cwd: root, stdio: 'pipe' });
    } catch (e) {
      throw new Error(`npm run bundle failed: ${(e as { stderr?: Buffer }).stderr?.toString() ?? String(e)}`);
    }
  }
  return () => {
    const ours = `tfbt-${run}-`;
    const now = listTmp();
    const left = now.filter((n) => n.startsWith(ours));
    // Run-wide caches (makeRunCacheDir) outlive every file by design: removed here without a note.
    const shared = left.filter((n) => n.startsWith(`${ours}shared-`));
    const cli = now.filter((n) => n.startsWith('tfbuild-') && !before.has(n));
    const procs = findProcessesMentioning(join(tmpdir(), ours));
    const list = (names: string[]) => [...names.slice(0, 20).map((n) => `  ${join(tmpdir(), n)}`), ...(names.length > 20 ? [`  … and ${names.length - 20} more`] : [])];
    const lines: string[] = [];
    if (procs.length > 0) {
      lines.push(`warning: ${procs.length} process(es) started by this test run still run in its temp dirs (stop them in afterAll):`);
      lines.push(...procs.map((p) => `  pid ${p.pid}: ${p.cmd.slice(0, 200)}`));
    }
    for (const n of left) removeTree(join(tmpdir(), n));
    const stray = left.filter((n) => !shared.includes(n));
    if (stray.length > 0) lines.push(`note: removed ${stray.length} temp dir(s) of this run that no afterAll reached (skipped or filtered test files):`, ...list(stray));
    if (cli.length > 0) lines.push(`warning: ${cli.length} new tfbuild-* entr${cli.length === 1 ? 'y' : 'ies'} in ${tmpdir()} (tfbuild's own temp dirs, or another run's):`, ...list(cli));
    if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
  };
}

function listTmp(): string[] {
  try {
    return readdirSync(tmpdir());
  } catch {
    return [];
  }
}

function findProcessesMentioning(needle: string): Array<{ pid: number; cmd: string }> {
  const out: Array<{ pid: number; cmd: string }> = [];
  for (const d of listProc()) {
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (cmd.includes(needle) && !/\) Z /.test(readFileSync(`/proc/${d}/stat`, 'utf8'))) out.push({ pid: Number(d), cmd });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function listProc(): string[] {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid);
  } catch {
    return []; // not Linux
  }
}
