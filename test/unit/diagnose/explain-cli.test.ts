// Runs the compiled CLI (npm test builds first; built here too when dist lacks the command).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;
const bin = `${root}bin/tfbuild.js`;
const fixture = (f: string): string => `${root}test/fixtures/logs/${f}`;
const tfbuild = (args: string[], input?: string) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input, env: { ...process.env, CI: '1', NO_COLOR: '1' } });

interface ExplainJson {
  log: string | null;
  matches: { id: string; severity: string; step: string; line: string; lineNumber: number; cause: string; fix: string; count: number; lines: { lineNumber: number; text: string }[] }[];
}

describe('tfbuild explain (compiled CLI)', () => {
  beforeAll(() => {
  }, 120_000);

  it('--json on a compile-OOM log: root cause first with line, line number, cause and fix', () => {
    const r = tfbuild(['explain', fixture('compile-oom-cc1plus.log'), '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as ExplainJson;
    expect(j.log).toBe(fixture('compile-oom-cc1plus.log'));
    expect(j.matches.map((m) => m.id)).toEqual(['build-compiler-killed-oom', 'fetch-mirror-404-warning-benign']);
    const lines = readFileSync(fixture('compile-oom-cc1plus.log'), 'utf8').split('\n');
    const first = j.matches[0]!;
    expect(lines[first.lineNumber - 1]).toBe(first.line);
    // The ERROR line with gcc's exit code 4 (internal compiler error) is the first of three matched; the ICE line follows.
    expect(first).toMatchObject({ severity: 'fatal', step: 'bazel-build', count: 3 });
    expect(first.line).toMatch(/Compiling tensorflow\/core\/kernels\/conv_ops\.cc failed: \(Exit 4\)/);
    expect(j.matches[0]?.lines.map((l) => l.text)).toContain('gcc: internal compiler error: Killed (program cc1plus)');
    expect(first.cause).toMatch(/OOM killer/);
    expect(first.fix).toMatch(/fewer parallel jobs/);
  });

  it('prints the same text the pipeline prints, with the log path', () => {
    const r = tfbuild(['explain', fixture('fetch-nasm-dead-mirror.log')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Likely cause: nasm source archive cannot be downloaded/);
    expect(r.stdout).toMatch(/line 8: ERROR: .*no such package '@nasm\/\/'/);
    expect(r.stdout).toContain(`Log: ${fixture('fetch-nasm-dead-mirror.log')}`);
  });

  it('reads stdin for "-"', () => {
    const r = tfbuild(['explain', '-', '--json'], readFileSync(fixture('import-malloc-assertion.log'), 'utf8'));
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as ExplainJson;
    expect(j.log).toBeNull();
    expect(j.matches[0]?.id).toBe('verify-malloc-assertion-at-session');
  });

  it('no known failure: empty matches, exit 0', () => {
    const r = tfbuild(['explain', fixture('no-known-failure.log'), '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as ExplainJson).matches).toEqual([]);
  });

  it('an unreadable log exits 3 naming it; a missing argument exits 2', () => {
    const missing = tfbuild(['explain', '/nonexistent/x.log']);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toContain('cannot read log /nonexistent/x.log');
    expect(missing.stdout).toBe('');
    const noArg = tfbuild(['explain']);
    expect(noArg.status).toBe(2);
    expect(noArg.stderr).toMatch(/missing required argument 'logfile'/);
  });
});
