import { describe, expect, it } from 'vitest';
import { genericChecks } from '../../../src/checks/generic.js';
import { installCommand } from '../../../src/checks/fix.js';
import { worstStatus, type CheckResult } from '../../../src/checks/types.js';
import type { HostFacts } from '../../../src/probe/types.js';
import { healthyFacts } from './facts.js';

function byId(facts: HostFacts, gpu = false): Record<string, CheckResult> {
  return Object.fromEntries(genericChecks({ facts, gpu }).map((c) => [c.id, c]));
}

const fedora = { distro: { id: 'fedora', versionId: '39', name: 'Fedora Linux 39', like: [] }, packageManager: 'dnf' as const };

describe('installCommand', () => {
  const pkgs = { apt: ['python3-dev'], dnf: ['python3-devel'], pacman: ['python'], zypper: ['python3-devel'] };
  it.each([
    ['apt', 'sudo apt-get install -y python3-dev'],
    ['dnf', 'sudo dnf install -y python3-devel'],
    ['yum', 'sudo yum install -y python3-devel'],
    ['pacman', 'sudo pacman -S --needed python'],
    ['zypper', 'sudo zypper install -y python3-devel'],
  ] as const)('%s → %s', (pm, cmd) => {
    const f = healthyFacts();
    expect(installCommand({ ...f, os: { ...f.os, packageManager: pm } }, pkgs)).toBe(cmd);
  });
  it('unknown distribution: names every variant', () => {
    const f = healthyFacts();
    const s = installCommand({ ...f, os: { ...f.os, distro: null, packageManager: null } }, pkgs);
    expect(s).toContain('apt-get install -y python3-dev');
    expect(s).toContain('dnf install -y python3-devel');
  });
});

describe('genericChecks', () => {
  it('a healthy host passes every generic check and has no GPU checks without --gpu', () => {
    const r = genericChecks({ facts: healthyFacts(), gpu: false });
    expect(r.map((c) => c.id)).toEqual(['git', 'python', 'bazel', 'compiler', 'memory', 'disk', 'locale']);
    expect(r.every((c) => c.status === 'pass' && c.fix === null)).toBe(true);
    expect(worstStatus(r)).toBe('pass');
  });

  it('git missing: fail with the distro command', () => {
    expect(byId(healthyFacts({ git: null })).git).toMatchObject({ status: 'fail', fix: 'sudo apt-get install -y git' });
    const f = healthyFacts({ git: null });
    expect(byId({ ...f, os: { ...f.os, ...fedora } }).git?.fix).toBe('sudo dnf install -y git');
  });

  it('python: none, no headers, missing wheel/numpy', () => {
    expect(byId(healthyFacts({ pythons: [] })).python).toMatchObject({ status: 'fail', fix: expect.stringContaining('sudo apt-get install -y python3 python3-dev') });
    const base = healthyFacts().pythons[0]!;
    expect(byId(healthyFacts({ pythons: [{ ...base, headers: false }] })).python).toMatchObject({ status: 'fail', message: expect.stringContaining('headers (Python.h)'), fix: 'sudo apt-get install -y python3-dev' });
    const py = byId(healthyFacts({ pythons: [{ ...base, path: '/root/.pyenv/shims/python3', realPath: '/root/.pyenv/versions/3.11.7/bin/python3.11', wheel: false, numpy: null }] })).python;
    // Never a pip into the interpreter itself (PEP 668): the build's own venv gets them.
    expect(py).toMatchObject({ status: 'warn', fix: 'nothing to do by hand: tfbuild build VERSION --yes installs numpy and wheel (at the versions the release needs) into a build venv of its own' });
    expect(py?.message).toContain('lacks numpy, wheel');
  });

  it('python: one complete interpreter among incomplete ones passes', () => {
    const base = healthyFacts().pythons[0]!;
    const r = byId(healthyFacts({ pythons: [{ ...base, path: '/a/python3', wheel: false }, { ...base, path: '/b/python3' }] }));
    expect(r.python).toMatchObject({ status: 'pass', message: expect.stringContaining('/b/python3') });
  });

  it('bazel: missing fails, no_version warns, bazelisk passes', () => {
    expect(byId(healthyFacts({ bazel: null })).bazel).toMatchObject({ status: 'fail', fix: expect.stringContaining('@bazel/bazelisk') });
    expect(byId(healthyFacts({ bazel: { kind: 'bazel', path: '/usr/bin/bazel', version: null, unknownRelease: true, raw: 'bazel no_version' } })).bazel).toMatchObject({ status: 'warn', message: expect.stringContaining('no release') });
    expect(byId(healthyFacts({ bazel: null, bazelisk: { path: '/usr/local/bin/bazelisk', version: null } })).bazel?.status).toBe('pass');
  });

  it('compiler missing: build-essential / gcc-c++', () => {
    expect(byId(healthyFacts({ compilers: [] })).compiler).toMatchObject({ status: 'fail', fix: 'sudo apt-get install -y build-essential' });
    const f = healthyFacts({ compilers: [] });
    expect(byId({ ...f, os: { ...f.os, ...fedora } }).compiler?.fix).toBe('sudo dnf install -y gcc gcc-c++ make');
  });

  it('memory: ~2 GiB per job', () => {
    expect(byId(healthyFacts({ memory: { totalMiB: 1500, availableMiB: 1000 } })).memory?.status).toBe('fail');
    expect(byId(healthyFacts({ memory: { totalMiB: 8192, availableMiB: 8000 } })).memory).toMatchObject({ status: 'warn', fix: 'build with --jobs 4' });
    expect(byId(healthyFacts({ memory: { totalMiB: 16384, availableMiB: 8000 } })).memory?.status).toBe('pass');
  });

  it('disk: <15 GB fails, <30 GB warns, NFS/overlay/tmpfs warns', () => {
    const d = healthyFacts().disk!;
    expect(byId(healthyFacts({ disk: { ...d, freeGiB: 10 } })).disk?.status).toBe('fail');
    expect(byId(healthyFacts({ disk: { ...d, freeGiB: 20 } })).disk?.status).toBe('warn');
    expect(byId(healthyFacts({ disk: { ...d, freeGiB: 30 } })).disk?.status).toBe('pass');
    expect(byId(healthyFacts({ disk: { ...d, fsType: 'nfs4', risky: true } })).disk).toMatchObject({ status: 'warn', message: expect.stringContaining('nfs4') });
    expect(byId(healthyFacts({ disk: null })).disk?.status).toBe('warn');
  });

  it('locale: non-UTF-8 warns with the exact setting', () => {
    expect(byId(healthyFacts({ locale: { lang: null, lcAll: null, utf8: false } })).locale).toMatchObject({ status: 'warn', fix: 'export LANG=C.UTF-8 LC_ALL=C.UTF-8' });
  });

  it('a family that timed out is "could not determine", never "missing"', () => {
    const r = byId(healthyFacts({ pythons: [], git: null, compilers: [], problems: [{ probe: 'python', message: 'python probe did not finish within 3000 ms and was stopped' }, { probe: 'git', message: 'git --version exited with code 1' }, { probe: 'compilers', message: 'compilers probe did not finish within 3000 ms and was stopped' }] }));
    expect(r.python).toMatchObject({ status: 'warn', message: 'could not determine the python interpreters: python probe did not finish within 3000 ms and was stopped' });
    expect(r.git?.status).toBe('warn');
    expect(r.compiler?.status).toBe('warn');
  });

  it('probe problems become findings; a bad --cuda-path fails', () => {
    const r = byId(healthyFacts({ problems: [{ probe: 'nvidia-smi', message: 'x did not answer' }, { probe: 'cuda-path', message: '--cuda-path /x does not exist' }] }));
    expect(r['probe.nvidia-smi']?.status).toBe('warn');
    expect(r['cuda-path']).toMatchObject({ status: 'fail', message: '--cuda-path /x does not exist' });
  });
});
