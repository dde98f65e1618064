import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExec, formatCommand, which } from '../../../src/exec/index.js';
import { InterruptedError, ToolError } from '../../../src/errors.js';
import { makeTempDir } from '../../helpers/tmp.js';

const { run } = createExec();

describe('exec.run', () => {
  it('runs a real program and captures lines from both streams', async () => {
    const r = await run({ cmd: 'sh', args: ['-c', 'echo out1; echo err1 >&2; echo out2'], effect: 'read', timeout: 'query' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('out1\nout2');
    expect(r.stderr).toBe('err1');
    expect(r.tail).toHaveLength(3);
  });

  it('closes stdin so a prompting child sees EOF instead of hanging', async () => {
    const r = await run({ cmd: 'sh', args: ['-c', 'read x || echo eof'], effect: 'read', timeout: 5_000 });
    expect(r.stdout).toBe('eof');
  });

  it('throws ToolError with the command, exit code, tail and hint', async () => {
    const err = await run({ cmd: 'sh', args: ['-c', 'echo boom >&2; exit 7'], effect: 'read', timeout: 'query', hint: 'do X' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    const te = err as ToolError;
    expect(te.exitCode_).toBe(7);
    expect(te.tail).toEqual(['boom']);
    expect(te.hint).toBe('do X');
    expect(te.exitCode).toBe(5);
  });

  it('reports a missing program as a spawn error, not a crash', async () => {
    const r = await run({ cmd: '/nonexistent/prog', args: [], effect: 'read', timeout: 'query', reject: false });
    expect(r.spawnError).toBeTruthy();
  });

  it('kills the whole process tree on timeout', async () => {
    const dir = makeTempDir('exec-');
    const marker = join(dir, 'grandchild-survived');
    const started = Date.now();
    const r = await run({
      cmd: 'sh',
      args: ['-c', `(sleep 2; touch ${marker}) & sleep 30`],
      effect: 'read',
      timeout: 300,
      reject: false,
    });
    expect(r.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    await new Promise((res) => setTimeout(res, 2_500));
    expect(existsSync(marker)).toBe(false);
  });

  it('cancels on abort with InterruptedError', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    await expect(run({ cmd: 'sleep', args: ['30'], effect: 'read', timeout: 'build', signal: ac.signal })).rejects.toBeInstanceOf(InterruptedError);
  });

  it('tees output to a log file and streams lines without capturing', async () => {
    const dir = makeTempDir('exec-');
    const log = join(dir, 'logs', 'run.log');
    const seen: string[] = [];
    const r = await run({
      cmd: 'sh', args: ['-c', 'for i in 1 2 3; do echo line$i; done'], effect: 'read', timeout: 'query',
      logFile: log, capture: false, onLine: (l) => seen.push(l),
    });
    expect(r.stdout).toBe('');
    expect(seen).toEqual(['line1', 'line2', 'line3']);
    expect(readFileSync(log, 'utf8')).toBe('line1\nline2\nline3\n');
  });

  it('under dry-run prints writes without running them, and still runs reads', async () => {
    const dir = makeTempDir('exec-');
    const printed: string[] = [];
    const dry = createExec({ dryRun: true, printDryRun: (l) => printed.push(l) });
    const w = await dry.run({ cmd: 'touch', args: [join(dir, 'a file')], effect: 'write', timeout: 'query', env: { LC_ALL: 'C.UTF-8' }, cwd: dir });
    expect(w.dryRun).toBe(true);
    expect(existsSync(join(dir, 'a file'))).toBe(false);
    expect(printed[0]).toBe(`(cd ${dir} && LC_ALL=C.UTF-8 touch '${join(dir, 'a file')}')`);
    const r = await dry.run({ cmd: 'echo', args: ['hi'], effect: 'read', timeout: 'query' });
    expect(r.stdout).toBe('hi');
  });
});

describe('formatCommand / which', () => {
  it('quotes for a POSIX shell', () => {
    expect(formatCommand(['bazel', 'build', "--copt=it's", 'a b'])).toBe(`bazel build '--copt=it'\\''s' 'a b'`);
  });
  it('finds programs on PATH without spawning', () => {
    expect(which('sh')).toMatch(/\/sh$/);
    expect(which('definitely-not-a-program-xyz')).toBeNull();
  });
});

describe('exec line pump memory bound', () => {
  it('cuts output that never prints a newline into 1 MiB lines instead of holding it all', async () => {
    const lengths: number[] = [];
    const r = await run({
      cmd: process.execPath,
      args: ['-e', "const b = Buffer.alloc(1 << 16, 120); for (let i = 0; i < 48; i++) process.stdout.write(b)"],
      effect: 'read', timeout: 'query', capture: false, onLine: (l) => lengths.push(l.length),
    });
    expect(r.exitCode).toBe(0);
    // 3 MiB without a newline: cut once 1 MiB is pending (plus at most one pipe read), never held whole.
    expect(lengths.length).toBeGreaterThanOrEqual(3);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(3 << 20);
    for (const n of lengths) expect(n).toBeLessThanOrEqual((1 << 20) + (1 << 17));
  });
});
