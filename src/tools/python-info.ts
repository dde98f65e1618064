/**
 * The one script that asks a python about itself, its parser, and the two ways it runs: the host probe
 * (a failure is a value, src/probe/python.ts) and readPythonInfo (a failure is an EnvironmentError; install, venv).
 * The script runs on Python 2.7 and 3.x (old TensorFlow needs old pythons) and imports numpy only when no metadata
 * names its version (importing it costs ~100 ms). It always runs with PYTHONNOUSERSITE=1, as pip install and verify
 * do, so the answer describes the packages those calls see.
 *
 * Answers are remembered per process, keyed by the interpreter as named: a build asks the same python at probe time,
 * before the build (can it make a venv?) and at install time; pip install into a python forgets its answer.
 */
import { plainExec, type Exec } from '../exec/index.js';
import { EnvironmentError } from '../errors.js';
import type { PythonFacts } from '../probe/types.js';
import { probeRun, type ProbeRunOptions } from './probe-run.js';

export const PYTHON_INFO_SCRIPT = String.raw`
import sys, os, re, json, sysconfig
def installed_dists():
    # One listdir per sys.path entry: NAME-VERSION.dist-info / .egg-info is ~10x cheaper than importlib.metadata.
    # Names are normalized as pip does (PEP 503); the first entry on sys.path wins, as for an import.
    pat = re.compile(r'^([A-Za-z0-9][A-Za-z0-9._]*?)-([0-9][^-]*?)(?:-py[0-9.]+)?(?:-[^-]+)?\.(?:dist|egg)-info$')
    found = {}
    for d in sys.path:
        try:
            names = os.listdir(d or '.')
        except Exception:
            continue
        for n in names:
            m = pat.match(n)
            if m:
                key = re.sub(r'[-_.]+', '-', m.group(1)).lower()
                if key not in found:
                    found[key] = m.group(2)
    return found
DISTS = installed_dists()
def dist_version(name):
    v = DISTS.get(name)
    if v is not None:
        return v
    if not has_module(name):
        # Not installed: importlib.metadata (~30 ms to import) would only scan the same dirs again.
        return None
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:
        return None
def has_module(name):
    try:
        from importlib.util import find_spec
    except ImportError:
        find_spec = None
    if find_spec is not None:
        # A finder that raises (a site hook hiding a module) means the import would fail too.
        try:
            return find_spec(name) is not None
        except Exception:
            return False
    try:
        import imp
        imp.find_module(name)
        return True
    except Exception:
        return False
def numpy_version():
    v = dist_version('numpy')
    if v is None and has_module('numpy'):
        try:
            import numpy
            v = numpy.__version__
        except Exception:
            v = None
    return v
paths = sysconfig.get_paths()
inc = paths.get('include') or ''
purelib = paths.get('purelib')
try:
    import site
    sp = site.getsitepackages()[0]
except Exception:
    sp = purelib
base = getattr(sys, 'base_prefix', getattr(sys, 'real_prefix', sys.prefix))
is_venv = sys.prefix != base or hasattr(sys, 'real_prefix')
has_pip = has_module('pip')
print(json.dumps({
    'version': '%d.%d.%d' % sys.version_info[:3],
    'executable': sys.executable,
    'numpy': numpy_version(),
    'hasPip': has_pip,
    'pip': dist_version('pip') if has_pip else None,
    'wheel': has_module('wheel'),
    'venv': has_module('venv') and has_module('ensurepip'),
    'isVenv': is_venv,
    'headers': os.path.isfile(os.path.join(inc, 'Python.h')),
    'sitePackages': sp,
    'purelib': purelib,
    'externallyManaged': (not is_venv) and os.path.exists(os.path.join(paths.get('stdlib') or '', 'EXTERNALLY-MANAGED')),
    'packages': DISTS,
}))
`;

/** What the script reports, parsed. */
export interface PythonIntrospection {
  /** "3.11.7" */
  version: string;
  major: number;
  minor: number;
  /** sys.executable ("" when python cannot tell). */
  executable: string;
  numpy: string | null;
  /** pip importable. */
  hasPip: boolean;
  /** pip's version from its metadata (null: no pip, or no metadata). */
  pip: string | null;
  wheel: boolean;
  /** The venv and ensurepip modules exist (Debian splits ensurepip into python3-venv). */
  venv: boolean;
  /** Running inside a venv/virtualenv (sys.prefix != sys.base_prefix, or virtualenv's sys.real_prefix). */
  isVenv: boolean;
  /** Python.h present (python3-dev). */
  headers: boolean;
  /** site.getsitepackages()[0] (what configure's PYTHON_LIB_PATH gets), else purelib. */
  sitePackages: string | null;
  /** purelib of the default scheme: where `pip install` puts packages. */
  purelib: string | null;
  /** PEP 668 EXTERNALLY-MANAGED marker beside the stdlib, outside a venv: pip refuses to install. */
  externallyManaged: boolean;
  /** Installed distributions (PEP 503-normalized name → version) found on sys.path. */
  packages: Record<string, string>;
}

/** The script's JSON line (the last line of stdout) → facts; null when the output is not what the script prints. */
export function parsePythonInfo(stdout: string): PythonIntrospection | null {
  const line = stdout.trim().split('\n').pop() ?? '';
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!o || typeof o !== 'object' || typeof o.version !== 'string') return null;
  const m = /^(\d+)\.(\d+)/.exec(o.version);
  if (!m) return null;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    version: o.version,
    major: Number(m[1]),
    minor: Number(m[2]),
    executable: str(o.executable) ?? '',
    numpy: str(o.numpy),
    // An older script's line has no hasPip: a pip version then says it is there.
    hasPip: o.hasPip === true || (o.hasPip === undefined && typeof o.pip === 'string'),
    pip: str(o.pip),
    wheel: o.wheel === true,
    venv: o.venv === true,
    isVenv: o.isVenv === true,
    headers: o.headers === true,
    sitePackages: str(o.sitePackages),
    purelib: str(o.purelib),
    externallyManaged: o.externallyManaged === true,
    packages: readPackages(o.packages),
  };
}

function readPackages(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === null || typeof v !== 'object') return out;
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** The probe's view (HostFacts.pythons, `doctor --json`). */
export function toPythonFacts(i: PythonIntrospection, path: string, realPath: string): PythonFacts {
  return {
    path,
    realPath,
    version: i.version,
    numpy: i.numpy,
    pip: i.pip,
    wheel: i.wheel,
    venv: i.venv,
    headers: i.headers,
    sitePackages: i.sitePackages,
    packages: i.packages,
    isVenv: i.isVenv,
  };
}

/** The install/venv view of an interpreter. */
export interface PythonInfo {
  /** What was asked for (a name on PATH or a path). */
  python: string;
  /** sys.executable */
  executable: string;
  /** "3.11.7" */
  version: string;
  major: number;
  minor: number;
  /** pip importable in this interpreter. */
  hasPip: boolean;
  /** pip's version; 'unknown' when pip imports but has no metadata; null without pip. */
  pipVersion: string | null;
  /** Running inside a venv (sys.prefix != sys.base_prefix). */
  isVenv: boolean;
  /** purelib of the default scheme: where `pip install` puts packages. */
  sitePackages: string;
  /** The venv and ensurepip modules exist (Debian splits ensurepip into python3-venv). */
  hasVenv: boolean;
  /** Debian/Ubuntu EXTERNALLY-MANAGED marker (PEP 668): pip refuses to install outside a venv. */
  externallyManaged: boolean;
  /** e.g. "cp311" */
  abiTag: string;
  numpy: string | null;
  wheel: boolean;
  headers: boolean;
  /** Installed distributions, PEP 503-normalized name → version. */
  packages: Record<string, string>;
}

export function toPythonInfo(i: PythonIntrospection, python: string): PythonInfo {
  return {
    python,
    executable: i.executable,
    version: i.version,
    major: i.major,
    minor: i.minor,
    hasPip: i.hasPip,
    pipVersion: i.pip ?? (i.hasPip ? 'unknown' : null),
    isVenv: i.isVenv,
    sitePackages: i.purelib ?? i.sitePackages ?? '',
    hasVenv: i.venv,
    externallyManaged: i.externallyManaged,
    abiTag: `cp${i.major}${i.minor}`,
    numpy: i.numpy,
    wheel: i.wheel,
    headers: i.headers,
    packages: i.packages,
  };
}

const NO_USER_SITE = { PYTHONNOUSERSITE: '1' } as const;
const memo = new Map<string, Promise<PythonIntrospection>>();

/** Forget what is known about one interpreter (after installing into it), or about all. */
export function forgetPythonInfo(python?: string): void {
  if (python === undefined) memo.clear();
  else memo.delete(python);
}

function remember(keys: readonly string[], p: Promise<PythonIntrospection>): void {
  for (const k of keys) memo.set(k, p);
  // A failure is not remembered: the next caller asks again (and gets its own error).
  p.catch(() => {
    for (const k of keys) if (memo.get(k) === p) memo.delete(k);
  });
}

/**
 * Host probe: `exec` is what runs (a venv's own bin/python, never its symlink target); `path`/`realPath` are the
 * reported identity. Throws a plain Error (the probe turns it into a problem). With `share`, the answer is also
 * remembered for readPythonInfo under `path` and `exec` (only valid when the probe ran with this process's
 * environment and working directory, so that `path` — a pyenv shim — would run `exec`).
 */
export async function probePythonInterpreter(
  path: string,
  exec: string,
  realPath: string,
  o: ProbeRunOptions,
  share = false,
): Promise<PythonFacts> {
  const p = (async () => {
    // Only the variable it adds when the probe runs in this process's environment: a copy of that environment would
    // be the spawn's "extra" env, and so land whole (a `${ENV}` credential included, registered only later, once
    // the plan is made) in TFBUILD_EXEC_RECORD.
    const env = o.env ? { env: { ...o.env, ...NO_USER_SITE } } : { env: NO_USER_SITE, extendEnv: true };
    const out = await probeRun(exec, ['-c', PYTHON_INFO_SCRIPT], { ...o, ...env });
    if (!out.ok) throw new Error(out.problem ?? `${path} failed`);
    const info = parsePythonInfo(out.stdout);
    if (!info) throw new Error(`${path} printed something other than the probe's JSON: ${out.stdout.slice(0, 120)}`);
    return info;
  })();
  if (share) remember([...new Set([path, exec])], p);
  return toPythonFacts(await p, path, realPath);
}

async function introspect(python: string, x: Exec): Promise<PythonIntrospection> {
  const r = await x.run({
    cmd: python,
    args: ['-c', PYTHON_INFO_SCRIPT],
    effect: 'read',
    timeout: 'query',
    reject: false,
    env: NO_USER_SITE,
    title: `${python} (probe)`,
  });
  if (r.exitCode !== 0) {
    throw new EnvironmentError(`${python} could not be run (${r.spawnError ?? r.tail.slice(-1)[0] ?? `exit ${r.exitCode}`}).`, {
      hint: 'Pass a working python with --python PATH (e.g. /usr/bin/python3).',
    });
  }
  const info = parsePythonInfo(r.stdout);
  if (!info) {
    throw new EnvironmentError(`${python} printed something other than the probe's JSON: ${r.stdout.slice(0, 120)}`, {
      hint: 'Pass a working python with --python PATH (e.g. /usr/bin/python3).',
    });
  }
  return info;
}

/**
 * Facts about an interpreter, asked once per process (per call for a runner whose commands run elsewhere: the same
 * path in a build container is another python). Throws EnvironmentError when it cannot run.
 */
export async function readPythonInfo(python: string, x: Exec = plainExec): Promise<PythonInfo> {
  if (x.elsewhere) return toPythonInfo(await introspect(python, x), python);
  let p = memo.get(python);
  if (!p) {
    p = introspect(python, x);
    remember([python], p);
  }
  return toPythonInfo(await p, python);
}
