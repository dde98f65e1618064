/**
 * Python interpreters on PATH (python, python3, python3.X, pyenv shims), de-duplicated by real path, then one
 * probe subprocess per distinct interpreter, all concurrent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PythonFacts } from './types.js';
import { compareNames, pathDirs, realpathOrSelf, scanExecutables, isExecutableFile } from './path-scan.js';
import { probePythonInterpreter } from '../tools/python-info.js';
import type { ProbeRunOptions } from '../tools/probe-run.js';

export const PYTHON_NAME = /^python(\d(\.\d+)?)?$/;

/** A pyenv shim dir is `<root>/shims` next to `<root>/versions`. */
export function pyenvRootOfShim(dir: string): string | null {
  if (basename(dir) !== 'shims') return null;
  const root = dirname(dir);
  return existsSync(join(root, 'versions')) ? root : null;
}

/**
 * pyenv's version selection without running pyenv (its bash shims cost ~250 ms each): PYENV_VERSION, then a
 * `.python-version` in the work dir or an ancestor, then `<root>/version`, else `system`. Several versions may be
 * listed (`3.11.7:2.7.18` or one per line).
 */
export function selectedPyenvVersions(root: string, env: NodeJS.ProcessEnv, cwd: string): string[] {
  const split = (s: string) => s.split(/[\s:]+/).map((v) => v.trim()).filter((v) => v && !v.startsWith('#'));
  if (env.PYENV_VERSION) return split(env.PYENV_VERSION);
  let dir = cwd;
  for (;;) {
    const f = join(dir, '.python-version');
    if (existsSync(f)) {
      try {
        return split(readFileSync(f, 'utf8'));
      } catch {
        break;
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  try {
    return split(readFileSync(join(root, 'version'), 'utf8'));
  } catch {
    return ['system'];
  }
}

/** The interpreter a pyenv shim would run, or null when the selected versions do not provide that name. */
export function resolvePyenvShim(shim: string, root: string, env: NodeJS.ProcessEnv, cwd: string, nonShimDirs: readonly string[]): string | null {
  const name = basename(shim);
  for (const v of selectedPyenvVersions(root, env, cwd)) {
    if (v === 'system') {
      for (const d of nonShimDirs) if (isExecutableFile(join(d, name))) return join(d, name);
      continue;
    }
    const p = join(root, 'versions', v, 'bin', name);
    if (isExecutableFile(p)) return p;
  }
  return null;
}

/** `python3` is what TensorFlow's configure and most users type; list it first. */
function pythonOrder(a: string, b: string): number {
  return Number(b === 'python3') - Number(a === 'python3') || compareNames(a, b);
}

export interface PythonCandidate {
  path: string;
  /** What to run: the shim's target, not its realpath, so a virtualenv's pyvenv.cfg still applies. */
  exec: string;
  /** Reported identity (see interpreterIdentity). */
  realPath: string;
}

/**
 * A virtualenv's bin/python is a symlink to the base interpreter, yet it has its own packages (pyvenv.cfg beside
 * bin/ switches sys.prefix). So a venv's interpreters are one per venv (python, python3, python3.X there are the same),
 * reported by their venv path; anything else is identified by its realpath.
 */
export function interpreterIdentity(target: string): { key: string; realPath: string } {
  const binDir = dirname(target);
  const real = realpathOrSelf(target);
  for (const root of [dirname(binDir), binDir]) {
    if (existsSync(join(root, 'pyvenv.cfg'))) return { key: `${realpathOrSelf(root)}\0${real}`, realPath: target };
  }
  return { key: real, realPath: real };
}

export function findPythons(env: NodeJS.ProcessEnv, cwd: string): PythonCandidate[] {
  const dirs = pathDirs(env);
  const shimRoots = new Map(dirs.map((d) => [d, pyenvRootOfShim(d)] as const));
  const nonShimDirs = dirs.filter((d) => shimRoots.get(d) === null);
  const seen = new Set<string>();
  const out: PythonCandidate[] = [];
  for (const p of scanExecutables(dirs, PYTHON_NAME, pythonOrder)) {
    const root = shimRoots.get(dirname(p));
    const target = root ? resolvePyenvShim(p, root, env, cwd, nonShimDirs) : p;
    if (target === null) continue;
    const id = interpreterIdentity(target);
    if (seen.has(id.key)) continue;
    seen.add(id.key);
    out.push({ path: p, exec: target, realPath: id.realPath });
  }
  return out;
}

export async function probePythons(env: NodeJS.ProcessEnv, cwd: string, o: ProbeRunOptions): Promise<{ pythons: PythonFacts[]; problems: string[] }> {
  const candidates = findPythons(env, cwd);
  // Probed with this process's environment and cwd, a shim's answer is what running the shim later would give: the
  // install step's readPythonInfo reuses it instead of starting the interpreter again.
  const share = o.env === undefined && env === process.env && cwd === process.cwd();
  const settled = await Promise.allSettled(candidates.map((c) => probePythonInterpreter(c.path, c.exec, c.realPath, o, share)));
  const pythons: PythonFacts[] = [];
  const problems: string[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') pythons.push(s.value);
    else problems.push(`${candidates[i]!.path}: ${s.reason instanceof Error ? s.reason.message : String(s.reason)}`);
  });
  return { pythons, problems };
}
