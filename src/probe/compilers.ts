/** Every gcc and clang on PATH (gcc, gcc-N, clang, clang-N) and /usr/bin/gcc-*, de-duplicated by real path. */
import { basename, dirname, join } from 'node:path';
import type { CompilerFacts } from './types.js';
import { isExecutableFile, pathDirs, realpathOrSelf, scanExecutables } from './path-scan.js';
import { readCompilerVersion } from '../tools/compilers.js';
import type { ProbeRunOptions } from '../tools/probe-run.js';

export const GCC_NAME = /^gcc(-\d+(\.\d+)*)?$/;
export const CLANG_NAME = /^clang(-\d+(\.\d+)*)?$/;

/** The C++ driver beside a C compiler: gcc-12 → g++-12, clang-15 → clang++-15. */
export function cxxFor(path: string): string | null {
  const name = basename(path);
  const cxx = name.startsWith('gcc') ? name.replace(/^gcc/, 'g++') : name.replace(/^clang/, 'clang++');
  const p = join(dirname(path), cxx);
  return isExecutableFile(p) ? p : null;
}

export function findCompilers(env: NodeJS.ProcessEnv): Array<{ kind: 'gcc' | 'clang'; path: string }> {
  const dirs = pathDirs(env);
  const seen = new Set<string>();
  const out: Array<{ kind: 'gcc' | 'clang'; path: string }> = [];
  const add = (kind: 'gcc' | 'clang', paths: string[]) => {
    for (const p of paths) {
      const real = realpathOrSelf(p);
      if (seen.has(real)) continue;
      seen.add(real);
      out.push({ kind, path: p });
    }
  };
  add('gcc', scanExecutables(dirs, GCC_NAME));
  if (!dirs.includes('/usr/bin')) add('gcc', scanExecutables(['/usr/bin'], GCC_NAME));
  add('clang', scanExecutables(dirs, CLANG_NAME));
  return out;
}

export async function probeCompilers(env: NodeJS.ProcessEnv, o: ProbeRunOptions): Promise<{ compilers: CompilerFacts[]; problems: string[] }> {
  const found = findCompilers(env);
  const settled = await Promise.allSettled(found.map((c) => readCompilerVersion(c.kind, c.path, o)));
  const compilers: CompilerFacts[] = [];
  const problems: string[] = [];
  settled.forEach((s, i) => {
    const c = found[i]!;
    if (s.status === 'fulfilled') compilers.push({ kind: c.kind, version: s.value, path: c.path, cxxPath: cxxFor(c.path) });
    else problems.push(s.reason instanceof Error ? s.reason.message : String(s.reason));
  });
  return { compilers, problems };
}
