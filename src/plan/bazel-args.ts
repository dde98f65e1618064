/** bazel startup and build flags for a recipe era, in a stable order (an unchanged rebuild re-executes nothing). */
import semver from 'semver';
import type { Recipe } from '../recipes/schema.js';
import { expandTemplate, isWanted, type TemplateValues } from './configure-env.js';

export interface BazelArgsInput {
  recipe: Recipe;
  gpu: boolean;
  /** Known bazel release, or null (Debian's bazel-bootstrap prints `no_version`). */
  bazelVersion: string | null;
  copts: string[];
  jobs: number;
  localRamMiB: number;
  diskCache: string | null;
  extraFlags: string[];
  /** Cache/remote flags from the scale-out options. */
  remoteFlags: string[];
  vars: TemplateValues;
}

function atLeast(version: string | null, min: string): boolean {
  // Callers resolve an unknown release first (getFlagBazelVersion); a version that does not parse is not assumed new.
  if (version === null) return false;
  const v = semver.coerce(version);
  return v !== null && semver.gte(v, min);
}

/**
 * The release flags are spelled for. A bazel that does not say which release it is (and no package database
 * does either) is never assumed modern: flags follow the oldest release the recipe admits, so r1.4 (bazel 0.5.4)
 * gets --local_resources and no --disk_cache rather than flags its bazel rejects.
 */
export function getFlagBazelVersion(recipe: Recipe, version: string | null): { version: string | null; note: string | null } {
  if (version !== null) return { version, note: null };
  const oldest = semver.minVersion(recipe.bazel.range)?.version ?? null;
  if (oldest === null) return { version: null, note: 'version-specific flags are left out.' };
  const dropped = [
    ...(atLeast(oldest, '0.17.0') ? [] : ['--local_ram_resources (--local_resources instead)']),
    ...(atLeast(oldest, '0.14.0') ? [] : ['--disk_cache']),
  ];
  return {
    version: oldest,
    note: `flags are spelled for the oldest release ${recipe.line} admits (${oldest})${dropped.length > 0 ? `: no ${dropped.join(', no ')}` : ''}. Run a bazel that reports its release (bazelisk with USE_BAZEL_VERSION=${recipe.bazel.tested}) for the full set.`,
  };
}

export function getFlagRuleFlags(recipe: Recipe, bazelVersion: string | null): string[] {
  if (bazelVersion === null) return [];
  const v = semver.coerce(bazelVersion);
  if (v === null) return [];
  return recipe.bazel.flagRules.filter((r) => semver.satisfies(v, r.bazel)).flatMap((r) => r.flags);
}

/**
 * The flags a recipe implies for a build: --config=opt, --config=cuda (GPU), the era's flags, the flag rules for this
 * bazel release and the --repo_env values. `tfbuild recipes show` and the plan both use this, so they cannot disagree.
 */
export function getRecipeBazelFlags(
  recipe: Recipe,
  gpu: boolean,
  bazelVersion: string | null,
  expand: (value: string, name: string) => string,
): string[] {
  const flags: string[] = [...recipe.build.flags];
  if (!recipe.build.flags.includes('--config=opt')) flags.unshift('--config=opt');
  if (gpu) {
    flags.push(...recipe.build.gpuFlags);
    if (!flags.includes('--config=cuda')) flags.push('--config=cuda');
  } else {
    flags.push(...recipe.build.cpuFlags);
  }
  flags.push(...getFlagRuleFlags(recipe, bazelVersion));
  for (const r of recipe.build.repoEnv) {
    if (isWanted(r.when, gpu)) flags.push(`--repo_env=${r.name}=${expand(r.value, r.name)}`);
  }
  return flags;
}

export function buildBazelArgs(i: BazelArgsInput): string[] {
  const flags = getRecipeBazelFlags(i.recipe, i.gpu, i.bazelVersion, (value, name) =>
    expandTemplate(value, i.vars, `recipe ${i.recipe.line} repoEnv ${name}`),
  );
  for (const c of i.copts) flags.push(`--copt=${c}`);
  flags.push(`--jobs=${i.jobs}`);
  // --local_ram_resources arrived in bazel 0.17; older releases take --local_resources=RAM,CPU,IO.
  if (atLeast(i.bazelVersion, '0.17.0')) flags.push(`--local_ram_resources=${i.localRamMiB}`);
  else flags.push(`--local_resources=${i.localRamMiB},${i.jobs},1.0`);
  // --disk_cache arrived in bazel 0.14 (r1.4's bazel 0.5.4 rejects it).
  if (i.diskCache !== null && atLeast(i.bazelVersion, '0.14.0')) flags.push(`--disk_cache=${i.diskCache}`);
  flags.push(...i.remoteFlags);
  flags.push(...i.extraFlags);
  // De-duplicate while keeping the first position: the same flag twice changes nothing but the action keys' order.
  return [...new Set(flags)];
}

/**
 * bazel keeps its server (a JVM holding GBs) for 3 hours after a build by default: tfbuild's builds give it 15 idle
 * minutes, long enough for a quick rebuild (a headless run also shuts it down when its bazel step ends).
 */
export const BAZEL_MAX_IDLE_SECS = 900;

export function buildStartupArgs(outputUserRoot: string): string[] {
  return [`--output_user_root=${outputUserRoot}`, `--max_idle_secs=${BAZEL_MAX_IDLE_SECS}`];
}
