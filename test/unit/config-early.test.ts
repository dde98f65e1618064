/**
 * A config file's `cpuFlags` and `source` are checked as early as the flags are: before the probe, the verdict or a
 * plan. A bad value from a file is a config error (exit 4, naming the file and the key), as every other invalid
 * config value is (config/index.ts validateConfig); the same value as a flag stays a usage error (exit 2).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { listIsaNames } from '../../src/plan/isa.js';
import { makeTempDir } from '../helpers/tmp.js';

const LAPTOP = join(import.meta.dirname, '..', 'fixtures', 'hosts', 'ubuntu2204-cpu-laptop.json');

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

beforeEach(() => vi.stubEnv('CI', '1'));
afterEach(() => vi.unstubAllEnvs());

describe('config-file cpuFlags and source, checked up front', () => {
  const file = (content: object) => {
    const f = join(makeTempDir('tfb-config-early-'), 'tfbuild.config.json');
    writeFileSync(f, JSON.stringify(content));
    return f;
  };
  const base = ['r2.12', '--host-facts', LAPTOP, '--no-install', '--workdir', '/nonexistent/w'];

  it('an unknown ISA name in the file: exit 4 naming the file, the key and the valid names; in plan and build alike', async () => {
    const f = file({ cpuFlags: ['avx2', 'avx9'] });
    for (const cmd of ['plan', 'build']) {
      const r = await cli([cmd, ...base, '--config', f]);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toContain(`${f} is not a valid tfbuild config.`);
      expect(r.stderr).toContain('cpuFlags: unknown ISA extension avx9');
      for (const n of listIsaNames()) expect(r.stderr).toContain(n);
      expect(r.stdout).not.toContain('Plan for');
    }
  });

  it('the same name as a flag stays a usage error (exit 2), and a flag overrides a bad file value only when the file is valid', async () => {
    const r = await cli(['plan', ...base, '--cpu-flags', 'avx9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--cpu-flags: unknown ISA extension avx9');
    const ok = await cli(['plan', ...base, '--config', file({ cpuFlags: ['avx2'] })]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('--copt=-mavx2');
  });

  it('a source directory that does not exist: exit 4 naming the file; an existing one is planned in place', async () => {
    const f = file({ source: 'no-such-checkout' });
    for (const cmd of ['plan', 'build']) {
      const r = await cli([cmd, ...base, '--config', f]);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toContain(`source ${join(f, '..', 'no-such-checkout')}: no such directory`);
      expect(r.stderr).toContain(`Fix "source" in ${f}`);
    }
    const dir = join(f, '..', 'checkout');
    mkdirSync(dir);
    const ok = await cli(['plan', ...base, '--config', f, '--source', dir]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`Check the checkout at ${dir}`);
  });
});
