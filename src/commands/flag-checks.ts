/**
 * Flags that cannot be meant together, or values that name nothing: refused (exit 2) before any probe, plan or
 * step, each with the flag named. Pure apart from existence checks of the paths given.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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

const PAIRS: Array<[keyof CheckedFlags, keyof CheckedFlags, string]> = [
  ['installInto', 'venv', '--install-into installs into an existing python; --venv makes a new venv: pick one'],
];

/**
 * Flags whose value must name an existing directory. Programs (--bazel, --python, --install-into…) that are not
 * there are the host's lack (exit 3, with install advice, from the preflight); data files (--recipe, --config) are
 * config errors (exit 4) from their loaders.
 */
const EXISTING: Array<keyof CheckedFlags> = ['source'];

const flagName = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function verifyFlagCombinations(f: CheckedFlags): void {
  if (f.install === false && (f.installInto !== undefined || f.venv !== undefined)) {
    throw new UsageError(`--no-install cannot go with ${f.installInto !== undefined ? '--install-into' : '--venv'}.`, { hint: 'Leave out --no-install to install, or the other flag to build only.' });
  }
  for (const [a, b, why] of PAIRS) {
    if (f[a] !== undefined && f[b] !== undefined) throw new UsageError(`${flagName(a)} cannot go with ${flagName(b)}: ${why}.`, { hint: `Leave out one of ${flagName(a)} and ${flagName(b)}.` });
  }
  for (const [k, v] of Object.entries(f)) {
    if (typeof v === 'string' && v.trim() === '') throw new UsageError(`${flagName(k)} is empty.`, { hint: `Give ${flagName(k)} a value, or leave it out for the default.` });
  }
  for (const k of EXISTING) {
    const v = f[k];
    // `~/x` is expanded by tfbuild itself (a quoted ~ reaches it unexpanded).
    if (typeof v === 'string' && !existsSync(v.startsWith('~/') ? join(homedir(), v.slice(2)) : v)) {
      throw new UsageError(`${flagName(k)} ${v}: no such file or directory.`, { hint: `Check the path given to ${flagName(k)}.` });
    }
  }
}
