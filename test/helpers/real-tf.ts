/**
 * TensorFlow's own files (configure.py of r1.4 and of current master, workspace.bzl, …) live beside the repository
 * in ../shared/reference/real-tf, never inside it. Tests that need them skip when the folder is absent on a
 * developer's machine, and fail loudly in CI, where skipping would hide that nothing was checked.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const REAL_TF_DIR = join(REPO_ROOT, '..', 'shared', 'reference', 'real-tf');

/** The real-tf folder, or null when absent outside CI. Throws in CI (CI=true) when absent. */
export function findRealTf(): string | null {
  if (existsSync(join(REAL_TF_DIR, 'SOURCES.md'))) return REAL_TF_DIR;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`The real TensorFlow files are missing: expected ${REAL_TF_DIR}/SOURCES.md (../shared/reference/real-tf beside the repository root).`);
  }
  return null;
}
