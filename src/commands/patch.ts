/** `tfbuild patch VERSION --source DIR [--check]`: apply (or check) a recipe's patches to any checkout. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { ReportedFailure, UsageError } from '../errors.js';
import { createExec } from '../exec/index.js';
import { applyPatches, formatPatchOutcomes } from '../patches/index.js';
import { resolveRecipe } from '../recipes/index.js';
import { toJson } from '../ui/output.js';

export interface PatchCommandOptions {
  version: string;
  source: string;
  recipeFile?: string;
  check?: boolean;
}

export async function patchTree(o: PatchCommandOptions) {
  const dir = resolve(o.source);
  if (!existsSync(dir)) throw new UsageError(`--source ${dir} does not exist.`, { hint: 'Pass the root of a TensorFlow checkout.' });
  const { recipe } = resolveRecipe(o.version, o.recipeFile !== undefined ? { recipeFile: o.recipeFile } : {});
  return { recipe: recipe.line, dir, outcomes: await applyPatches(recipe.patches, dir, createExec(), { checkOnly: o.check ?? false }) };
}

export function register(program: Command, io: CliIO): Command {
  return program
    .command('patch')
    .description("apply a release's known fixes (e.g. the dead nasm mirror) to a TensorFlow checkout")
    .argument('<version>', 'release whose patches to apply: r1.4, 1.4.1…')
    .requiredOption('--source <dir>', 'the checkout to patch')
    .option('--recipe <file>', 'use this recipe file instead of the catalog')
    .option('--check', 'only report: applies | already applied | conflict (exit 6 on a conflict)')
    .option('--json', 'print the outcomes as JSON')
    .action(async (version: string, f: { source: string; recipe?: string; check?: boolean; json?: boolean }) => {
      const r = await patchTree({ version, source: f.source, ...(f.recipe ? { recipeFile: f.recipe } : {}), check: f.check ?? false });
      if (r.outcomes.length === 0) {
        io.stdout(f.json ? toJson(r) : `${r.recipe} needs no patches.\n`);
        return;
      }
      io.stdout(f.json ? toJson(r) : formatPatchOutcomes(r.outcomes, f.check ?? false));
      if (f.check && r.outcomes.some((o) => o.status === 'conflict')) throw new ReportedFailure('conflict', 'patch --check: a patch conflicts');
    });
}
