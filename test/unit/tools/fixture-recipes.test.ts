import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import semver from 'semver';
import { loadRecipeFile } from '../../../src/recipes/load.js';
import { RecipeSchema } from '../../../src/recipes/schema.js';
import { fixtureRecipe, FIXTURE_TAGS, type FixtureShape } from '../../helpers/fixture.js';

describe.each(['r1.4', '2.17'] as FixtureShape[])('fixture recipe %s', (shape) => {
  const file = fixtureRecipe(shape);

  it('exists and passes the zod schema and the cross-field rules', () => {
    expect(existsSync(file)).toBe(true);
    expect(RecipeSchema.safeParse(YAML.parse(readFileSync(file, 'utf8'))).success).toBe(true);
    const r = loadRecipeFile(file);
    expect(r.errors).toEqual([]);
    expect(r.value).not.toBeNull();
  });

  it('accepts what this machine has: any bazel, python 3.11, gcc 12', () => {
    const r = loadRecipeFile(file).value!;
    expect(r.bazel.range).toBe('*');
    expect(semver.satisfies('3.11.2', r.python.range)).toBe(true);
    expect(r.compiler.kind).toBe('gcc');
    expect(semver.satisfies('12.2.0', r.compiler.range)).toBe(true);
    expect(r.tags.default).toBe(FIXTURE_TAGS[shape].tag);
    expect(r.version).toBe(FIXTURE_TAGS[shape].version.replace(/\.\d+$/, '.0'));
  });

  it('keeps the real recipe shape: patches, containers, packaging', () => {
    const r = loadRecipeFile(file).value!;
    const real = loadRecipeFile(`recipes/r${shape.replace(/^r/, '')}.yaml`).value!;
    expect(r.patches).toEqual(real.patches);
    expect(r.containers).toEqual(real.containers);
    expect(r.build.packaging).toEqual(real.build.packaging);
    expect(r.build.target).toBe(real.build.target);
    expect(r.configure.boolFormat).toBe(real.configure.boolFormat);
    if (shape === 'r1.4') expect(r.patches).toEqual(['nasm-mirror']);
  });
});
