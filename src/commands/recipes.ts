/**
 * `tfbuild recipes [--json]`: every release line with its tested configuration.
 * `tfbuild recipes show VERSION [--gpu] [--recipe FILE] [--json]`: one recipe in full, with the configure environment
 * and the bazel command it implies.
 */
import Table from 'cli-table3';
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../errors.js';
import { getBazelBuildArgs, getConfigureEnv, getPackagingStep, formatShellLine } from '../recipes/format.js';
import { loadCatalog, resolveRecipe, type Recipe } from '../recipes/index.js';
import { toJson } from '../ui/output.js';

export interface RecipeSummary {
  version: string;
  line: string;
  tags: Recipe['tags'];
  tested: Recipe['tested'];
  configure: Recipe['configure']['era'];
  buildEra: Recipe['build']['era'];
  containers: Recipe['containers'];
  unconfirmed: number;
}

export function listRecipes(): RecipeSummary[] {
  return loadCatalog().map((r) => ({
    version: r.version,
    line: r.line,
    tags: r.tags,
    tested: r.tested,
    configure: r.configure.era,
    buildEra: r.build.era,
    containers: r.containers,
    unconfirmed: r.unconfirmed.length,
  }));
}

export interface RecipeDetails {
  tag: string;
  recipe: Recipe;
  implied: Record<'cpu' | 'gpu', { configureEnv: { name: string; value: string }[]; bazel: string[]; packaging: string[] | null; wheelDir: string } | null>;
}

export function showRecipe(version: string, opts: { recipeFile?: string } = {}): RecipeDetails {
  const { recipe, tag } = resolveRecipe(version, opts);
  const implied = (gpu: boolean) => {
    const pkg = getPackagingStep(recipe);
    return {
      configureEnv: getConfigureEnv(recipe, { gpu }).map(({ name, value }) => ({ name, value })),
      bazel: getBazelBuildArgs(recipe, { gpu, bazelVersion: recipe.bazel.tested }),
      packaging: pkg.command,
      wheelDir: pkg.wheelDir,
    };
  };
  return { tag, recipe, implied: { cpu: implied(false), gpu: recipe.gpu ? implied(true) : null } };
}

export function formatRecipeTable(rows: readonly RecipeSummary[]): string {
  const table = new Table({
    head: ['version', 'line', 'default tag', 'python', 'compiler', 'bazel', 'cuDNN', 'CUDA', 'configure', 'build'],
    style: { head: [], border: [], compact: true },
  });
  for (const r of rows) {
    table.push([r.version, r.line, r.tags.default, r.tested.python, r.tested.compiler, r.tested.bazel, r.tested.cudnn, r.tested.cuda, r.configure, r.buildEra]);
  }
  return `${table.toString()}\nTested build configurations from tensorflow.org/install/source. Details: tfbuild recipes show VERSION [--gpu]\n`;
}

export function formatRecipeDetails(d: RecipeDetails, gpu: boolean): string {
  const r = d.recipe;
  const out: string[] = [];
  out.push(`TensorFlow ${r.line} — building ${d.tag} (known tags: ${r.tags.known.join(', ')})`);
  out.push(`tested:     python ${r.tested.python}; ${r.tested.compiler}; bazel ${r.tested.bazel}; cuDNN ${r.tested.cudnn}; CUDA ${r.tested.cuda}`);
  out.push(`python:     ${r.python.range}${r.python.hermetic ? ` (hermetic: ${r.python.hermeticVersions?.join(', ') ?? ''})` : ''}, preferred ${r.python.preferred}`);
  out.push(`compiler:   ${r.compiler.kind} ${r.compiler.range}${r.compiler.gpuRange ? `; for CUDA builds ${r.compiler.gpuRange}` : ''}`);
  out.push(`bazel:      ${r.bazel.range} (tested ${r.bazel.tested}${r.bazel.useBazelversionFile ? ", the tag's .bazelversion wins" : ''})`);
  for (const f of r.bazel.flagRules) out.push(`            bazel ${f.bazel}: add ${f.flags.join(' ')} — ${f.reason}`);
  for (const b of r.bazel.broken) out.push(`            bazel ${b.bazel} fails: ${b.reason}`);
  out.push(`JDK:        ${r.jdk ? r.jdk.range : 'none needed (bazel embeds one)'}`);
  if (r.gpu) {
    out.push(`CUDA:       ${r.gpu.cuda.range}; cuDNN ${r.gpu.cudnn.range}${r.gpu.hermetic ? ' (hermetic: bazel downloads both)' : ''}`);
    const cc = r.gpu.computeCapabilities;
    out.push(`GPUs:       compute capability ${cc.min}–${cc.max ?? 'any'}, default ${cc.default}`);
  }
  out.push(`configure:  ${r.configure.era}, booleans as ${r.configure.boolFormat === '01' ? '0/1' : r.configure.boolFormat}${r.configure.exitsZeroOnBazelFailure ? '; exits 0 even when bazel is unusable' : ''}`);
  out.push(`patches:    ${r.patches.join(', ') || 'none'}`);
  out.push(`containers: ${r.containers.cpu} (CPU), ${r.containers.gpu ?? 'none'} (GPU)`);
  out.push(`verify:     ${r.verify.era === 'graph' ? 'graph/session (1.x)' : 'eager (2.x)'}`);
  out.push(`estimates:  ~${r.estimates.diskGiB} GiB disk, ~${r.estimates.cpuHours} CPU-hours, ${r.estimates.ramPerJobMiB} MiB RAM per job`);
  const which = gpu ? d.implied.gpu : d.implied.cpu;
  if (which) {
    out.push('', `${gpu ? 'GPU' : 'CPU'} build (template variables are filled from the host by tfbuild plan):`);
    for (const e of which.configureEnv) out.push(`  export ${e.name}=${formatShellLine([e.value])}`);
    out.push('  ./configure', `  ${formatShellLine(which.bazel)}`);
    if (which.packaging) out.push(`  ${formatShellLine(which.packaging)}`);
    out.push(`  # wheel: ${which.wheelDir}/${gpu ? r.build.wheelName.gpu : r.build.wheelName.cpu}-*.whl`);
  } else if (gpu) {
    out.push('', 'This recipe has no GPU build.');
  }
  if (r.notes.length) out.push('', 'notes:', ...r.notes.map((n) => `  - ${n}`));
  if (r.unconfirmed.length) out.push('', 'unconfirmed (correct the recipe file if you know better):', ...r.unconfirmed.map((n) => `  - ${n}`));
  return out.join('\n') + '\n';
}

export function register(program: Command, io: CliIO): Command {
  const cmd = program
    .command('recipes')
    .description('list the TensorFlow releases tfbuild knows, with their tested build configuration')
    .option('--json', 'print an array of {version, line, tags, tested, ...}')
    .action((options: { json?: boolean }) => {
      const rows = listRecipes();
      io.stdout(options.json ? toJson(rows) : formatRecipeTable(rows));
    });
  cmd
    .command('show')
    .description('everything in one recipe, with the configure environment and bazel command it implies')
    .argument('[version]', 'r1.4, 1.4, 1.4.1 or v1.4.1 (optional with --recipe)', '')
    .option('--gpu', 'show the GPU build (default: CPU)')
    .option('--recipe <file>', 'validate and show your own recipe file (YAML or JSON) instead of the catalog')
    .option('--json', 'print the recipe, the tag and the implied CPU and GPU commands as JSON')
    .action((version: string, _local: unknown, self: Command) => {
      // --json may land on the parent `recipes` command: read the merged options.
      const options = self.optsWithGlobals<{ gpu?: boolean; recipe?: string; json?: boolean }>();
      if (version === '' && options.recipe === undefined) {
        throw new UsageError('recipes show needs a VERSION or --recipe FILE.', { hint: 'e.g. tfbuild recipes show r1.4 --gpu; tfbuild recipes lists the versions.' });
      }
      const details = showRecipe(version, options.recipe !== undefined ? { recipeFile: options.recipe } : {});
      io.stdout(options.json ? toJson(details) : formatRecipeDetails(details, options.gpu === true));
    })
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return cmd;
}
