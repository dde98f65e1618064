/** Default locations, computed from the environment passed in (pure: no process.env reads here). */
import { join, resolve } from 'node:path';

export interface PathEnv {
  home: string;
  cwd: string;
  xdgCacheHome?: string | undefined;
}

export function getCacheDir(env: PathEnv): string {
  return join(env.xdgCacheHome && env.xdgCacheHome !== '' ? env.xdgCacheHome : join(env.home, '.cache'), 'tfbuild');
}

export function getDefaultWorkdir(env: PathEnv, tag: string, gpu: boolean): string {
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
