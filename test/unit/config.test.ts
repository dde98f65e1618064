import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { findConfigFile, loadConfig, mergeOptions, readConfigFile, writeConfigFile } from '../../src/config/index.js';
import { makeTempDir } from '../helpers/tmp.js';

const tmp = () => makeTempDir('tfb-config-');

describe('config files', () => {
  it('reads a YAML config in the cwd, keeps only the keys it sets, resolves paths against the file', () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'tfbuild.config.yaml'),
      'version: r1.4\ngpu: true\ncomputeCapabilities: ["6.1"]\noutput: wheels\npython: python3.6\nhostCompiler: ./bin/gcc\ninstall: {mode: none}\n',
    );
    const c = loadConfig({ cwd: dir });
    expect(c?.path).toBe(join(dir, 'tfbuild.config.yaml'));
    expect(c?.options).toEqual({
      version: 'r1.4',
      gpu: true,
      computeCapabilities: ['6.1'],
      output: join(dir, 'wheels'),
      python: 'python3.6',
      hostCompiler: join(dir, 'bin/gcc'),
      install: { mode: 'none' },
    });
  });

  it('reads JSON via --config FILE, allows $schema, and finds nothing when there is no file', () => {
    const dir = tmp();
    const f = join(dir, 'ci.json');
    writeFileSync(f, JSON.stringify({ $schema: 'x', cpuFlags: ['avx2', 'fma'], jobs: 2 }));
    expect(loadConfig({ cwd: '/', configFile: f })?.options).toEqual({ cpuFlags: ['avx2', 'fma'], jobs: 2 });
    expect(loadConfig({ cwd: tmp() })).toBeUndefined();
  });

  it('rejects invalid values and unknown keys with ConfigError (exit 4) listing each key', () => {
    const dir = tmp();
    const f = join(dir, 'tfbuild.config.json');
    writeFileSync(f, JSON.stringify({ jobs: -1, computeCapabilities: ['86'], gpus: true }));
    let e: unknown;
    try {
      readConfigFile(f);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ConfigError);
    const err = e as ConfigError;
    expect(err.exitCode).toBe(4);
    expect(err.details.join('\n')).toMatch(/jobs: /);
    expect(err.details.join('\n')).toMatch(/computeCapabilities\.0: /);
    expect(err.details.join('\n')).toMatch(/gpus/);
  });

  it('rejects broken syntax, a list at top level, an unknown extension, and two config files', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.yaml'), 'gpu: [\n');
    expect(() => readConfigFile(join(dir, 'a.yaml'))).toThrow(/not valid YAML/);
    writeFileSync(join(dir, 'b.json'), '[1]');
    expect(() => readConfigFile(join(dir, 'b.json'))).toThrow(/expected an object/);
    expect(() => readConfigFile(join(dir, 'c.toml'))).toThrow(/must end in .json/);
    const two = tmp();
    writeFileSync(join(two, 'tfbuild.config.json'), '{}');
    writeFileSync(join(two, 'tfbuild.config.yaml'), '{}');
    expect(() => findConfigFile(two)).toThrow(ConfigError);
  });

  it('flags win over the file; unset flags do not erase file values', () => {
    expect(mergeOptions({ gpu: true, jobs: 4, output: '/o' }, { jobs: 8, output: undefined, python: '/p' })).toEqual({
      gpu: true,
      jobs: 8,
      output: '/o',
      python: '/p',
    });
  });

  it('--save-config writes relative paths absolute (they were relative to the cwd, not to the file)', () => {
    const dir = tmp();
    const f = writeConfigFile(join(dir, 'elsewhere', 'c.json'), { version: 'r1.4', output: 'dist', python: 'python3.6', source: '../tf' }, { cwd: '/home/u/proj' });
    expect(readConfigFile(f).options).toEqual({ version: 'r1.4', output: '/home/u/proj/dist', python: 'python3.6', source: '/home/u/tf' });
  });

  it('--save-config writes only decisions (not defaults) and reads back to the same options', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'sub'));
    const decided = {
      version: 'r1.4',
      gpu: true,
      python: '/usr/bin/python3.6',
      computeCapabilities: ['6.1', '7.0'],
      cpuFlags: ['avx2'],
      output: '/abs/dist',
      install: { mode: 'venv' as const },
      remoteHeaders: ['Authorization=Bearer ${CACHE_TOKEN}'],
    };
    for (const name of ['sub/saved.json', 'sub/saved.yaml']) {
      const f = writeConfigFile(join(dir, name), decided);
      const text = readFileSync(f, 'utf8');
      expect(text).not.toMatch(/maxRetries|allowDirty|install/); // defaults left out
      expect(text).toContain('${CACHE_TOKEN}');
      expect(readConfigFile(f).options).toEqual({
        version: 'r1.4',
        gpu: true,
        python: '/usr/bin/python3.6',
        computeCapabilities: ['6.1', '7.0'],
        cpuFlags: ['avx2'],
        output: '/abs/dist',
        remoteHeaders: ['Authorization=Bearer ${CACHE_TOKEN}'],
      });
    }
  });
});
