import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskUrlPasswords, redactError, SecretRegistry } from '../../src/exec/redact.js';
import { createExec, formatCommand, plainExec } from '../../src/exec/index.js';
import { ConfigError, ToolError } from '../../src/errors.js';
import { formatError } from '../../src/ui/errors.js';
import { makeTempDir } from '../helpers/tmp.js';

describe('redact', () => {
  it('masks registered secrets of any length, longest first; blank values are not secrets', () => {
    const r = new SecretRegistry();
    r.add('abcd');
    r.add('abcdefgh');
    expect(r.add('ab')).toBe(true);
    expect(r.add('   ')).toBe(false);
    expect(r.redact('x=abcdefgh y=abcd z=ab')).toBe('x=*** y=*** z=***');
  });

  it('a SecretRegistry is its own: one run\'s secrets do not leak into another registry', () => {
    const a = new SecretRegistry(['abc123']);
    const b = new SecretRegistry();
    expect(a.redact('key abc123')).toBe('key ***');
    expect(b.redact('key abc123')).toBe('key abc123');
    expect(a.redactValue({ h: ['x-api-key=abc123'] })).toEqual({ h: ['x-api-key=***'] });
  });

  it('masks URL passwords even when not registered', () => {
    expect(maskUrlPasswords('--remote_cache=https://bob:pa55@cache.example:443/x')).toBe('--remote_cache=https://bob:***@cache.example:443/x');
    expect(new SecretRegistry().redact('https://bob:pa55@h')).toBe('https://bob:***@h');
    expect(maskUrlPasswords('git@github.com:a/b.git')).toBe('git@github.com:a/b.git');
    expect(formatCommand(['curl', 'https://u:pw@h/x'])).toBe('curl https://u:***@h/x');
  });

  it('deep-redacts JSON values', () => {
    const r = new SecretRegistry(['tok-123456']);
    expect(r.redactValue({ a: ['Bearer tok-123456'], b: { c: 'tok-123456' }, n: 1 })).toEqual({ a: ['Bearer ***'], b: { c: '***' }, n: 1 });
  });

  it('the plain runner\'s registry takes no secrets: nothing can register one process-wide', () => {
    expect(() => plainExec.secrets.add('global-secret')).toThrow(/plain runner/);
    expect(plainExec.secrets.size).toBe(0);
  });

  it('redactError masks message, hint, details, command and tail of the error leaving a command', () => {
    const r = new SecretRegistry(['hunter2-pw']);
    const te = new ToolError('bazel failed with hunter2-pw', { command: ['bazel', '--x=hunter2-pw'], tail: ['saw hunter2-pw'], hint: 'drop hunter2-pw', details: ['d hunter2-pw'] });
    expect(redactError(te, r)).toBe(te);
    expect(JSON.stringify({ m: te.message, c: te.command, t: te.tail, h: te.hint, d: te.details })).not.toContain('hunter2-pw');
    const ce = redactError(new ConfigError('header hunter2-pw'), r) as ConfigError;
    expect(formatError(ce)).toBe('tfbuild: header ***\n');
  });
});

describe('redaction in the exec chokepoint (real processes)', () => {
  it('keeps secrets out of the log file, the tail, captured output and line callbacks', async () => {
    const x = createExec({ secrets: new SecretRegistry(['sup3r-secret-token']) });
    const dir = makeTempDir('redact-');
    const log = join(dir, 'out.log');
    const lines: string[] = [];
    const r = await x.run({
      cmd: 'sh', args: ['-c', 'echo "header: Bearer sup3r-secret-token"; echo "err sup3r-secret-token" >&2'],
      effect: 'read', timeout: 'query', logFile: log, onLine: (l) => lines.push(l),
    });
    const text = readFileSync(log, 'utf8');
    expect(text).toContain('header: Bearer ***');
    expect(text).not.toContain('sup3r-secret-token');
    expect(r.stdout + r.stderr + r.tail.join('\n') + lines.join('\n')).not.toContain('sup3r-secret-token');
    expect(lines).toContain('err ***');
  });

  it('prints dry-run writes with secrets masked', async () => {
    const printed: string[] = [];
    const x = createExec({ dryRun: true, printDryRun: (l) => printed.push(l), secrets: new SecretRegistry(['dry-run-secret']) });
    await x.run({ cmd: 'bazel', args: ['build', '--remote_header=Authorization=Bearer dry-run-secret'], effect: 'write', timeout: 'build' });
    x.printDryRun('# then: x dry-run-secret');
    expect(printed).toEqual(["bazel build '--remote_header=Authorization=Bearer ***'", '# then: x ***']);
  });

  it('keeps secrets out of tool errors (message, command, rendered error)', async () => {
    const x = createExec({ secrets: new SecretRegistry(['err-secret-value']) });
    const e = await x.run({
      cmd: 'sh', args: ['-c', 'echo failing with err-secret-value; exit 3', 'err-secret-value'],
      effect: 'read', timeout: 'query', title: 'probe err-secret-value',
    }).catch((y: unknown) => y);
    expect(e).toBeInstanceOf(ToolError);
    const te = e as ToolError;
    expect(JSON.stringify({ m: te.message, c: te.command, t: te.tail })).not.toContain('err-secret-value');
    expect(formatError(te)).not.toContain('err-secret-value');
    expect(formatError(te)).toContain('failing with ***');
  });
});

describe('two runners in one process share nothing but the live-children list', () => {
  it('each keeps its own dry-run, secrets, transform and spawn record, also when used at the same time', async () => {
    const dir = makeTempDir('two-runners-');
    const printedA: string[] = [];
    const spawnedA: string[][] = [];
    const spawnedB: string[][] = [];
    const a = createExec({ dryRun: true, printDryRun: (l) => printedA.push(l), secrets: new SecretRegistry(['alpha-secret']), onSpawn: (c) => spawnedA.push(c) });
    const b = createExec({ secrets: new SecretRegistry(['beta-secret']), onSpawn: (c) => spawnedB.push(c) });
    const inBox = b.withTransform((s) => ({ ...s, cmd: 'env', args: ['BOXED=1', s.cmd, ...s.args] }));
    const fileA = join(dir, 'written-by-a');
    const fileB = join(dir, 'written-by-b');
    const echo = 'echo alpha-secret beta-secret';
    const [wa, wb, ra, rb, rBox] = await Promise.all([
      a.run({ cmd: 'touch', args: [fileA], effect: 'write', timeout: 'query' }),
      b.run({ cmd: 'touch', args: [fileB], effect: 'write', timeout: 'query' }),
      a.run({ cmd: 'sh', args: ['-c', echo], effect: 'read', timeout: 'query' }),
      b.run({ cmd: 'sh', args: ['-c', echo], effect: 'read', timeout: 'query' }),
      inBox.run({ cmd: 'sh', args: ['-c', 'echo $BOXED beta-secret'], effect: 'read', timeout: 'query' }),
    ]);
    // a is a dry run: its write was printed, not run; b really wrote.
    expect(wa.dryRun).toBe(true);
    expect(existsSync(fileA)).toBe(false);
    expect(printedA).toEqual([`touch ${fileA}`]);
    expect(wb.dryRun).toBe(false);
    expect(existsSync(fileB)).toBe(true);
    // Each masks its own secret only.
    expect(ra.stdout).toBe('*** beta-secret');
    expect(rb.stdout).toBe('alpha-secret ***');
    // The wrapped runner runs through its transform and keeps b's secrets; b itself is untransformed.
    expect(rBox.stdout).toBe('1 ***');
    expect(inBox.elsewhere).toBe(true);
    expect(b.elsewhere).toBe(false);
    expect(inBox.secrets).toBe(b.secrets);
    // Each records only its own processes (a's dry-run write never started).
    expect(spawnedA).toEqual([['sh', '-c', echo]]);
    expect(spawnedB.map((c) => c[0])).toEqual(['touch', 'sh', 'env']);
    // A runner made afterwards is untouched by both.
    const c = createExec();
    expect(c.dryRun).toBe(false);
    expect((await c.run({ cmd: 'sh', args: ['-c', echo], effect: 'read', timeout: 'query' })).stdout).toBe('alpha-secret beta-secret');
  });
});

describe('findRemoteSecrets: what a run must mask', () => {
  it('literal header values and URL passwords of any length, the values of ${ENV} references and TFBUILD_REMOTE_*', async () => {
    const { findRemoteSecrets } = await import('../../src/plan/remote.js');
    const found = findRemoteSecrets(
      { remoteCache: 'https://ci:pw9@cache.lan', remoteExecutor: 'grpcs://u:${EXEC_PW}@exec.lan', remoteHeaders: ['x-api-key=abc', 'Authorization=Bearer ${TOK}'] },
      { EXEC_PW: 'exec-pw', TOK: 't0k', TFBUILD_REMOTE_HEADER_X_KEY: 'hdr-val', UNRELATED: 'nope' },
    );
    expect(found.sort()).toEqual(['Bearer t0k', 'abc', 'exec-pw', 'hdr-val', 'pw9', 't0k'].sort());
    const reg = new SecretRegistry(found);
    expect(reg.redact('--remote_header=Authorization=Bearer t0k x-api-key=abc')).toBe('--remote_header=Authorization=*** x-api-key=***');
  });
});
