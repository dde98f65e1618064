import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from '../../../src/util/format.js';
import { sha256File } from '../../../src/util/sha256.js';
import { makeTempDir } from '../../helpers/tmp.js';

describe('formatBytes', () => {
  it('bytes whole, then binary units with one decimal, up to TiB', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(12 * 1024 ** 3)).toBe('12.0 GiB');
    expect(formatBytes(3 * 1024 ** 5)).toBe('3072.0 TiB');
  });
});

describe('formatDuration', () => {
  it('tenths of a second under a minute, then minutes and seconds, then hours and minutes', () => {
    expect(formatDuration(0)).toBe('0.0s');
    expect(formatDuration(3_240)).toBe('3.2s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration((3 * 3600 + 60 * 7) * 1000)).toBe('3h07m');
  });
});

describe('sha256File', () => {
  it('hashes the file\'s bytes', async () => {
    const f = join(makeTempDir('tfb-sha-'), 'x');
    writeFileSync(f, 'abc');
    expect(await sha256File(f)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
