import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentError, ToolError } from '../../../src/errors.js';
import { createVenv, pipInstall, readPythonInfo, runPython } from '../../../src/tools/python.js';
import { forgetPythonInfo, probePythonInterpreter } from '../../../src/tools/python-info.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { writePureWheel } from '../../helpers/wheel.js';
import { createExec } from '../../../src/exec/index.js';

let tmp: string;
beforeAll(() => {
  tmp = makeTempDir('tfb-py-');
});

const realPython = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

const writeWheel = (dir: string, name: string, version: string): string => writePureWheel(dir, name, version, realPython);

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
    const { python } = await createVenv({ python: 'python3', dir: join(tmp, 'venv') }, createExec());
    const info = await readPythonInfo(python);
    expect(info.isVenv).toBe(true);
    const wheel = writeWheel(tmp, 'fixturepkg', '1.2.3');
    await pipInstall({ python, wheel, noIndex: true, noDeps: true }, createExec());
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
    await expect(pipInstall({ python, wheel: join(tmp, 'nope-1.0-py3-none-any.whl') }, createExec())).rejects.toBeInstanceOf(ToolError);
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
    const e = await createVenv({ python: wrapper, dir: join(tmp, 'venv2') }, createExec()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as EnvironmentError).hint).toMatch(/apt-get install -y python3-venv/);
  });

  it('pip into an externally managed system python is an EnvironmentError, never sudo', async () => {
    const info = await readPythonInfo('/usr/bin/python3').catch(() => null);
    if (!info?.externallyManaged) return;
    const wheel = writeWheel(tmp, 'pep668pkg', '0.1.0');
    const e = await pipInstall({ python: '/usr/bin/python3', wheel }, createExec()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as EnvironmentError).message).toMatch(/externally managed/);
  });

  it('one script answers on every python this machine has, 2.7 included', async () => {
    const root = join(process.env.PYENV_ROOT ?? join(process.env.HOME ?? '/root', '.pyenv'), 'versions');
    const found = ['2.7', '3.6', '3.9', '3.11', '3.13'].flatMap((v) => {
      try {
        const dir = execFileSync('sh', ['-c', `ls -d ${root}/${v}.* 2>/dev/null | head -1`], { encoding: 'utf8' }).trim();
        return dir ? [[v, join(dir, 'bin', 'python')] as const] : [];
      } catch {
        return [];
      }
    });
    for (const [v, python] of found) {
      const info = await readPythonInfo(python);
      expect(`${info.major}.${info.minor}`).toBe(v);
      expect(info.abiTag).toBe(`cp${v.replace('.', '')}`);
      expect(info.hasPip).toBe(true);
      // Python 2.7 has no venv module.
      expect(info.hasVenv).toBe(v !== '2.7');
      const facts = await probePythonInterpreter(python, python, python, { timeoutMs: 20_000 });
      expect(facts.version).toBe(info.version);
    }
  }, 60_000);

  it('reads numpy\'s version from its metadata without importing it', async () => {
    const site = join(tmp, 'fake-numpy');
    mkdirSync(join(site, 'numpy'), { recursive: true });
    mkdirSync(join(site, 'numpy-9.8.7.dist-info'));
    const marker = join(tmp, 'numpy-imported');
    writeFileSync(join(site, 'numpy', '__init__.py'), `open(${JSON.stringify(marker)}, 'w').close()\n__version__ = '0.0.1'\n`);
    const wrapper = join(tmp, 'python-fake-numpy');
    // -S: leave the real site-packages (which may hold a real numpy) off sys.path.
    writeFileSync(wrapper, `#!/bin/sh\nPYTHONPATH=${site} exec ${realPython} -S "$@"\n`);
    chmodSync(wrapper, 0o755);
    expect(await probePythonInterpreter(wrapper, wrapper, wrapper, { timeoutMs: 20_000 })).toMatchObject({ numpy: '9.8.7' });
    expect(existsSync(marker)).toBe(false);
    // No metadata: only then is numpy imported.
    rmSync(join(site, 'numpy-9.8.7.dist-info'), { recursive: true });
    expect(await probePythonInterpreter(wrapper, wrapper, wrapper, { timeoutMs: 20_000 })).toMatchObject({ numpy: '0.0.1' });
    expect(existsSync(marker)).toBe(true);
  });

  it('asks an interpreter once per process; the probe\'s answer is reused; pip install forgets it', async () => {
    const counter = join(tmp, 'spawns');
    writeFileSync(counter, '');
    const wrapper = join(tmp, 'python-counted');
    writeFileSync(wrapper, `#!/bin/sh\necho x >> ${counter}\nexec ${realPython} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const spawns = () => readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;
    forgetPythonInfo();
    const a = await readPythonInfo(wrapper);
    const b = await readPythonInfo(wrapper);
    expect(b).toEqual(a);
    expect(spawns()).toBe(1);
    // A pip install (even a failed one) may change what the interpreter has: the next read asks again.
    await pipInstall({ python: wrapper, wheel: join(tmp, 'nope-1.0-py3-none-any.whl') }, createExec()).catch(() => null);
    const afterPip = spawns();
    await readPythonInfo(wrapper);
    expect(spawns()).toBe(afterPip + 1);
    // The host probe, sharing its answer, saves readPythonInfo's spawn for both the listed path and what it ran.
    forgetPythonInfo();
    const shim = join(tmp, 'python-shim-name');
    await probePythonInterpreter(shim, wrapper, wrapper, { timeoutMs: 20_000 }, true);
    const afterProbe = spawns();
    expect((await readPythonInfo(shim)).version).toBe(a.version);
    expect((await readPythonInfo(wrapper)).version).toBe(a.version);
    expect(spawns()).toBe(afterProbe);
    // A failure is not remembered.
    const missing = join(tmp, 'no-python-yet');
    await expect(readPythonInfo(missing)).rejects.toBeInstanceOf(EnvironmentError);
    writeFileSync(missing, `#!/bin/sh\nexec ${realPython} "$@"\n`);
    chmodSync(missing, 0o755);
    expect((await readPythonInfo(missing)).version).toBe(a.version);
  }, 60_000);
});
