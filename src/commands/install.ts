/**
 * `tfbuild install WHEEL [--python P] [--force]`: install a built wheel only where it can run. Its build info
 * (<wheel>.tfbuild.json) names the ISA compiled in; a CPU lacking any of it would die at import with "Illegal
 * instruction", and a python whose cpXY tag differs cannot load it: both are refused (exit 3) unless --force.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { verifyWheelRunsHere, type WheelGuardResult } from '../steps/wheel-guard.js';
import { createExec, type Exec } from '../exec/index.js';
import { pipInstall } from '../tools/python.js';
import { toJson } from '../ui/output.js';

export interface InstallCommandOptions {
  wheel: string;
  python: string;
  force?: boolean;
}

export interface InstallResult extends WheelGuardResult {
  installed: boolean;
  forced: boolean;
}

export async function installWheel(o: InstallCommandOptions, x: Exec = createExec()): Promise<InstallResult> {
  const wheel = resolve(o.wheel);
  const guard = await verifyWheelRunsHere(wheel, o.python, { force: o.force ?? false });
  await pipInstall({ python: o.python, wheel, noIndex: false }, x);
  return { ...guard, installed: true, forced: guard.refusals.length > 0 };
}

export function formatInstallResult(r: InstallResult): string {
  const lines = [`installed ${r.wheel} into ${r.python} (${r.pythonVersion})`];
  lines.push(`  compiled CPU flags: ${r.compiled.join(' ') || 'none beyond x86-64'}`);
  for (const x of r.refusals) lines.push(`  warning (--force): ${x}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n') + '\n';
}

export function register(program: Command, io: CliIO): Command {
  return program
    .command('install')
    .description('install a built wheel, refusing one this CPU or python cannot run (Illegal instruction, wrong cpXY)')
    .argument('<wheel>', 'the .whl to install (its <wheel>.tfbuild.json beside it names the CPU flags it was built with)')
    .option('--python <path>', 'the python to install into', 'python3')
    .option('--force', 'install even when the CPU lacks a flag or the python tag differs')
    .option('--json', 'print the result as JSON')
    .action(async (wheel: string, f: { python: string; force?: boolean; json?: boolean }) => {
      const r = await installWheel({ wheel, python: f.python, force: f.force ?? false });
      io.stdout(f.json ? toJson(r) : formatInstallResult(r));
    });
}
