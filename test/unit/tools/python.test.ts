import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentError, ToolError } from '../../../src/errors.js';
import { createVenv, pipInstall, readPythonInfo, runPython } from '../../../src/tools/python.js';
import { makeTempDir } from '../../helpers/tmp.js';

let tmp: string;
beforeAll(() => {
  tmp = makeTempDir('tfb-py-');
});

const realPython = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

/** A minimal pure-python wheel written with zipfile (no `wheel` module needed). */
function writeWheel(dir: string, name: string, version: string): string {
  const path = join(dir, `${name}-${version}-py3-none-any.whl`);
  execFileSync(realPython, ['-c', `
import zipfile, sys
info = '${name}-${version}.dist-info'
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr('${name}/__init__.py', 'VALUE = 42\\n')
    z.writestr(info + '/METADATA', 'Metadata-Version: 2.1\\nName: ${name}\\nVersion: ${version}\\n')
    z.writestr(info + '/WHEEL', 'Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n')
    z.writestr(info + '/RECORD', '')
`, path]);
  return path;
}

describe('python adapter (real interpreters)', () => {
  it('reads facts about the interpreter', async () => {
    const info = await readPythonInfo('python3');
    expect(info.version).toMatch(/^3\.\d+\.\d+$/);
    expect(info.abiTag).toBe(`cp3${info.minor}`);
    expect(info.hasPip).toBe(true);
    expect(info.isVenv).toBe(false);
    expect(info.sitePackages).toMatch(/(site|dist)-packages$/);
  });

  it("Debian's /usr/bin/python3 is externally managed (PEP 668)", async () => {
    const info = await readPythonInfo('/usr/bin/python3').catch(() => null);
    if (info) expect(info.externallyManaged).toBe(true);
  });

  it('a missing interpreter is an EnvironmentError', async () => {
    await expect(readPythonInfo(join(tmp, 'no-python'))).rejects.toBeInstanceOf(EnvironmentError);
  });

  it('creates a venv, installs a wheel offline and runs code from a clean dir', async () => {
    const { python } = await createVenv({ python: 'python3', dir: join(tmp, 'venv') });
    const info = await readPythonInfo(python);
    expect(info.isVenv).toBe(true);
    const wheel = writeWheel(tmp, 'fixturepkg', '1.2.3');
    await pipInstall({ python, wheel, noIndex: true, noDeps: true });
    const clean = join(tmp, 'clean');
    mkdirSync(clean);
    const r = await runPython({ python, code: 'import fixturepkg; print(fixturepkg.VALUE)', cwd: clean });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe('42');
    // A failing snippet is a value, not an exception.
    const bad = await runPython({ python, code: 'import not_installed_pkg', cwd: clean });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/ModuleNotFoundError/);
    // Installing a missing file fails with a ToolError carrying pip's output.
    await expect(pipInstall({ python, wheel: join(tmp, 'nope-1.0-py3-none-any.whl') })).rejects.toBeInstanceOf(ToolError);
  }, 120_000);

  it('a python without ensurepip (Debian without python3-venv) fails with an EnvironmentError naming the package', async () => {
    // Real interpreter whose import system cannot find ensurepip, as on Debian before `apt-get install python3-venv`.
    const shadow = join(tmp, 'shadow');
    mkdirSync(shadow);
    writeFileSync(join(shadow, 'sitecustomize.py'), `
import sys
class _NoEnsurepip(object):
    def find_spec(self, name, path=None, target=None):
        if name == 'ensurepip' or name.startswith('ensurepip.'):
            raise ModuleNotFoundError("No module named 'ensurepip'", name=name)
        return None
sys.meta_path.insert(0, _NoEnsurepip())
`);
    const wrapper = join(tmp, 'python-noensurepip');
    writeFileSync(wrapper, `#!/bin/sh\nPYTHONPATH=${shadow} exec ${realPython} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const info = await readPythonInfo(wrapper);
    expect(info.hasVenv).toBe(false);
    const e = await createVenv({ python: wrapper, dir: join(tmp, 'venv2') }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as EnvironmentError).hint).toMatch(/apt-get install -y python3-venv/);
  });

  it('pip into an externally managed system python is an EnvironmentError, never sudo', async () => {
    const info = await readPythonInfo('/usr/bin/python3').catch(() => null);
    if (!info?.externallyManaged) return;
    const wheel = writeWheel(tmp, 'pep668pkg', '0.1.0');
    const e = await pipInstall({ python: '/usr/bin/python3', wheel }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as EnvironmentError).message).toMatch(/externally managed/);
  });
});
