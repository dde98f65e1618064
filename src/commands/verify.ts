/** `tfbuild verify [--python PATH] [--expect-flags LIST] [--gpu]`: check any installed TensorFlow. */
import { ReportedFailure } from '../errors.js';
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { probeCpu } from '../probe/cpu.js';
import { formatVerifyResult, verifyTensorflow, type VerifyResult } from '../steps/verify.js';
import { toJson } from '../ui/output.js';
import { parseCpuFlags } from './build-options.js';

export interface VerifyCommandOptions {
  python: string;
  expectFlags?: string;
  expectVersion?: string;
  gpu?: boolean;
  era?: 'graph' | 'eager';
}

export async function verifyInstalled(o: VerifyCommandOptions): Promise<VerifyResult> {
  // Only the CPU's ISA is needed (to read TensorFlow's "not compiled to use" line): not a whole host probe.
  const cpu = await probeCpu(process.env);
  const flags = parseCpuFlags(o.expectFlags);
  const expect = flags === undefined ? null : flags === 'auto' ? null : flags === 'none' ? [] : flags === 'native' ? ['native'] : flags;
  const base = { python: o.python, expectVersion: o.expectVersion ?? null, expectFlags: expect, hostIsa: cpu.isa, gpu: o.gpu ?? false, strictFlags: true };
  if (o.era) return verifyTensorflow({ ...base, era: o.era });
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
    .option('--era <era>', 'graph (1.x Session) or eager (2.x); default: try both')
    .option('--json', 'print the result as JSON')
    .action(async (f: { python: string; expectFlags?: string; expectVersion?: string; gpu?: boolean; era?: 'graph' | 'eager'; json?: boolean }) => {
      const r = await verifyInstalled(f);
      io.stdout(f.json ? toJson(r) : formatVerifyResult(r));
      if (!r.ok) throw new ReportedFailure('tool', 'verify: the installed TensorFlow failed a check');
    });
}
