/**
 * The container route's install and verify on THIS host are part of what plan and --dry-run show, exactly as they
 * run (the same typed steps the run executes after the container build), and a host target whose python cannot
 * take the wheel is refused by plan, --dry-run and the run alike, before anything runs. The host is a saved
 * `doctor --json` (an Ubuntu 22.04 laptop, whose verdict for r1.4 is `container`), given a python 3.5 where needed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../helpers/tmp.js';
import { cli, LAPTOP, writeLaptopFacts } from './laptop-host.js';

/** The laptop with a second python, 3.5 (the cpu-cuda8 image's, so the wheel's cp35). */
const laptopWithPy35 = () => writeLaptopFacts();

beforeEach(() => {
  vi.stubEnv('CI', '1');
  // --dry-run writes the image's build context (its hash is the tag): into a temporary cache.
  vi.stubEnv('XDG_CACHE_HOME', makeTempDir('tfb-host-steps-cache-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the container route\'s host steps', () => {
  it('plan and --dry-run show the install into <workdir>/host-venv (a venv of the host\'s python 3.5) and the verify there', async () => {
    const facts = laptopWithPy35();
    const common = ['--host-facts', facts, '--yes', '--workdir', '/nonexistent/w', '--output', '/nonexistent/out'];
    const plan = await cli(['plan', 'r1.4', ...common]);
    const dry = await cli(['build', 'r1.4', '--dry-run', ...common]);
    for (const r of [plan, dry]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Then on this host, with the wheel from the output dir:\n8. [install] Install the wheel on this host for /nonexistent/w/host-venv/bin/python');
      expect(r.stdout).toContain('    $ /opt/py35/bin/python3.5 -m venv /nonexistent/w/host-venv\n    $ /nonexistent/w/host-venv/bin/python -m pip install --disable-pip-version-check --no-input \'{wheel}\'');
      expect(r.stdout).toContain('9. [verify] Verify the installed TensorFlow on this host (/nonexistent/w/host-venv/bin/python)');
      // The build container's own install: a venv of the image's python in the work dir.
      expect(r.stdout).toContain('6. [install] Install the wheel for /nonexistent/w/venv/bin/python');
    }
    const j = JSON.parse((await cli(['plan', 'r1.4', ...common, '--json'])).stdout) as { hostSteps: Array<{ id: string; cmd: string; args: string[] }> };
    expect(j.hostSteps.map((s) => [s.id, s.cmd, s.args.slice(0, 3)])).toEqual([
      ['host-install', '/opt/py35/bin/python3.5', ['-m', 'venv', '/nonexistent/w/host-venv']],
      ['host-verify', 'tfbuild', ['verify', '--python', '/nonexistent/w/host-venv/bin/python']],
    ]);
  });

  it('--no-install: no host steps; the default venv without a host python 3.5: none either, and the plan says why', async () => {
    const none = await cli(['plan', 'r1.4', '--host-facts', laptopWithPy35(), '--yes', '--no-install', '--workdir', '/nonexistent/w']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).not.toContain('Then on this host');
    const lacking = await cli(['plan', 'r1.4', '--host-facts', LAPTOP, '--yes', '--workdir', '/nonexistent/w']);
    expect(lacking.code, lacking.stderr).toBe(0);
    expect(lacking.stdout).toContain('Then on this host: nothing (this host has no python 3.5 (the wheel\'s cp35) to make the venv with).');
    expect(lacking.stdout).toContain('warning: the wheel will not be installed on this host: this host has no python 3.5 (the wheel\'s cp35) to make the venv with');
  });

  it('plan takes the image flags as build does: --base-image defers the host steps to the image\'s probe', async () => {
    // The laptop has no python 3.5: which python makes the venv waits for the wheel's cpXY, known once the image is probed.
    const r = await cli(['plan', 'r1.4', '--host-facts', LAPTOP, '--yes', '--workdir', '/nonexistent/w', '--base-image', 'ubuntu:16.04']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Then on this host: the install and verify of the wheel are planned once the image is probed');
    expect(r.stdout).not.toContain('[install] Install the wheel on this host');
  });

  it('--install-into a host python 3.10 for the image\'s cp35 wheel: plan, --dry-run and the run refuse with exit 3 and the same message', async () => {
    const args = ['r1.4', '--host-facts', LAPTOP, '--yes', '--install-into', '/usr/bin/python3', '--workdir', '/nonexistent/w'];
    for (const way of [['plan', ...args], ['build', '--dry-run', ...args], ['build', ...args]]) {
      const r = await cli(way);
      expect(r.code, way.join(' ')).toBe(3);
      expect(r.stderr).toContain('--install-into /usr/bin/python3 is python 3.10, but the wheel the image builds is for python 3.5 (cp35): pip would refuse it.');
      expect(r.stderr).toMatch(/Pick a python 3\.5 of this host .*or pass --no-install/);
    }
  });
});
