import { describe, expect, it } from 'vitest';
import { main, rewriteShorthand } from '../../src/cli/main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

describe('cli', () => {
  it('treats a leading version as the build shorthand', () => {
    expect(rewriteShorthand(['r1.4', '--gpu'])).toEqual(['build', 'r1.4', '--gpu']);
    expect(rewriteShorthand(['v1.4.1'])).toEqual(['build', 'v1.4.1']);
    expect(rewriteShorthand(['2.17'])).toEqual(['build', '2.17']);
    expect(rewriteShorthand(['doctor', '1.4'])).toEqual(['doctor', '1.4']);
  });

  it('--help and --version exit 0', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('Usage: tfbuild');
    const v = capture();
    expect(await main(['--version'], v.io)).toBe(0);
    expect(v.out.join('')).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unknown flag is a usage error (exit 2) that names it', async () => {
    const c = capture();
    expect(await main(['--frobnicate'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('--frobnicate');
  });
});
