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
  return list.trim().split(/[\s,]+/).filter((s) => s !== '').map((s) => s.toLowerCase().replace(/^sse4_/, 'sse4.'));
}

/** What -mX also turns on in gcc/clang (so the guard does not list it either), from the ISA table. */
export function expandImplied(flags: readonly string[]): Set<string> {
  return expandIsaImplied(flags);
}

/** What the wheel itself says about the extensions `--cpu-flags` chooses among, on this host. */
export interface IsaReading {
  /** Reported by TensorFlow's start-up guard as compiled in (the host has them and the guard does not list them). */
  compiled: string[];
  /** Listed by the guard as "not compiled to use". */
  missing: string[];
  /** Nothing tells: the host lacks the extension (the guard only reports what the CPU has) or this TF's guard does not know it. */
  unknown: string[];
  /** Why each unknown one is unknown. */
  notes: string[];
}

/**
 * The ISA compiled into the installed binary, read from its own start-up line: of the extensions the host has and
 * the guard of that TF major reports, the ones not listed as missing are compiled in. Nothing else is claimed.
 */
export function readCompiledIsa(missing: readonly string[] | null, hostIsa: readonly string[], tfVersion: string | null): IsaReading {
  const major = tfVersion === null ? null : Number.parseInt(tfVersion, 10);
  const host = new Set(hostIsa);
  const out: IsaReading = { compiled: [], missing: [], unknown: [], notes: [] };
  for (const e of ISA_TABLE.filter((x) => x.auto)) {
    if (!host.has(e.cpuinfo)) {
      out.unknown.push(e.name);
      out.notes.push(`${e.name}: this CPU lacks it, and TensorFlow only reports extensions the CPU has`);
    } else if (e.guardFromMajor === null || major === null || Number.isNaN(major) || major < e.guardFromMajor) {
      out.unknown.push(e.name);
      out.notes.push(`${e.name}: TensorFlow ${tfVersion ?? '(unknown version)'}'s start-up check does not report it`);
    } else if (missing?.includes(e.name)) {
      out.missing.push(e.name);
    } else {
      out.compiled.push(e.name);
    }
  }
  return out;
}

/**
 * Problems with exactly the flags asked for (`--expect-flags avx512f` is about avx512f, nothing else): one the
 * binary was not compiled with is a problem; one that cannot be read on this host is a problem only when
 * `strict` (the user asked to check it), else it stays in the notes. An empty list means `none`: any extension
 * compiled in is then a problem. `native` expects nothing reported missing.
 */
export function checkExpectedFlags(expect: readonly string[], reading: IsaReading, strict = false): string[] {
  if (expect.includes('native')) {
    return reading.missing.length > 0 ? [`built with -march=native but TensorFlow reports it lacks ${reading.missing.join(' ')}`] : [];
  }
  if (expect.length === 0) return reading.compiled.map((f) => `${f} was not asked for but the binary was compiled with it`);
  const problems = expect.filter((f) => reading.missing.includes(f)).map((f) => `${f} was asked for but the binary was not compiled with it`);
  if (strict) {
    for (const f of expect.filter((x) => reading.unknown.includes(x))) {
      problems.push(`${f} cannot be confirmed here (${reading.notes.find((n) => n.startsWith(`${f}:`))?.slice(f.length + 2) ?? 'nothing reports it'})`);
    }
  }
  return problems;
}
