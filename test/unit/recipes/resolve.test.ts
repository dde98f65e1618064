import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { parseVersionRequest, resolveRecipe } from '../../../src/recipes/index.js';

describe('resolveRecipe', () => {
  it.each([
    ['r1.4', 'r1.4', 'v1.4.1'],
    ['1.4', 'r1.4', 'v1.4.1'],
    ['1.4.1', 'r1.4', 'v1.4.1'],
    ['v1.4.1', 'r1.4', 'v1.4.1'],
    ['v1.4.0', 'r1.4', 'v1.4.0'],
    ['1.4.0', 'r1.4', 'v1.4.0'],
    ['R1.4', 'r1.4', 'v1.4.1'],
    ['2.16', 'r2.16', 'v2.16.2'],
    ['v2.16.1', 'r2.16', 'v2.16.1'],
    ['1.13', 'r1.13', 'v1.13.2'],
    ['2.21.0', 'r2.21', 'v2.21.0'],
    ['r1.0', 'r1.0', 'v1.0.1'],
  ])('%s → %s at %s', (input, line, tag) => {
    const r = resolveRecipe(input);
    expect(r.recipe.line).toBe(line);
    expect(r.tag).toBe(tag);
  });

  it('refuses an unknown release, naming the closest known ones (exit 4)', () => {
    let err: unknown;
    try {
      resolveRecipe('9.9');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain('9.9');
    expect(e.details.join('\n')).toMatch(/closest known releases: r2\.19 \(v2\.19\.1\), r2\.20 \(v2\.20\.0\), r2\.21 \(v2\.21\.0\)/);
  });

  it('names neighbours on both sides for a gap inside the catalog', () => {
    expect(() => resolveRecipe('1.16')).toThrow(ConfigError);
    try {
      resolveRecipe('1.16');
    } catch (e) {
      expect((e as ConfigError).details.join()).toMatch(/r1\.14 .*r1\.15 .*r2\.0 /);
    }
  });

  it('refuses an unknown patch release of a known line, listing the known tags', () => {
    try {
      resolveRecipe('1.4.7');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).details.join()).toContain('v1.4.0, v1.4.1');
    }
  });

  it('refuses text that is no version at all', () => {
    expect(() => resolveRecipe('latest')).toThrow(/not a TensorFlow version/);
  });

  it('parses the usual spellings', () => {
    expect(parseVersionRequest('v2.0.0-rc1')).toEqual({ major: 2, minor: 0, patch: '0-rc1' });
    expect(parseVersionRequest('r1.4')).toEqual({ major: 1, minor: 4, patch: null });
    expect(parseVersionRequest('1')).toBeNull();
  });
});
