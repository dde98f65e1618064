/** Debian's bazel-bootstrap says `bazel no_version`; its package database knows the release (CI installs it). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { genericChecks } from '../../../src/checks/generic.js';
import { assessNeeds } from '../../../src/plan/verdict.js';
import { readDpkgRelease } from '../../../src/probe/tools-version.js';
import { loadCatalog } from '../../../src/recipes/index.js';
import { sampleFacts } from '../plan/samples.js';
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

describe('a bazel known only by its package release', () => {
  const debian = sampleFacts({ bazel: { path: '/usr/bin/bazel', version: null, kind: 'bazel', unknownRelease: true, raw: 'bazel no_version', packageRelease: '4.2.3' } });

  it('doctor names the release instead of warning that it is unknown', () => {
    const c = genericChecks({ facts: debian, gpu: false }).find((x) => x.id === 'bazel');
    expect(c).toMatchObject({ status: 'pass' });
    expect(c?.message).toMatch(/^bazel 4\.2\.3 at \/usr\/bin\/bazel \(the release of the distribution package/);
  });

  it('the verdict judges that release against the recipe (r1.4: 4.2.3 is past the string-compare break)', () => {
    const r14 = loadCatalog().find((r) => r.line === 'r1.4');
    if (!r14) throw new Error('no r1.4');
    const need = assessNeeds(debian, r14, { gpu: false }).needs.find((n) => n.id === 'bazel');
    expect(need?.ok === false && need.reason).toMatch(/^bazel 4\.2\.3 is known to fail: workspace\.bzl compares bazel versions as strings/);
  });
});
