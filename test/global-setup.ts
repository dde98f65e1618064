/**
 * Build dist/ once before any test runs, so tests that drive the compiled CLI (`node bin/tfbuild.js`) never race a
 * rebuild. `npm test` also builds first; this covers `npx vitest` runs.
 *
 * Also a leak guard: every test temp dir (test/helpers/tmp.ts) is named `tfbt-<run>-…` after this run's id, which
 * the workers inherit through the environment. At teardown, the run's dirs still in os.tmpdir(), new `tfbuild-*`
 * entries (the CLI's own temp dirs) and bazel servers still running under the run's dirs are listed as a warning.
 * It warns rather than fails: `tfbuild-*` entries may come from another run on the same machine, and a test that
 * failed to clean up has already failed (test/unit/tmp-hygiene.test.ts keeps raw mkdtemp out of test/).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): () => void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const run = process.env.TFBUILD_TEST_RUN ?? randomBytes(3).toString('hex');
  process.env.TFBUILD_TEST_RUN = run;
  const before = new Set(listTmp());
  if (process.env.TFBUILD_SKIP_BUILD !== '1') {
    try {
      execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
    } catch {
      // tsc still emits on type errors; `npm run typecheck` is where they fail the run.
    }
  }
  return () => {
    const ours = `tfbt-${run}-`;
    const now = listTmp();
    const left = now.filter((n) => n.startsWith(ours));
    const cli = now.filter((n) => n.startsWith('tfbuild-') && !before.has(n));
    const procs = findProcessesMentioning(join(tmpdir(), ours));
    const lines: string[] = [];
    const list = (names: string[]) => [...names.slice(0, 40).map((n) => `  ${join(tmpdir(), n)}`), ...(names.length > 40 ? [`  … and ${names.length - 40} more`] : [])];
    if (left.length > 0) lines.push(`warning: this test run left ${left.length} temp dir(s) behind:`, ...list(left));
    if (procs.length > 0) lines.push(`warning: ${procs.length} process(es) started by this test run still run in its temp dirs:`, ...procs.map((p) => `  pid ${p.pid}: ${p.cmd.slice(0, 200)}`));
    if (left.length + procs.length > 0) lines.push('  Make temp dirs with makeTempDir() (test/helpers/tmp.ts); stop servers in afterAll.');
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
