/**
 * One python subprocess per interpreter reports everything doctor needs as one JSON line. The script runs on
 * Python 2.7 and 3.x (old TensorFlow needs old pythons) and never imports numpy (slow): it reads package metadata.
 */
import type { PythonFacts } from '../probe/types.js';
import { probeRun, type ProbeRunOptions } from './probe-run.js';

export const PYTHON_PROBE_SCRIPT = String.raw`
import sys, os, re, json, sysconfig
def dist_version(name):
    # Scanning sys.path for NAME-VERSION.dist-info / .egg-info is ~10x cheaper than importing importlib.metadata.
    pat = re.compile(r'^' + name + r'-([0-9][^-]*?)(?:-py[0-9.]+)?\.(?:dist|egg)-info$', re.I)
    for d in sys.path:
        try:
            names = os.listdir(d or '.')
        except Exception:
            continue
        for n in names:
            m = pat.match(n)
            if m:
                return m.group(1)
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:
        return None
def has_module(name):
    try:
        import importlib.util
        return importlib.util.find_spec(name) is not None
    except Exception:
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
inc = sysconfig.get_paths().get('include') or ''
try:
    import site
    sp = site.getsitepackages()[0]
except Exception:
    sp = sysconfig.get_paths().get('purelib')
print(json.dumps({
    'version': '%d.%d.%d' % sys.version_info[:3],
    'executable': sys.executable,
    'numpy': numpy_version(),
    'pip': dist_version('pip') if has_module('pip') else None,
    'wheel': has_module('wheel'),
    'venv': has_module('venv') and has_module('ensurepip'),
    'headers': os.path.isfile(os.path.join(inc, 'Python.h')),
    'sitePackages': sp,
}))
`;

/** Parse the script's JSON line; null when the output is not what the script prints. */
export function parsePythonProbe(stdout: string, path: string, realPath: string): PythonFacts | null {
  const line = stdout.trim().split('\n').pop() ?? '';
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof o.version !== 'string') return null;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    path,
    realPath,
    version: o.version,
    numpy: str(o.numpy),
    pip: str(o.pip),
    wheel: o.wheel === true,
    venv: o.venv === true,
    headers: o.headers === true,
    sitePackages: str(o.sitePackages),
  };
}

/** `exec` is what runs (a venv's own bin/python, never its symlink target); `realPath` is the reported identity. */
export async function probePythonInterpreter(path: string, exec: string, realPath: string, o: ProbeRunOptions): Promise<PythonFacts> {
  const out = await probeRun(exec, ['-c', PYTHON_PROBE_SCRIPT], o);
  if (!out.ok) throw new Error(out.problem ?? `${path} failed`);
  const facts = parsePythonProbe(out.stdout, path, realPath);
  if (!facts) throw new Error(`${path} printed something other than the probe's JSON: ${out.stdout.slice(0, 120)}`);
  return facts;
}
