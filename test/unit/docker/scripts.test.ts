// Runs the image scripts' shell for real (dash, like Ubuntu's /bin/sh): syntax, and fetch()'s checksum gate.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/tmp.js';

const dir = new URL('../../../docker/scripts/', import.meta.url).pathname;
const sh = existsSync('/bin/dash') ? '/bin/dash' : '/bin/sh';

function fetchWith(url: string, sum: string, dest: string) {
  return spawnSync(sh, ['-c', `. ${dir}lib.sh && fetch "$1" "$2" "$3" BAZEL_SHA256 && echo fetched`, 'sh', url, sum, dest], { encoding: 'utf8' });
}

describe('docker/scripts', () => {
  it('all parse as POSIX sh', () => {
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.sh'))) {
      expect(() => execFileSync(sh, ['-n', join(dir, f)]), f).not.toThrow();
    }
  });

  it('fetch refuses a download without a checksum, naming the build-arg', () => {
    const tmp = makeTempDir('tfb-fetch-');
    const r = fetchWith('https://example.invalid/bazel', '', join(tmp, 'b'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no sha256 is known for https:\/\/example\.invalid\/bazel/);
    expect(r.stderr).toMatch(/--build-arg BAZEL_SHA256=<sha256>/);
    expect(existsSync(join(tmp, 'b'))).toBe(false);
  });

  it('fetch deletes a file whose sha256 does not match, and keeps one that does', () => {
    const tmp = makeTempDir('tfb-fetch-');
    const src = join(tmp, 'src.bin');
    writeFileSync(src, 'bazel bytes\n');
    const good = createHash('sha256').update('bazel bytes\n').digest('hex');
    const bad = fetchWith(`file://${src}`, 'f'.repeat(64), join(tmp, 'bad'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`got ${good}`);
    expect(existsSync(join(tmp, 'bad'))).toBe(false);
    const ok = fetchWith(`file://${src}`, good, join(tmp, 'ok'));
    expect(ok.stdout.trim()).toBe('fetched');
    expect(existsSync(join(tmp, 'ok'))).toBe(true);
  });

  it('install-bazel.sh rejects an unknown kind, and removes its temp dir on the way out', () => {
    const tmp = makeTempDir('tfb-install-bazel-');
    const r = spawnSync(sh, [join(dir, 'install-bazel.sh'), 'zip', '1.0', '', ''], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unknown bazel kind 'zip'/);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
