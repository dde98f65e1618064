/** The recipe JSON Schema for editors (schema/recipe.schema.json), generated from the zod schema. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RecipeSchema } from './schema.js';

export function recipeSchemaPath(): string {
  return fileURLToPath(new URL('../../schema/recipe.schema.json', import.meta.url));
}

/** `io: 'input'`: what a recipe file may contain, so fields with defaults are optional. */
export function getRecipeJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RecipeSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return {
    $id: 'https://github.com/tfbuild/tfbuild/schema/recipe.schema.json',
    title: 'tfbuild recipe: how to build one TensorFlow release line',
    ...schema,
  };
}

export function formatRecipeJsonSchema(): string {
  return JSON.stringify(getRecipeJsonSchema(), null, 2) + '\n';
}

/** Used by `npm run gen:schema`. */
export function writeRecipeJsonSchema(file: string = recipeSchemaPath()): string {
  writeFileSync(file, formatRecipeJsonSchema());
  return file;
}
