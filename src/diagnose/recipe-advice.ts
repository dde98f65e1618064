/**
 * Fixes that name a compiler take its version from the release's recipe, not from a general guess: nvcc of CUDA 8
 * rejects every gcc after 5, so "install gcc-9" (right for CUDA 11) is wrong advice for r1.4. Pure.
 */
import semver from 'semver';
import type { Recipe } from '../recipes/schema.js';
import type { Diagnosis, Match } from './matcher.js';

/** The newest gcc major a range admits (">=4.8.0 <6.0.0" → 5); null when none of 4…30 fits. */
export function getNewestMajor(range: string): number | null {
  for (let m = 30; m >= 4; m--) {
    if (semver.intersects(range, `>=${m}.0.0 <${m + 1}.0.0`)) return m;
  }
  return null;
}

function adviseNvccGcc(m: Match, recipe: Recipe): Match {
  const range = recipe.compiler.gpuRange;
  const major = range !== undefined ? getNewestMajor(range) : null;
  if (range === undefined || major === null || recipe.gpu === null) return m;
  const v = recipe.line.replace(/^r/, '');
  return {
    ...m,
    fix: `${recipe.line} builds with CUDA ${recipe.gpu.cuda.tested}, whose nvcc accepts gcc ${range}: gcc ${major} at the newest. Install it and pass it as the host compiler, or build in the release's CUDA container, which ships such a gcc.`,
    fixCommands: [
      `sudo apt-get install -y gcc-${major} g++-${major}   # where your distribution still packages it`,
      `tfbuild build ${v} --gpu --host-compiler /usr/bin/gcc-${major}`,
      `tfbuild docker ${v} --gpu`,
    ],
  };
}

const ADVISERS: Record<string, (m: Match, r: Recipe) => Match> = {
  'build-nvcc-unsupported-gcc': adviseNvccGcc,
};

/** The diagnosis with each recipe-dependent fix rewritten for this release. */
export function adviseForRecipe(d: Diagnosis, recipe: Recipe): Diagnosis {
  return { ...d, matches: d.matches.map((m) => ADVISERS[m.id]?.(m, recipe) ?? m) };
}
