import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { formatRecipeJsonSchema, getRecipeJsonSchema, recipeSchemaPath } from '../../../src/recipes/json-schema.js';
import { recipesDir } from '../../../src/recipes/index.js';

describe('schema/recipe.schema.json', () => {
  it('is in sync with RecipeSchema (npm run gen:schema, or UPDATE_SCHEMA=1, regenerates it)', () => {
    const expected = formatRecipeJsonSchema();
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(recipeSchemaPath(), expected);
    expect(readFileSync(recipeSchemaPath(), 'utf8')).toBe(expected);
  });

  it('describes the fields editors complete and marks defaulted ones optional', () => {
    const s = getRecipeJsonSchema() as { properties: Record<string, { description?: string }>; required: string[] };
    expect(s.properties.tested?.description).toMatch(/tested build configuration/);
    expect(s.required).toContain('version');
    expect(s.required).not.toContain('patches');
    expect(s.required).not.toContain('unconfirmed');
  });

  it('every shipped recipe points editors at it', () => {
    const text = readFileSync(`${recipesDir()}/r1.4.yaml`, 'utf8');
    expect((YAML.parse(text) as { $schema: string }).$schema).toBe('../schema/recipe.schema.json');
  });
});
