import { describe, expect, it } from 'vitest';
import { checkWheelForHost, formatWheelRefusal, readWheelPythonTag } from '../../../src/checks/wheel.js';

const AVX2_HOST = ['sse4_1', 'sse4_2', 'avx', 'avx2', 'fma'];
const WHEEL = 'tensorflow-1.4.1-cp311-cp311-linux_x86_64.whl';

describe('checkWheelForHost', () => {
  it('reads the cpXY tag of a wheel name (none for pure-python tags)', () => {
    expect(readWheelPythonTag(WHEEL)).toBe('cp311');
    expect(readWheelPythonTag('tensorflow_cpu-2.17.0-cp39-cp39-manylinux_2_17_x86_64.whl')).toBe('cp39');
    expect(readWheelPythonTag('six-1.16.0-py2.py3-none-any.whl')).toBeNull();
  });

  it('a wheel built for AVX-512 on an AVX2 CPU: lacking avx512f, refused with the Illegal instruction reason', () => {
    const r = checkWheelForHost({ wheelName: WHEEL, info: { cpuFlags: ['avx2', 'avx512f'] }, hostIsa: AVX2_HOST, pythonVersion: '3.11.2' });
    expect(r.compiled).toEqual(expect.arrayContaining(['avx512f', 'avx2', 'avx', 'sse4.2', 'sse4.1']));
    expect(r.lacking).toEqual(['avx512f']);
    expect(formatWheelRefusal(r, 'python3 (3.11.2)')).toEqual([
      'it was compiled for avx512f, which this CPU lacks: import tensorflow would die with "Illegal instruction"',
    ]);
  });

  it('implied extensions count: avx2 on an AVX-only CPU lacks avx2 (and nothing it implies that the CPU has)', () => {
    const r = checkWheelForHost({ wheelName: WHEEL, info: { copts: ['-mavx2'] }, hostIsa: ['sse4_1', 'sse4_2', 'avx'], pythonVersion: '3.11.7' });
    expect(r.lacking).toEqual(['avx2']);
  });

  it('a python tag that differs is a refusal; a matching one with host flags is fine', () => {
    const bad = checkWheelForHost({ wheelName: WHEEL, info: { cpuFlags: ['avx2'] }, hostIsa: AVX2_HOST, pythonVersion: '3.6.9' });
    expect(bad.pythonTag).toEqual({ wheel: 'cp311', python: 'cp36' });
    expect(formatWheelRefusal(bad, '/usr/bin/python3.6 (3.6.9)')).toEqual(['it is built for cp311, but /usr/bin/python3.6 (3.6.9) needs cp36']);
    const ok = checkWheelForHost({ wheelName: WHEEL, info: { cpuFlags: ['avx2', 'fma'] }, hostIsa: AVX2_HOST, pythonVersion: '3.11.2' });
    expect(formatWheelRefusal(ok, 'python3')).toEqual([]);
  });

  it('no build info or -march=native: nothing to refuse on, said in the notes', () => {
    expect(checkWheelForHost({ wheelName: WHEEL, info: null, hostIsa: [], pythonVersion: '3.11.2' }).notes[0]).toMatch(/no build info/);
    expect(checkWheelForHost({ wheelName: WHEEL, info: { cpuFlags: ['native'] }, hostIsa: [], pythonVersion: '3.11.2' }).notes[0]).toMatch(/-march=native/);
  });
});
