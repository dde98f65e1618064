/** The CLI over this real host (no clang here): gcc for a clang-era recipe on request, unknown CPU flags refused. */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

describe('plan on this host', () => {
  it('plan 2.17 --host-compiler /usr/bin/gcc plans TF_NEED_CLANG=0 with a warning that TF tests clang only', async () => {
    const c = capture();
    expect(await main(['plan', '2.17', '--host-compiler', '/usr/bin/gcc'], c.io)).toBe(0);
    const all = c.out.join('') + c.err.join('');
    expect(all).toMatch(/^\s*TF_NEED_CLANG=0$/m);
    expect(all).not.toContain('CLANG_COMPILER_PATH');
    expect(all).toMatch(/building r2\.17 with gcc \(TF_NEED_CLANG=0\)\. TensorFlow 2\.17 is tested with Clang 17\.0\.6 only/);
  });

  it('--cpu-flags avx2,bogus is exit 2 naming bogus and listing the valid names', async () => {
    const c = capture();
    expect(await main(['plan', '1.4', '--cpu-flags', 'avx2,bogus'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('unknown ISA extension bogus');
    expect(c.err.join('')).toContain('sse4.1, sse4.2, avx, avx2, fma, avx512f, avx512cd, avx512bw, avx512dq, avx512vl, avx512_vnni');
  });
});
