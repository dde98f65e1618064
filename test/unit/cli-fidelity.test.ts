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
    // --yes: this host's bazel (4.2.3) is outside 2.17's range, and the run would first download 6.5.0.
    expect(await main(['plan', '2.17', '--host-compiler', '/usr/bin/gcc', '--yes'], c.io)).toBe(0);
    const all = c.out.join('') + c.err.join('');
    expect(all).toMatch(/^\s*TF_NEED_CLANG=0$/m);
    expect(all).not.toContain('CLANG_COMPILER_PATH');
    expect(all).toMatch(/building r2\.17 with gcc \(TF_NEED_CLANG=0\)\. TensorFlow 2\.17 is tested with Clang 17\.0\.6 only/);
  });

  it('headless without --yes, a bazel download the run would need is refused (exit 3) in the same message as the rest', async () => {
    const c = capture();
    expect(await main(['plan', '2.17', '--host-compiler', '/usr/bin/gcc'], c.io)).toBe(3);
    expect(c.err.join('')).toMatch(/r2\.17 needs bazel >=6\.5\.0 <7\.0\.0; this host has bazel 4\.2\.3 at \/usr\/bin\/bazel: it would first download bazel 6\.5\.0 \(sha256-verified\) into tfbuild's cache/);
    expect(c.err.join('')).toMatch(/Pass --yes to let tfbuild download it, or rerun with --bazel PATH/);
  });

  it('--cpu-flags avx2,bogus is exit 2 naming bogus and listing the valid names', async () => {
    const c = capture();
    expect(await main(['plan', '1.4', '--cpu-flags', 'avx2,bogus'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('unknown ISA extension bogus');
    expect(c.err.join('')).toContain('sse4.1, sse4.2, avx, avx2, fma, avx512f, avx512cd, avx512bw, avx512dq, avx512vl, avx512_vnni');
  });
});
