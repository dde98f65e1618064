/**
 * What a recipe implies, rendered without a host: the configure environment and the bazel command, with template
 * variables ({python}, {cudaPath}…) left for the plan to fill. Pure; the real plan comes from src/plan.
 */
import { getRecipeBazelFlags } from '../plan/bazel-args.js';
import { renderConfigureEnv } from '../plan/configure-env.js';
import type { Recipe } from './schema.js';

export interface RenderOptions {
  gpu: boolean;
  /** A concrete bazel release: adds the recipe's flagRules for it. */
  bazelVersion?: string | null;
  /** Values for template variables; unknown ones stay as {name}. */
  vars?: Partial<Record<string, string>>;
}

export function fillTemplate(value: string, vars: Partial<Record<string, string>> = {}): string {
  return value.replace(/\{([A-Za-z]+)\}/g, (m, name: string) => vars[name] ?? m);
}

/** The variables exported before ./configure for a CPU or GPU build, in recipe order (the plan's own renderer). */
export function getConfigureEnv(recipe: Recipe, opts: RenderOptions): { name: string; value: string; description?: string }[] {
  return renderConfigureEnv(recipe, opts.gpu, (v) => fillTemplate(v, opts.vars));
}

function templateVars(recipe: Recipe, opts: RenderOptions): Partial<Record<string, string>> {
  return { wheelName: opts.gpu ? recipe.build.wheelName.gpu : recipe.build.wheelName.cpu, ...opts.vars };
}

/** argv of the bazel build that produces the wheel (or the build_pip_package script); the plan's own flag logic. */
export function getBazelBuildArgs(recipe: Recipe, opts: RenderOptions): string[] {
  const vars = templateVars(recipe, opts);
  return ['bazel', 'build', ...getRecipeBazelFlags(recipe, opts.gpu, opts.bazelVersion ?? null, (v) => fillTemplate(v, vars)), recipe.build.target];
}

/** The step after bazel: run build_pip_package into `outDir`, or pick the wheel from the rule's directory. */
export function getPackagingStep(recipe: Recipe, outDir = '/tmp/tensorflow_pkg'): { command: string[] | null; wheelDir: string } {
  const p = recipe.build.packaging;
  return p.kind === 'build_pip_package' ? { command: [p.script, outDir], wheelDir: outDir } : { command: null, wheelDir: p.dir };
}

const SAFE = /^[A-Za-z0-9_./=:,@%+{}-]+$/;

/** A copy-pasteable shell line (single quotes where needed). */
export function formatShellLine(argv: readonly string[]): string {
  return argv.map((a) => (SAFE.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
