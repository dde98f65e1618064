/** `tfbuild verify [--python PATH] [--expect-flags LIST] [--gpu]`: check any installed TensorFlow. */
import { ReportedFailure, UsageError } from '../errors.js';
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { probeCpu } from '../probe/cpu.js';
import { formatVerifyResult, verifyTensorflow, type VerifyResult, type VerifySpec } from '../steps/verify.js';
import { toJson } from '../ui/output.js';
import { parseCpuFlags } from './build-options.js';

export interface VerifyCommandOptions {
  python: string;
  expectFlags?: string;
  expectVersion?: string;
  gpu?: boolean;
  /** With gpu: a GPU must be visible (default true; --no-require-gpu). */
  requireGpu?: boolean;
  /** An expected flag the start-up check cannot report on is a problem (default true; --no-strict-flags). */
  strictFlags?: boolean;
  /** The CPU's ISA to read TF's start-up check against (default: this CPU's, probed). */
  hostIsa?: string;
  /** Fail when tensorflow is imported from under this directory (the source tree). */
  notFrom?: string;
  era?: 'graph' | 'eager';
}

/** What `tfbuild verify` checks, from its flags: the spec, with hostIsa null when the CPU is to be probed. */
export function readVerifyFlags(o: VerifyCommandOptions): Omit<VerifySpec, 'hostIsa' | 'era'> & { hostIsa: string[] | null; era: VerifySpec['era'] | null } {
  const flags = parseCpuFlags(o.expectFlags);
  const expect = flags === undefined ? null : flags === 'auto' ? null : flags === 'none' ? [] : flags === 'native' ? ['native'] : flags;
  if (o.era !== undefined && o.era !== 'graph' && o.era !== 'eager') {
    throw new UsageError(`--era ${String(o.era)} is not graph or eager.`, { hint: 'graph for 1.x (a Session), eager for 2.x; leave it out to try both.' });
  }
  const isa = o.hostIsa === undefined ? null : o.hostIsa === 'none' ? [] : o.hostIsa.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const gpu = o.gpu ?? false;
  return {
    python: o.python, expectVersion: o.expectVersion ?? null, expectFlags: expect, hostIsa: isa, gpu,
    requireVisibleGpu: gpu && (o.requireGpu ?? true), strictFlags: o.strictFlags ?? true, era: o.era ?? null,
    ...(o.notFrom !== undefined ? { forbidPrefix: o.notFrom } : {}),
  };
}

export async function verifyInstalled(o: VerifyCommandOptions): Promise<VerifyResult> {
  const r = readVerifyFlags(o);
  // Only the CPU's ISA is needed (to read TensorFlow's "not compiled to use" line): not a whole host probe.
  const base = { ...r, hostIsa: r.hostIsa ?? (await probeCpu(process.env)).isa };
  if (r.era !== null) return verifyTensorflow({ ...base, era: r.era });
  // Without --era: TF 2.x runs eagerly; 1.x needs a Session. Try eager first, then graph.
  const eager = await verifyTensorflow({ ...base, era: 'eager' });
  if (eager.report) return eager;
  const graph = await verifyTensorflow({ ...base, era: 'graph' });
  return graph.report ? graph : eager;
}

export function register(program: Command, io: CliIO): Command {
  return program
    .command('verify')
    .description('check an installed TensorFlow: import, version, compiled CPU flags, CUDA, GPUs, a smoke op')
    .option('--python <path>', 'the python whose TensorFlow to check', 'python3')
    .option('--expect-flags <list>', 'CPU flags it must be built with: a list (avx2,fma), none, or native')
    .option('--expect-version <v>', 'the version it must report, e.g. 1.4.1')
    .option('--gpu', 'expect a CUDA build with a visible GPU')
    .option('--no-require-gpu', 'with --gpu: check CUDA support only, not a visible GPU (a machine without an NVIDIA driver)')
    .option('--no-strict-flags', 'an expected flag the binary\'s start-up check cannot report on is a note, not a failure')
    .option('--host-isa <list>', 'the CPU ISA (cpuinfo names, or none) to read the start-up check against; default: this CPU\'s')
    .option('--not-from <dir>', 'fail when tensorflow is imported from under DIR (e.g. the source tree)')
    .option('--era <era>', 'graph (1.x Session) or eager (2.x); default: try both')
    .option('--json', 'print the result as JSON')
    .action(async (f: VerifyCommandOptions & { json?: boolean }) => {
      const r = await verifyInstalled(f);
      io.stdout(f.json ? toJson(r) : formatVerifyResult(r));
      if (!r.ok) throw new ReportedFailure('tool', 'verify: the installed TensorFlow failed a check');
    });
}
