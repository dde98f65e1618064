/**
 * Settles which bazel a build runs before the plan is made (issue 8, "bazel version management"): when the bazel on
 * PATH is outside the recipe's range (or missing) and neither --bazel nor a bazelisk is there, download the recipe's
 * bazel, sha256-verified, into tfbuild's cache — with --yes, or after a yes at the prompt. Headless runs without --yes
 * keep the preflight's exit-3 finding (which names --yes), so nothing is fetched from the network unasked.
 * An installed bazel whose release is unknown (Debian's `no_version`) is left alone: preflight judges it.
 */
import type { HostFacts } from '../probe/types.js';
import type { Recipe } from '../recipes/schema.js';
import { ensureBazel, isBazelInRange } from '../tools/bazel-release.js';

export function needsOtherBazel(facts: HostFacts, recipe: Recipe): boolean {
  if (facts.bazelisk || facts.bazel?.kind === 'bazelisk') return false; // the plan uses bazelisk + USE_BAZEL_VERSION
  if (!facts.bazel) return true;
  // Debian's bazel reports no release; its package's release (4.2.3) is the one that matters here too.
  const version = facts.bazel.version ?? facts.bazel.packageRelease ?? null;
  return version !== null && !isBazelInRange(version, recipe.bazel.range);
}

export interface SettleBazelInput {
  facts: HostFacts;
  recipe: Recipe;
  yes: boolean;
  interactive: boolean;
  cacheDir: string;
  confirm: (question: string) => Promise<boolean>;
  print: (line: string) => void;
}

/** Facts with `bazel` pointing at a verified download, or the same facts when nothing was needed or allowed. */
export async function settleBazel(i: SettleBazelInput): Promise<HostFacts> {
  if (!needsOtherBazel(i.facts, i.recipe) || (!i.yes && !i.interactive)) return i.facts;
  const r = await ensureBazel({
    recipe: i.recipe, facts: i.facts, yes: i.yes, cacheDir: i.cacheDir,
    ...(i.interactive && !i.yes ? { confirm: i.confirm } : {}),
    onEvent: (e) => i.print(e.message),
  });
  if (r.via !== 'downloaded') return i.facts;
  i.print(`Using bazel ${r.version} from ${r.path} (sha256 verified).`);
  return { ...i.facts, bazel: { kind: 'bazel', path: r.path, version: r.version, unknownRelease: false, raw: `bazel ${r.version}` } };
}
