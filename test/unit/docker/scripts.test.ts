// Runs the image scripts' shell for real (dash, like Ubuntu's /bin/sh): syntax, and fetch()'s checksum gate.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../helpers/tmp.js';
import { makeTestKey, stopAgent, type TestKey } from '../../helpers/gpg.js';

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

  describe('with a real test key (gpg) and a file:// mirror laid out as MIRROR/<host>/<path>', () => {
    let key: TestKey;
    let other: TestKey;
    let tmp: string;
    let mirror: string;
    const keyUrl = 'https://keys.example.invalid/repo/key.pub';
    const bazelUrl = 'https://github.com/bazelbuild/bazel/releases/download/9.0.0/bazel-9.0.0-linux-x86_64';
    const inMirror = (url: string) => join(mirror, url.replace(/^https:\/\//, ''));
    const put = (url: string, text: string) => {
      mkdirSync(dirname(inMirror(url)), { recursive: true });
      writeFileSync(inMirror(url), text);
    };
    beforeAll(() => {
      tmp = makeTempDir('tfb-trust-');
      key = makeTestKey(join(tmp, 'k1'));
      other = makeTestKey(join(tmp, 'k2'), 'someone else <other@example.invalid>');
      mirror = join(tmp, 'mirror');
      put(keyUrl, key.armored);
      put('https://bazel.build/bazel-release.pub.gpg', key.armored);
    }, 60_000);
    afterAll(() => {
      if (key) stopAgent(key);
      if (other) stopAgent(other);
    });
    const shell = (script: string, env: Record<string, string> = {}) =>
      spawnSync(sh, ['-c', `. ${dir}lib.sh && ${script}`], { encoding: 'utf8', env: { ...process.env, MIRROR: `file://${mirror}`, ...env } });

    it('trust_key writes a keyring holding the key only when its fingerprint is the pinned one', () => {
      const ring = join(tmp, 'ring.gpg');
      const ok = shell(`trust_key ${keyUrl} ${key.fingerprint.toLowerCase()} ${ring}`);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toContain(`key ${key.fingerprint} from file://${mirror}/keys.example.invalid/repo/key.pub matches the pinned fingerprint`);
      // The keyring is usable by gpgv: it verifies what the key signed.
      writeFileSync(join(tmp, 'data'), 'signed bytes\n');
      key.detachSign(join(tmp, 'data'), join(tmp, 'data.sig'));
      expect(spawnSync('gpgv', ['--keyring', ring, join(tmp, 'data.sig'), join(tmp, 'data')]).status).toBe(0);

      const wrong = shell(`trust_key ${keyUrl} ${other.fingerprint} ${join(tmp, 'wrong.gpg')}`);
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toContain(`has fingerprint ${key.fingerprint}, not the pinned ${other.fingerprint}: refusing it`);
      expect(existsSync(join(tmp, 'wrong.gpg'))).toBe(false);

      const badSum = shell(`trust_key ${keyUrl} ${key.fingerprint} ${join(tmp, 'sum.gpg')} ${'0'.repeat(64)}`);
      expect(badSum.status).toBe(1);
      expect(badSum.stderr).toMatch(/sha256 mismatch for the key file .*key\.pub: expected 0{64}, got [0-9a-f]{64}/);
      const goodSum = shell(`trust_key ${keyUrl} ${key.fingerprint} ${join(tmp, 'sum.gpg')} ${createHash('sha256').update(key.armored).digest('hex')}`);
      expect(goodSum.status, goodSum.stderr).toBe(0);
    });

    function installBazel(name: string, files: { sig?: 'good' | 'bad'; sha256?: string }, pin = '') {
      const bytes = `#!/bin/sh\necho bazel ${name}\n`;
      const url = bazelUrl.replaceAll('9.0.0', name);
      put(url, bytes);
      if (files.sig) {
        writeFileSync(join(tmp, 'signme'), files.sig === 'good' ? bytes : 'other bytes\n');
        key.detachSign(join(tmp, 'signme'), `${inMirror(url)}.sig`);
      }
      if (files.sha256 !== undefined) writeFileSync(`${inMirror(url)}.sha256`, `${files.sha256}  bazel\n`);
      const out = join(tmp, `out-${name}`);
      const r = spawnSync(sh, [join(dir, 'install-bazel.sh'), 'binary', name, url, pin], {
        encoding: 'utf8',
        env: { ...process.env, MIRROR: `file://${mirror}`, BAZEL_KEY_FPR: key.fingerprint, BAZEL_PREFIX: out, TFBUILD_IMAGE_DIR: out },
      });
      const provenance = existsSync(join(out, 'provenance')) ? readFileSync(join(out, 'provenance'), 'utf8') : '';
      return { ...r, installed: existsSync(join(out, 'bin', 'bazel')), provenance, sha: createHash('sha256').update(bytes).digest('hex') };
    }

    it('install-bazel.sh: a release is verified by its .sig against Bazel\'s key; a bad .sig stops it', () => {
      const good = installBazel('9.0.1', { sig: 'good' });
      expect(good.status, good.stderr).toBe(0);
      expect(good.installed).toBe(true);
      expect(good.provenance).toContain('bazel.verifiedBy=signature\n');
      expect(good.provenance).toContain(`bazel.sha256=${good.sha}\n`);
      const bad = installBazel('9.0.2', { sig: 'bad' });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/the signature .*bazel-9\.0\.2-linux-x86_64\.sig does not verify .* against Bazel's release key/);
      expect(bad.installed).toBe(false);
    });

    it('install-bazel.sh: without a .sig, the published .sha256 with a warning; a wrong one stops it; a pin wins', () => {
      const sha = installBazel('9.0.3', { sha256: createHash('sha256').update('#!/bin/sh\necho bazel 9.0.3\n').digest('hex') });
      expect(sha.status, sha.stderr).toBe(0);
      expect(sha.stderr).toMatch(/warning: .* has no signature \(\.sig\); checking it against the publisher's .*\.sha256 instead/);
      expect(sha.provenance).toContain('bazel.verifiedBy=published-sha256\n');
      const wrong = installBazel('9.0.4', { sha256: 'f'.repeat(64) });
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toMatch(/sha256 mismatch for .*bazel-9\.0\.4-linux-x86_64 \(against its published \.sha256\): expected f{64}/);
      expect(wrong.installed).toBe(false);
      const none = installBazel('9.0.5', {});
      expect(none.status).toBe(1);
      expect(none.stderr).toMatch(/has neither a signature \(\.sig\) nor a published \.sha256: pass .* --image-bazel-sha256/);
      const pinnedBad = installBazel('9.0.6', { sig: 'good' }, 'e'.repeat(64));
      expect(pinnedBad.status).toBe(1);
      expect(pinnedBad.stderr).toMatch(/sha256 mismatch for .*9\.0\.6.*: expected e{64}/);
    });
  });
});
