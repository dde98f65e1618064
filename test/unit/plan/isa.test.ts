import { describe, expect, it } from 'vitest';
import { TfbuildError } from '../../../src/errors.js';
import { resolveCpuFlags } from '../../../src/plan/cpu-flags.js';
import { findIsa, ISA_TABLE, TF_ISA_FLAGS } from '../../../src/plan/isa.js';

describe('the ISA table', () => {
  it('has one row per cpuinfo flag tfbuild probes, with the compiler macro and guard name', () => {
    expect(ISA_TABLE.map((e) => e.cpuinfo)).toEqual([...TF_ISA_FLAGS]);
    expect(findIsa('avx512_vnni')).toMatchObject({ copt: { gcc: '-mavx512vnni', clang: '-mavx512vnni' }, macro: '__AVX512VNNI__', guard: 'AVX512_VNNI' });
    expect(findIsa('SSE4.2')).toMatchObject({ cpuinfo: 'sse4_2', macro: '__SSE4_2__', guard: 'SSE4.2' });
    expect(['sse4_2', '-mavx512vnni', 'AVX512-VNNI', 'fma3'].map((s) => findIsa(s)?.name)).toEqual(['sse4.2', 'avx512_vnni', 'avx512_vnni', 'fma']);
    expect(findIsa('avx9')).toBeUndefined();
  });
});

describe('--cpu-flags through the table', () => {
  it('an unknown name is a usage error (exit 2) listing the valid ones', () => {
    let err: unknown;
    try {
      resolveCpuFlags(['avx2', 'bogus'], ['avx2']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TfbuildError);
    expect((err as TfbuildError).exitCode).toBe(2);
    expect((err as TfbuildError).message).toContain('bogus');
    expect((err as TfbuildError).message).not.toContain('avx2,');
    expect((err as TfbuildError).hint).toContain('sse4.2, avx, avx2, fma, avx512f');
  });

  it('spells avx512_vnni as gcc and clang do', () => {
    expect(resolveCpuFlags(['avx512_vnni'], ['avx512_vnni'], { kind: 'gcc', version: '12.2.0' }).copts).toEqual(['-mavx512vnni']);
    expect(resolveCpuFlags(['avx512vnni'], ['avx512_vnni'], { kind: 'clang', version: '17.0.6' }).copts).toEqual(['-mavx512vnni']);
  });

  it('auto for r1.4 with gcc 4.8 drops avx512f with a note; gcc 4.9 keeps it', () => {
    const host = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f'];
    const old = resolveCpuFlags('auto', host, { kind: 'gcc', version: '4.8.5' });
    expect(old.copts).toEqual(['-msse4.2', '-mavx', '-mavx2', '-mfma']);
    expect(old.dropped).toEqual(['avx512f']);
    expect(old.notes).toEqual(['avx512f left out: gcc 4.8.5 does not know -mavx512f (added in gcc 4.9.0).']);
    expect(resolveCpuFlags('auto', host, { kind: 'gcc', version: '4.9.4' }).copts).toContain('-mavx512f');
    // Unknown compiler release: nothing is dropped (the compiler is the authority).
    expect(resolveCpuFlags('auto', host, { kind: 'gcc', version: null }).dropped).toEqual([]);
  });

  it('a listed flag the compiler release lacks is dropped too (clang 5 has no VNNI)', () => {
    const r = resolveCpuFlags(['avx2', 'avx512_vnni'], ['avx2'], { kind: 'clang', version: '5.0.2' });
    expect(r.copts).toEqual(['-mavx2']);
    expect(r.notes[0]).toMatch(/avx512_vnni left out: clang 5\.0\.2 does not know -mavx512vnni \(added in clang 6\.0\.0\)/);
  });
});
