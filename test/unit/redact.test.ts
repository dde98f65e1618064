import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, redact, redactValue, registerSecret, SecretRegistry } from '../../src/exec/redact.js';
import { configureExec, formatCommand, run } from '../../src/exec/index.js';
import { ToolError } from '../../src/errors.js';
import { formatError } from '../../src/ui/errors.js';
import { makeTempDir } from '../helpers/tmp.js';

afterEach(() => {
  clearSecrets();
  configureExec({ dryRun: false });
});

describe('redact', () => {
  it('masks registered secrets of any length, longest first; blank values are not secrets', () => {
    registerSecret('abcd');
    registerSecret('abcdefgh');
    expect(registerSecret('ab')).toBe(true);
    expect(registerSecret('   ')).toBe(false);
    expect(redact('x=abcdefgh y=abcd z=ab')).toBe('x=*** y=*** z=***');
  });

  it('a SecretRegistry is its own: one run\'s secrets do not leak into another registry', () => {
    const a = new SecretRegistry(['abc123']);
    const b = new SecretRegistry();
    expect(a.redact('key abc123')).toBe('key ***');
    expect(b.redact('key abc123')).toBe('key abc123');
    expect(a.redactValue({ h: ['x-api-key=abc123'] })).toEqual({ h: ['x-api-key=***'] });
  });

  it('masks URL passwords even when not registered', () => {
    expect(redact('--remote_cache=https://bob:pa55@cache.example:443/x')).toBe('--remote_cache=https://bob:***@cache.example:443/x');
    expect(redact('git@github.com:a/b.git')).toBe('git@github.com:a/b.git');
  });

  it('deep-redacts JSON values', () => {
    registerSecret('tok-123456');
    expect(redactValue({ a: ['Bearer tok-123456'], b: { c: 'tok-123456' }, n: 1 })).toEqual({ a: ['Bearer ***'], b: { c: '***' }, n: 1 });
  });
});

describe('redaction in the exec chokepoint (real processes)', () => {
  it('keeps secrets out of the log file, the tail, captured output and line callbacks', async () => {
    registerSecret('sup3r-secret-token');
    const dir = makeTempDir('redact-');
    const log = join(dir, 'out.log');
    const lines: string[] = [];
    const r = await run({
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
    registerSecret('dry-run-secret');
    const printed: string[] = [];
    configureExec({ dryRun: true, printDryRun: (l) => printed.push(l) });
    await run({ cmd: 'bazel', args: ['build', '--remote_header=Authorization=Bearer dry-run-secret'], effect: 'write', timeout: 'build' });
    expect(printed).toEqual(["bazel build '--remote_header=Authorization=Bearer ***'"]);
    expect(formatCommand(['x', 'dry-run-secret'])).toBe('x ***');
  });

  it('keeps secrets out of tool errors (message, command, rendered error)', async () => {
    registerSecret('err-secret-value');
    const e = await run({
      cmd: 'sh', args: ['-c', 'echo failing with err-secret-value; exit 3', 'err-secret-value'],
      effect: 'read', timeout: 'query', title: 'probe err-secret-value',
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolError);
    const te = e as ToolError;
    expect(JSON.stringify({ m: te.message, c: te.command, t: te.tail })).not.toContain('err-secret-value');
    expect(formatError(te)).not.toContain('err-secret-value');
    expect(formatError(te)).toContain('failing with ***');
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
