/**
 * Flags that cannot be meant together, or values that name nothing: refused (exit 2) before any probe, plan or
 * step, each with the flag named. Pure apart from existence checks of the paths given.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolvePath } from '../plan/paths.js';
import { UsageError } from '../errors.js';

interface CheckedFlags {
  source?: string | undefined;
  recipe?: string | undefined;
  workdir?: string | undefined;
  output?: string | undefined;
  python?: string | undefined;
  hostCompiler?: string | undefined;
  cudaPath?: string | undefined;
  cudnnPath?: string | undefined;
  bazel?: string | undefined;
  installInto?: string | undefined;
  install?: boolean | undefined;
  venv?: string | undefined;
  hostFacts?: string | undefined;
  config?: string | undefined;
}

/**
 * Flags whose value must name an existing directory. Programs (--bazel, --python, --install-into…) that are not
 * there are the host's lack (exit 3, with install advice, from the preflight); data files (--recipe, --config) are
 * config errors (exit 4) from their loaders.
 */
const EXISTING: Array<keyof CheckedFlags> = ['source'];

const flagName = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function verifyFlagCombinations(f: CheckedFlags): void {
  // --install-into, --venv and --no-install together: readInstallFlags (build-options.ts) refuses any two of them.
  for (const [k, v] of Object.entries(f)) {
    if (typeof v === 'string' && v.trim() === '') throw new UsageError(`${flagName(k)} is empty.`, { hint: `Give ${flagName(k)} a value, or leave it out for the default.` });
  }
  for (const k of EXISTING) {
    const v = f[k];
    // `~/x` is expanded by tfbuild itself (a quoted ~ reaches it unexpanded), the same way the plan expands it.
    if (typeof v === 'string' && !existsSync(resolvePath({ home: process.env.HOME ?? homedir(), cwd: process.cwd() }, v))) {
      throw new UsageError(`${flagName(k)} ${v}: no such file or directory.`, { hint: `Check the path given to ${flagName(k)}.` });
    }
  }
}
