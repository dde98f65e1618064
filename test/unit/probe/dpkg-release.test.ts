/** Debian's bazel-bootstrap says `bazel no_version`; its package database knows the release (CI installs it). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDpkgRelease } from '../../../src/probe/tools-version.js';
import { makeTempDir } from '../../helpers/tmp.js';

describe('readDpkgRelease', () => {
  it('reads 4.2.3 for this machine\'s /usr/bin/bazel from the real dpkg database', () => {
    expect(readDpkgRelease('/usr/bin/bazel', '/var/lib/dpkg')).toBe('4.2.3');
  });

  it('takes the upstream part of an epoch/Debian version, and null for a file no package lists', () => {
    const d = makeTempDir('tfb-dpkg-');
    mkdirSync(join(d, 'info'));
    writeFileSync(join(d, 'info', 'bazel-bootstrap.list'), '/.\n/usr\n/usr/bin/bazel\n');
    writeFileSync(join(d, 'status'), 'Package: bazel-bootstrap-data\nVersion: 9.9.9\n\nPackage: bazel-bootstrap\nStatus: install ok installed\nVersion: 1:5.1.0+ds-2\n\n');
    expect(readDpkgRelease('/usr/bin/bazel', d)).toBe('5.1.0');
    expect(readDpkgRelease('/opt/bazel/bin/bazel', d)).toBeNull();
    expect(readDpkgRelease('/usr/bin/bazel', join(d, 'missing'))).toBeNull();
  });
});
