/**
 * Problems knowable before step 1 are found before step 1: a PEP 668 python for --install-into (Debian 12's own
 * /usr/bin/python3 carries EXTERNALLY-MANAGED), a python whose site-packages this user cannot write, and a wheel of
 * the same name already in --output. Real pythons and real files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError, ConflictError } from '../../../src/errors.js';
import { verifyInstallable } from '../../../src/steps/install.js';
import { verifyWheelNameFree } from '../../../src/steps/package.js';
import type { PackageStep } from '../../../src/plan/index.js';
import { makeTempDir } from '../../helpers/tmp.js';

const DEBIAN_PY = '/usr/bin/python3';

function packageStep(outputDir: string): PackageStep {
  return {
    id: 'package', kind: 'package', title: 'p', cmd: '', args: [], cwd: '/', env: {}, pathPrepend: [], packaging: 'wheel-rule',
    stagingDir: '/nonexistent', outputDir, wheelName: 'tensorflow-gpu', wheelVersion: '1.4.1', metadata: {},
  };
}

describe('preflight', () => {
  it.runIf(existsSync('/usr/lib/python3.11/EXTERNALLY-MANAGED') && existsSync(DEBIAN_PY))('--install-into a PEP 668 system python is refused (exit 3) naming the venv way', async () => {
    const e = await verifyInstallable(DEBIAN_PY).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as EnvironmentError).exitCode).toBe(3);
    expect((e as EnvironmentError).message).toContain('externally managed');
    expect((e as EnvironmentError).hint).toContain('-m venv');
  });

  it.runIf(existsSync(DEBIAN_PY))('a venv of that same python is fine', async () => {
    const dir = makeTempDir('tfb-preflight-venv-');
    execFileSync(DEBIAN_PY, ['-m', 'venv', '--without-pip', join(dir, 'v')]);
    await expect(verifyInstallable(join(dir, 'v', 'bin', 'python'))).resolves.toBeUndefined();
  });

  it('a wheel of the same project and version in --output: exit 6 before anything runs; other wheels are fine', () => {
    const out = makeTempDir('tfb-preflight-out-');
    expect(() => verifyWheelNameFree(packageStep(join(out, 'missing')))).not.toThrow();
    writeFileSync(join(out, 'tensorflow_gpu-1.4.0-cp36-cp36m-linux_x86_64.whl'), '');
    writeFileSync(join(out, 'tensorflow-1.4.1-cp36-cp36m-linux_x86_64.whl'), '');
    expect(() => verifyWheelNameFree(packageStep(out))).not.toThrow();
    writeFileSync(join(out, 'tensorflow_gpu-1.4.1-cp36-cp36m-linux_x86_64.whl'), '');
    const e = (() => { try { verifyWheelNameFree(packageStep(out)); } catch (x) { return x; } return null; })();
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).exitCode).toBe(6);
    expect((e as ConflictError).message).toContain('tensorflow_gpu-1.4.1-cp36-cp36m-linux_x86_64.whl already exists');
  });
});
