/**
 * Class "filesystem faults are the user's environment": EACCES/EROFS/EEXIST/ENOSPC/ENOTDIR/ELOOP become exit 3
 * naming the path and the cause, and nothing half-made is left behind. Faults are real: a file where a directory
 * must be (ENOTDIR), a planted symlink (ELOOP), and a full disk from a 256 KiB tmpfs mounted in a private mount
 * namespace of a child process (`unshare --mount`: the mount is invisible to the rest of the machine and gone when
 * the child exits). Running as root, permission bits do not stop writes, so EACCES/EROFS are checked through the
 * classifier with the errors node raises for them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyFsError, EnvironmentError, EXIT_CODES } from '../../../src/errors.js';
import { plainExec, createExec } from '../../../src/exec/index.js';

const { run } = plainExec;
import { makeTempDir } from '../../helpers/tmp.js';
import { makeVictim } from '../../helpers/victim.js';
import { writePureWheel } from '../../helpers/wheel.js';

const distPackage = new URL('../../../dist/steps/package.js', import.meta.url).pathname;

describe('log files', () => {
  it('a symlink planted at a log name is refused (exit 3, ELOOP), its target is untouched', async () => {
    const v = makeVictim();
    const logs = makeTempDir('tfb-logs-');
    symlinkSync(join(v.dir, '.bashrc'), join(logs, 'run1-configure.log'));
    const before = v.snapshot();
    const e = await run({ cmd: 'echo', args: ['appended'], effect: 'read', timeout: 10_000, logFile: join(logs, 'run1-configure.log') }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as EnvironmentError).exitCode).toBe(EXIT_CODES.environment);
    expect((e as Error).message).toMatch(/run1-configure\.log.*symbolic link.*ELOOP/);
    expect(v.snapshot()).toEqual(before);
  });

  it('a logs dir that is a file is exit 3 naming the path, and nothing runs', async () => {
    const root = makeTempDir('tfb-logs-');
    writeFileSync(join(root, 'logs'), 'not a dir');
    const marker = join(root, 'ran');
    const e = await run({ cmd: 'touch', args: [marker], effect: 'read', timeout: 10_000, logFile: join(root, 'logs', 'r-x.log') }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as Error).message).toContain(join(root, 'logs'));
    expect((e as Error).message).toMatch(/ENOTDIR|EEXIST/);
    expect(readdirSync(root).sort()).toEqual(['logs']);
  });

  it('log files are created 0600 in a 0700 dir', async () => {
    const root = makeTempDir('tfb-logs-');
    await run({ cmd: 'echo', args: ['x'], effect: 'read', timeout: 10_000, logFile: join(root, 'logs', 'r-x.log') });
    const { statSync } = await import('node:fs');
    expect(statSync(join(root, 'logs', 'r-x.log')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'logs')).mode & 0o777).toBe(0o700);
  });
});

describe('classification', () => {
  for (const code of ['EACCES', 'EROFS', 'EEXIST', 'ENOSPC', 'ENOTDIR', 'EDQUOT']) {
    it(`${code} → exit 3 with the path and the cause`, () => {
      const err = Object.assign(new Error(`${code}: x`), { code, syscall: 'open', path: '/w/out/a.whl' });
      const e = classifyFsError(err);
      expect(e?.exitCode).toBe(3);
      expect(e?.message).toContain('/w/out/a.whl');
      expect(e?.message).toContain(code);
      expect(e?.hint).toBeTruthy();
    });
  }
  it('an error that is not a filesystem fault stays what it was', () => {
    expect(classifyFsError(new Error('boom'))).toBeNull();
    expect(classifyFsError(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBeNull();
  });
});

function canUnshare(): boolean {
  const ok = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']).status === 0;
  // CI runs as root, where unshare works: the real ENOSPC cases must not vanish there.
  if (!ok && process.env.CI) throw new Error('CI: the ENOSPC tests need unshare --mount (root).');
  return ok;
}

describe('a full --output disk (real ENOSPC on a private 256 KiB tmpfs)', () => {
  it.skipIf(!canUnshare())('publishing fails with exit 3 and leaves neither a wheel, a build-info nor a .tmp', () => {
    const root = makeTempDir('tfb-enospc-');
    const out = join(root, 'out');
    mkdirSync(out);
    const built = join(root, 'tensorflow-2.17.0-cp311-cp311-linux_x86_64.whl');
    writeFileSync(built, Buffer.alloc(400 * 1024, 1));
    const script = `
      import { publishWheel } from ${JSON.stringify(distPackage)};
      import { readdirSync } from 'node:fs';
      import { classifyFsError } from ${JSON.stringify(new URL('../../../dist/errors.js', import.meta.url).pathname)};
      let result;
      try { publishWheel(process.argv[1], process.argv[2] + '/' + 'tensorflow-2.17.0-cp311-cp311-linux_x86_64.whl', '{}\\n'); result = { ok: true }; }
      catch (e) { result = { code: e.exitCode, message: e.message, fs: classifyFsError(e)?.message ?? null }; }
      console.log(JSON.stringify({ ...result, left: readdirSync(process.argv[2]) }));`;
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c',
      'mount -t tmpfs -o size=256k tmpfs "$2" && exec node --input-type=module -e "$1" "$3" "$2"', 'sh', script, out, built], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as { code: number; message: string; left: string[] };
    expect(got.code).toBe(3);
    expect(got.message).toMatch(/no space left on the device \(ENOSPC\)/);
    expect(got.message).toContain(out);
    expect(got.left).toEqual([]);
    // The namespace is gone with the child: the real dir never saw the mount or a file.
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('the install venv', () => {
  const installStep = (venvDir: string) => ({ id: 'install', kind: 'install', title: 'install', cmd: 'pip', args: [], cwd: venvDir, env: {}, pathPrepend: [], mode: 'venv', python: 'python3', venvDir });
  /** As the plan makes it: pip runs the venv's own python (plan/index.ts). */
  const plannedInstallStep = (venvDir: string) => ({
    ...installStep(venvDir), targetPython: join(venvDir, 'bin', 'python'),
    pip: { cmd: join(venvDir, 'bin', 'python'), args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '{wheel}'], env: { PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONNOUSERSITE: '1' } },
  });

  // Two ways `python -m venv` leaves a venv of ours half-made (no completion marker): interrupted before it linked
  // bin/python (pyvenv.cfg only), or while ensurepip ran (python there, pip missing).
  const halfMade: Array<[string, (venv: string) => void]> = [
    ['interrupted before bin/python: pyvenv.cfg only', (venv) => {
      spawnSync('python3', ['-m', 'venv', '--without-pip', venv], { stdio: 'ignore' });
      for (const f of readdirSync(join(venv, 'bin'))) if (f.startsWith('python')) rmSync(join(venv, 'bin', f));
    }],
    ['interrupted during ensurepip: python, no pip', (venv) => {
      spawnSync('python3', ['-m', 'venv', '--without-pip', venv], { stdio: 'ignore' });
    }],
  ];
  it.each(halfMade)('a half-made venv of its own (%s) is made again, works, and the wheel is installed into it', async (_, halfMake) => {
    const { runInstallStep } = await import('../../../src/steps/install.js');
    const root = makeTempDir('tfb-venv-');
    const venv = join(root, 'venv');
    halfMake(venv);
    writeFileSync(join(venv, '.tfbuild-owned'), '');
    // It really is half-made: no python, or a python without pip.
    expect(existsSync(join(venv, 'pyvenv.cfg'))).toBe(true);
    const before = spawnSync(join(venv, 'bin', 'python'), ['-m', 'pip', '--version'], { encoding: 'utf8' });
    expect(before.status).not.toBe(0);
    const wheel = writePureWheel(root, 'halfvenvpkg', '0.3.0');
    const ctx = { signal: new AbortController().signal, emit: () => undefined, outputs: { wheel }, logDir: root, runId: 't', setStatus: () => undefined, currentLog: null, exec: createExec(), plan: { steps: [] } };
    await runInstallStep(plannedInstallStep(venv) as never, ctx as never);
    expect(readdirSync(venv)).toContain('.tfbuild-complete');
    // The rebuilt venv's own python runs, has pip, and imports the installed wheel from a clean dir.
    const got = spawnSync(join(venv, 'bin', 'python'), ['-c', 'import sys, pip, halfvenvpkg; print(sys.prefix, halfvenvpkg.VALUE, halfvenvpkg.__file__)'], { encoding: 'utf8', cwd: makeTempDir('tfb-venv-cwd-') });
    expect(got.status, got.stderr).toBe(0);
    const [prefix, value, file] = got.stdout.trim().split(' ');
    expect(realpathSync(prefix!)).toBe(realpathSync(venv));
    expect(value).toBe('42');
    expect(realpathSync(file!).startsWith(`${realpathSync(venv)}/`)).toBe(true);
    // Into the venv only: the base python does not have it.
    expect(spawnSync('python3', ['-c', 'import halfvenvpkg'], { stdio: 'ignore' }).status).not.toBe(0);
  }, 180_000);

  it.skipIf(!canUnshare())('a full work dir while making the venv is exit 3 saying so (real ENOSPC on a private 4 MiB tmpfs)', () => {
    const root = makeTempDir('tfb-venv-enospc-');
    const work = join(root, 'w');
    mkdirSync(work);
    const installJs = new URL('../../../dist/steps/install.js', import.meta.url).pathname;
    const execJs = new URL('../../../dist/exec/index.js', import.meta.url).pathname;
    const script = `
      import { runInstallStep } from ${JSON.stringify(installJs)};
      import { createExec } from ${JSON.stringify(execJs)};
      const venvDir = process.argv[1] + '/venv';
      const ctx = { signal: new AbortController().signal, emit() {}, outputs: { wheel: '/nonexistent.whl' }, logDir: process.argv[1], runId: 't', setStatus() {}, currentLog: null, plan: { steps: [] }, exec: createExec() };
      try { await runInstallStep({ id: 'install', kind: 'install', title: 'i', cmd: 'pip', args: [], cwd: venvDir, env: {}, pathPrepend: [], mode: 'venv', python: 'python3', venvDir }, ctx); console.log(JSON.stringify({ ok: true })); }
      catch (e) { console.log(JSON.stringify({ code: e.exitCode, message: e.message })); }`;
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c',
      'mount -t tmpfs -o size=4m tmpfs "$2" && exec node --input-type=module -e "$1" "$2"', 'sh', script, work], { encoding: 'utf8' });
    const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as { code: number; message: string };
    expect(got.code).toBe(3);
    expect(got.message).toMatch(/no space left on the device \(ENOSPC/);
  }, 120_000);
});
