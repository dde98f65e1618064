import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOWN, ENTER, SPACE, terminal } from '../helpers/terminal.js';
import { InterruptedError, UsageError } from '../../src/errors.js';
import {
  askCandidate,
  askComputeCapabilities,
  askConfirm,
  askCpuFlags,
  askInstall,
  askPython,
  askSource,
  getPromptContext,
  parseComputeCapabilities,
  type PromptContext,
} from '../../src/ui/prompts.js';
import { makeTempDir } from '../helpers/tmp.js';

const CTRL_C = '\u0003';

const headless = (reason = 'CI is set'): PromptContext => ({ interactive: false, reason });

const pythons = [
  { value: '/usr/bin/python3.6', label: 'python 3.6.15 (/usr/bin/python3.6)' },
  { value: '/usr/bin/python3.11', label: 'python 3.11.2 (/usr/bin/python3.11)', unusable: 'outside >=3.5 <3.7' },
  { value: '/opt/py35/bin/python3', label: 'python 3.5.10 (/opt/py35/bin/python3)' },
];

describe('getPromptContext', () => {
  it('is interactive only on a terminal without CI, --yes, --non-interactive or --json', () => {
    const tty = { stdinIsTTY: true, stdoutIsTTY: true, env: {} };
    expect(getPromptContext(tty)).toEqual({ interactive: true });
    expect(getPromptContext({ ...tty, env: { CI: 'true' } }).reason).toBe('CI is set');
    expect(getPromptContext({ ...tty, env: { CI: 'false' } }).interactive).toBe(true);
    expect(getPromptContext({ ...tty, yes: true }).reason).toBe('--yes');
    expect(getPromptContext({ ...tty, nonInteractive: true }).reason).toBe('--non-interactive');
    expect(getPromptContext({ ...tty, json: true }).reason).toBe('--json');
    expect(getPromptContext({ ...tty, stdinIsTTY: false }).reason).toBe('stdin is not a terminal');
  });
});

describe('headless wrappers', () => {
  it('return the default when there is one', async () => {
    expect(await askPython({ candidates: pythons, default: '/opt/py35/bin/python3' }, headless())).toBe('/opt/py35/bin/python3');
    expect(await askCpuFlags({ hostFlags: ['avx', 'avx2'], available: ['avx', 'avx2'] }, headless())).toBe('auto');
    expect(await askComputeCapabilities({ detected: ['8.6'] }, headless())).toEqual(['8.6']);
    expect(await askSource({ tag: 'v1.4.1' }, headless())).toEqual({ mode: 'clone' });
    expect(await askInstall({ pythons: [] }, headless())).toEqual({ mode: 'venv' });
    expect(await askConfirm({ message: 'go?' }, headless())).toBe(true);
  });

  it('throw UsageError (exit 2) naming the flag when a decision has no default', async () => {
    const p = askPython({ candidates: pythons }, headless('CI is set'));
    await expect(p).rejects.toBeInstanceOf(UsageError);
    await expect(askPython({ candidates: pythons }, headless())).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('CI is set') as string,
      hint: expect.stringContaining('--python') as string,
    });
    await expect(askComputeCapabilities({ detected: [] }, headless('--non-interactive'))).rejects.toMatchObject({
      hint: expect.stringContaining('--compute-capabilities') as string,
    });
  });

  it('never ask when only one candidate qualifies', async () => {
    expect(await askCandidate({ what: 'x', flag: '--x', message: 'x', candidates: pythons.slice(0, 2) }, headless())).toBe(
      '/usr/bin/python3.6',
    );
  });
});

describe('interactive wrappers (real inquirer on a fake terminal)', () => {
  it('select python: preselects the default, skips the unusable one, arrow+enter picks', async () => {
    const t = terminal();
    const p = askPython({ candidates: pythons, default: '/usr/bin/python3.6' }, t.ctx);
    await t.keys(DOWN, ENTER); // down skips the disabled 3.11 and lands on 3.5
    expect(await p).toBe('/opt/py35/bin/python3');
    expect(t.screen()).toContain('outside >=3.5 <3.7');
  });

  it('checkbox CPU flags: host flags checked, the Illegal instruction note shown; unchecking gives a list', async () => {
    const t = terminal();
    const p = askCpuFlags({ hostFlags: ['sse4.2', 'avx', 'avx2'], available: ['sse4.2', 'avx', 'avx2', 'avx512f'] }, t.ctx);
    await t.keys(DOWN, DOWN, SPACE, ENTER); // uncheck avx2
    expect(await p).toEqual(['sse4.2', 'avx']);
    expect(t.screen()).toContain('Illegal instruction');
    expect(t.screen()).toContain('avx512f (this host lacks it');
  });

  it('checkbox CPU flags: keeping exactly the host flags answers auto', async () => {
    const t = terminal();
    const p = askCpuFlags({ hostFlags: ['avx', 'avx2'], available: ['avx', 'avx2', 'avx512f'] }, t.ctx);
    await t.keys(ENTER);
    expect(await p).toBe('auto');
  });

  it('compute capabilities: rejects a malformed and a too-low value, accepts a valid list', async () => {
    const t = terminal();
    const p = askComputeCapabilities({ detected: ['8.6'], min: '3.0' }, t.ctx);
    await t.keys('\u0015', 'abc', ENTER); // ctrl-u clears the default line
    await t.keys('\u007f\u007f\u007f', '2.1', ENTER);
    await t.keys('\u007f\u007f\u007f', '7.5, sm_86', ENTER);
    expect(await p).toEqual(['7.5', '8.6']);
    expect(t.screen()).toContain('"abc" is not a compute capability');
    expect(t.screen()).toContain('2.1 is below 3.0');
  });

  it('source: an existing checkout must have a configure script', async () => {
    const dir = makeTempDir('tfb-src-');
    const tf = join(dir, 'tensorflow');
    mkdirSync(tf);
    const t = terminal();
    const p = askSource({ tag: 'v1.4.1' }, t.ctx);
    await t.keys(DOWN, ENTER, dir, ENTER);
    writeFileSync(join(tf, 'configure'), '#!/bin/sh\n');
    await t.keys('\u0015', tf, ENTER);
    expect(await p).toEqual({ mode: 'existing', path: tf });
    expect(t.screen()).toContain('has no configure script');
  });

  it('container route: the image\'s python is asked as such; the install question is about this host and offers its pythons', async () => {
    const t = terminal();
    const p = askPython({ candidates: pythons, default: '/opt/py35/bin/python3', inImage: true }, t.ctx);
    await t.keys(ENTER);
    expect(await p).toBe('/opt/py35/bin/python3');
    expect(t.screen()).toContain('Which python of the build image builds TensorFlow?');
    const host = [{ value: '/usr/bin/python3', label: 'python 3.11.2 (/usr/bin/python3)', unusable: 'the wheel is built for python 3.5' }, pythons[2]!, pythons[0]!];
    const u = terminal();
    const q = askInstall({ pythons: host, onHost: true }, u.ctx);
    await u.keys(DOWN, ENTER, DOWN, ENTER); // an existing python → past the default 3.5 to 3.6 (3.11 is disabled)
    expect(await q).toEqual({ mode: 'into', python: '/usr/bin/python3.6' });
    expect(u.screen()).toContain('Install the wheel on this host where?');
    expect(u.screen()).toContain('Install into which python of this host?');
    expect(u.screen()).toContain('the wheel is built for python 3.5');
    await expect(askPython({ candidates: pythons, inImage: true }, headless())).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('No python of the build image was chosen') as string });
  });

  it('Ctrl-C at a prompt throws InterruptedError with exit code 130', async () => {
    const t = terminal();
    const p = askConfirm({ message: 'Start the build?' }, t.ctx);
    await t.keys(CTRL_C);
    const e: unknown = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InterruptedError);
    expect((e as InterruptedError).exitCode).toBe(130);
  });
});

describe('parseComputeCapabilities', () => {
  it.each([
    ['8.6', ['8.6']],
    ['3.5,5.2', ['3.5', '5.2']],
    [' 7.0  sm_75 7.0', ['7.0', '7.5']],
    ['86', '"86" is not a compute capability like 8.6'],
    ['', 'Give at least one compute capability, e.g. 8.6'],
  ])('%j → %j', (text, want) => {
    expect(parseComputeCapabilities(text)).toEqual(want);
  });
  it('checks the recipe range', () => {
    expect(parseComputeCapabilities('9.0', { max: '8.0' })).toBe('9.0 is above 8.0, the highest its CUDA can target');
  });
});
