/**
 * The python snippet verify runs, and the pure parsing of what it prints. TensorFlow logs at start-up the ISA
 * extensions the CPU has but the binary was not compiled for (cpu_feature_guard.cc): 1.x "Your CPU supports
 * instructions that this TensorFlow binary was not compiled to use: AVX AVX2", 2.x "To enable the following
 * instructions: AVX2 FMA, in other operations, rebuild…".
 */
import { expandIsaImplied, ISA_TABLE } from '../plan/isa.js';

export const VERIFY_MARK = 'TFBUILD_VERIFY ';

export function getVerifyScript(era: 'graph' | 'eager'): string {
  return `
import json, os, sys
import tensorflow as tf
r = {'version': getattr(tf, '__version__', None), 'file': os.path.abspath(getattr(tf, '__file__', '') or '')}
try:
    r['cuda'] = bool(tf.test.is_built_with_cuda())
except Exception as e:
    r['cuda'] = None
gpus = []
try:
    cfg = getattr(tf, 'config', None)
    if cfg is not None and hasattr(cfg, 'list_physical_devices'):
        gpus = [d.name for d in cfg.list_physical_devices('GPU')]
    else:
        try:
            from tensorflow.python.client import device_lib
            gpus = [d.name for d in device_lib.list_local_devices() if d.device_type == 'GPU']
        except ImportError:
            name = tf.test.gpu_device_name()
            gpus = [name] if name else []
except Exception as e:
    r['gpuError'] = str(e)
r['gpus'] = gpus
a, b = tf.constant(2), tf.constant(3)
if ${JSON.stringify(era)} == 'graph':
    with tf.Session() as s:
        r['smoke'] = int(s.run(a + b))
else:
    r['smoke'] = int((a + b).numpy())
sys.stdout.write('${VERIFY_MARK}' + json.dumps(r) + '\\n')
`;
}

export interface VerifyReport {
  version: string | null;
  file: string;
  cuda: boolean | null;
  gpus: string[];
  smoke: number | null;
  gpuError?: string;
}

export function parseVerifyOutput(stdout: string): VerifyReport | null {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(VERIFY_MARK));
  if (!line) return null;
  try {
    return JSON.parse(line.slice(VERIFY_MARK.length)) as VerifyReport;
  } catch {
    return null;
  }
}

/** The ISA names the guard says the binary lacks (lower case: sse4.2, avx2…); null when the line is absent. */
export function parseMissingCpuFlags(stderr: string): string[] | null {
  const v1 = /was not compiled to use:\s*(.+)$/m.exec(stderr);
  const v2 = /To enable the following instructions:\s*(.+?),? in other operations/m.exec(stderr);
  const list = v1?.[1] ?? v2?.[1];
  if (list === undefined) return null;
  return list.trim().split(/[\s,]+/).filter((s) => s !== '').map((s) => s.toLowerCase().replace('_', '.'));
}

/** What -mX also turns on in gcc/clang (so the guard does not list it either), from the ISA table. */
export function expandImplied(flags: readonly string[]): Set<string> {
  return expandIsaImplied(flags);
}

/** The extensions `--cpu-flags auto` chooses among. */
const CHECKED = ISA_TABLE.filter((e) => e.auto).map((e) => e.name);

/**
 * Compare the guard's list with what was asked for. Returns problems (empty = as expected). `hostIsa` uses cpuinfo
 * names (sse4_2). `native` expects nothing missing.
 */
export function checkCpuFlags(expect: readonly string[], missing: readonly string[] | null, hostIsa: readonly string[]): { problems: string[]; compiled: string[] } {
  const host = new Set(hostIsa.map((f) => f.replace('_', '.')));
  const missingSet = new Set(missing ?? []);
  const compiled = CHECKED.filter((f) => host.has(f) && !missingSet.has(f));
  const problems: string[] = [];
  if (expect.includes('native')) {
    if (missingSet.size > 0) problems.push(`built with -march=native but TensorFlow reports it lacks ${[...missingSet].join(' ')}`);
    return { problems, compiled };
  }
  const wanted = expandImplied(expect);
  for (const f of CHECKED) {
    if (!host.has(f)) continue;
    if (wanted.has(f) && missingSet.has(f)) problems.push(`${f} was asked for but the binary was not compiled with it`);
    // TF 1.x's guard does not know AVX512F, so its silence about it proves nothing.
    if (!wanted.has(f) && !missingSet.has(f) && f !== 'avx512f') problems.push(`${f} was not asked for but the binary was compiled with it`);
  }
  return { problems, compiled };
}
