/** Default locations, computed from the environment passed in (pure: no process.env reads here). */
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export interface PathEnv {
  home: string;
  cwd: string;
  xdgCacheHome?: string | undefined;
}

export function getCacheDir(env: PathEnv): string {
  return join(env.xdgCacheHome && env.xdgCacheHome !== '' ? env.xdgCacheHome : join(env.home, '.cache'), 'tfbuild');
}

/**
 * A tag becomes a path component (the work dir, the clone dir): it must be one plain name. git's own ref rules
 * allow `/` and more; TensorFlow's release tags (v2.17.0, v2.0.0-rc1, 1.4.1) need none of it, and a `..` or `/`
 * would let a tag name a directory outside tfbuild's work dir.
 */
export function verifyTagName(tag: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(tag) || tag.includes('..') || tag.endsWith('.') || tag.endsWith('.lock') || tag.length > 100) {
    throw new UsageError(`--tag ${JSON.stringify(tag)} is not a release tag name.`, {
      hint: 'Name a tag like v2.17.0: letters, digits, ".", "-", "_" and "+", no "/" or "..".',
    });
  }
}

export function getDefaultWorkdir(env: PathEnv, tag: string, gpu: boolean): string {
  verifyTagName(tag);
  return join(getCacheDir(env), 'work', `${tag}-${gpu ? 'gpu' : 'cpu'}`);
}

export function getDefaultDiskCache(env: PathEnv): string {
  return join(getCacheDir(env), 'disk-cache');
}

/**
 * bazel's --output_user_root: fixed under the cache dir, never a temp dir, so a rebuild finds its outputs. bazel
 * keys the output base below it by the workspace path, so each work dir gets its own stable output base, and the
 * install base is extracted once. Kept short: bazel's server socket path must stay under ~100 bytes.
 */
export function getOutputUserRoot(env: PathEnv): string {
  return join(getCacheDir(env), 'bazel');
}

export function resolvePath(env: PathEnv, p: string): string {
  return resolve(env.cwd, p.startsWith('~/') ? join(env.home, p.slice(2)) : p);
}
