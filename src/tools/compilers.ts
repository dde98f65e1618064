/** gcc and clang version queries (client side only, a few ms each). */
import { probeRun, type ProbeRunOptions } from './probe-run.js';

/**
 * `-dumpfullversion` exists since gcc 7; older gcc ignores it when `-dumpversion` follows, so the pair prints the
 * full version on every gcc (gcc 5 prints `5.4.0`, gcc 12 prints `12.2.0`).
 */
export const GCC_VERSION_ARGS = ['-dumpfullversion', '-dumpversion'] as const;

export function parseGccVersion(stdout: string): string | null {
  const m = /^(\d+(?:\.\d+){0,2})\s*$/.exec(stdout.trim());
  return m ? m[1]! : null;
}

/**
 * `clang --version` first line: `clang version 14.0.6`, `Debian clang version 14.0.6`,
 * `Ubuntu clang version 18.1.3 (1ubuntu1)`, `Apple clang version 15.0.0 (clang-1500.1.0.2.5)`.
 */
export function parseClangVersion(stdout: string): string | null {
  const m = /clang version (\d+\.\d+(?:\.\d+)?)/.exec(stdout);
  return m ? m[1]! : null;
}

export async function readCompilerVersion(kind: 'gcc' | 'clang', path: string, o: ProbeRunOptions): Promise<string> {
  const out = await probeRun(path, kind === 'gcc' ? GCC_VERSION_ARGS : ['--version'], o);
  if (!out.ok) throw new Error(out.problem ?? `${path} failed`);
  const v = kind === 'gcc' ? parseGccVersion(out.stdout) : parseClangVersion(out.stdout);
  if (!v) throw new Error(`${path} printed an unrecognised version: ${out.stdout.trim().split('\n')[0]?.slice(0, 80) ?? ''}`);
  return v;
}
