/**
 * src/exec's line pump as the bazel adapter uses it (capture off, onLine, logFile): lines and log stay exact across
 * chunk boundaries, CRLF, multi-byte UTF-8, a last line without '\n', interleaved streams, and redaction.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExec, SecretRegistry } from '../../../src/exec/index.js';
import { makeTempDir } from '../../helpers/tmp.js';

const tmp = makeTempDir('tfb-pump-');
const secrets = new SecretRegistry();
const { run } = createExec({ secrets });

async function pump(script: string, logName: string) {
  const lines: string[] = [];
  const logFile = join(tmp, logName);
  const r = await run({
    cmd: process.execPath, args: ['-e', script], effect: 'read', timeout: 30_000, capture: false, logFile,
    onLine: (l, s) => lines.push(`${s}:${l}`),
  });
  return { r, lines, log: readFileSync(logFile, 'utf8') };
}

describe('exec line pump', () => {
  it('keeps lines whole across 64 KiB pipe chunks, with multi-byte characters straddling them', async () => {
    // 200k lines of "€…" (3-byte UTF-8) written in odd-sized pieces so chunk edges fall inside characters and lines.
    const script = `
      let s = ''; for (let i = 0; i < 200000; i++) s += i + ' €uro ' + '€'.repeat(i % 7) + '\\n';
      const b = Buffer.from(s); let o = 0;
      const w = () => { while (o < b.length) { const n = Math.min(4093, b.length - o); const ok = process.stdout.write(b.subarray(o, o + n)); o += n; if (!ok) return process.stdout.once('drain', w); } };
      w();`;
    const { r, lines, log } = await pump(script, 'utf8.log');
    expect(r.exitCode).toBe(0);
    expect(lines).toHaveLength(200000);
    expect(lines[12345]).toBe(`stdout:12345 €uro ${'€'.repeat(12345 % 7)}`);
    expect(lines.every((l, i) => l.startsWith(`stdout:${i} €uro `))).toBe(true);
    expect(log.split('\n')).toHaveLength(200001);
    expect(log.endsWith('199999 €uro €€\n')).toBe(true);
    expect(log).not.toContain('\uFFFD');
  });

  it('ends a last line without newline, strips CR of CRLF, keeps a lone CR', async () => {
    const { lines, log } = await pump(`process.stdout.write('a\\r\\nb\\rc\\nlast')`, 'crlf.log');
    expect(lines).toEqual(['stdout:a', 'stdout:b\rc', 'stdout:last']);
    expect(log).toBe('a\r\nb\rc\nlast\n');
  });

  it('interleaves stdout and stderr line by line in the log (no torn lines)', async () => {
    const script = `for (let i = 0; i < 2000; i++) { process.stdout.write('out ' + i + '\\n'); process.stderr.write('err ' + i + '\\n'); }`;
    const { lines, log } = await pump(script, 'both.log');
    expect(lines.filter((l) => l.startsWith('stdout:'))).toHaveLength(2000);
    expect(lines.filter((l) => l.startsWith('stderr:'))).toHaveLength(2000);
    const logLines = log.trimEnd().split('\n');
    expect(logLines).toHaveLength(4000);
    expect(logLines.every((l) => /^(out|err) \d+$/.test(l))).toBe(true);
  });

  it('redacts registered secrets in lines and in the log', async () => {
    secrets.add('s3cr3t-token-value');
    const { lines, log } = await pump(`console.log('--remote_header=Authorization=Bearer s3cr3t-token-value'); console.log('ok')`, 'secret.log');
    expect(lines).toEqual(['stdout:--remote_header=Authorization=Bearer ***', 'stdout:ok']);
    expect(log).toBe('--remote_header=Authorization=Bearer ***\nok\n');
  });
});
