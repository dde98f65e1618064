/**
 * verify: import the installed TensorFlow from a clean temp directory (importing inside the source tree picks up
 * the tree's python files instead), then check version, compiled CPU flags, CUDA and GPUs, and a smoke op.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ToolError } from '../errors.js';
import { formatCommand, type Exec } from '../exec/index.js';
import { formatVerifyArgs, type VerifyStep } from '../plan/index.js';
import { runPython } from '../tools/python.js';
import type { StepContext, StepOutputs } from './context.js';
import { checkExpectedFlags, getVerifyScript, parseMissingCpuFlags, parseVerifyOutput, readCompiledIsa, type VerifyReport } from './verify-script.js';

export interface VerifySpec {
  python: string;
  expectVersion: string | null;
  expectFlags: string[] | null;
  hostIsa: string[];
  gpu: boolean;
  /** With gpu: a GPU must be visible (default). False on a machine without NVIDIA devices: a build box, or a build container. */
  requireVisibleGpu?: boolean;
  era: 'graph' | 'eager';
  /** A directory the import must not resolve into (the source tree). */
  forbidPrefix?: string;
  env?: Record<string, string>;
  /** A named flag the binary cannot be asked about is a problem (tfbuild verify --expect-flags), not a note. */
  strictFlags?: boolean;
}

export interface VerifyResult {
  ok: boolean;
  report: VerifyReport | null;
  /** The guard's "not compiled to use" list as printed (null: no such line). */
  missingFlags: string[] | null;
  /** Of the extensions --cpu-flags chooses among: compiled in, per the binary's own start-up check on this host. */
  compiledFlags: string[];
  /** Those this host cannot tell about (see notes). */
  unknownFlags: string[];
  notes: string[];
  problems: string[];
  stderrTail: string[];
}

export async function verifyTensorflow(spec: VerifySpec, x?: Exec): Promise<VerifyResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tfbuild-verify-'));
  try {
    const r = await runPython({
      python: spec.python,
      code: getVerifyScript(spec.era),
      cwd: dir,
      env: { PYTHONNOUSERSITE: '1', PYTHONPATH: undefined, ...(spec.env ?? {}) },
      timeout: 'install',
    }, x);
    const stderrTail = r.stderr.split('\n').filter((l) => l.trim() !== '').slice(-15);
    const report = parseVerifyOutput(r.stdout);
    const problems: string[] = [];
    if (!report) {
      problems.push(`import tensorflow failed (exit ${r.exitCode}): ${stderrTail.slice(-1)[0] ?? ''}`);
      return { ok: false, report, missingFlags: null, compiledFlags: [], unknownFlags: [], notes: [], problems, stderrTail };
    }
    if (spec.expectVersion !== null && report.version !== spec.expectVersion) {
      problems.push(`version is ${report.version}, expected ${spec.expectVersion}`);
    }
    if (spec.forbidPrefix && report.file.startsWith(spec.forbidPrefix)) problems.push(`tensorflow was imported from the source tree (${report.file})`);
    if (report.cuda !== spec.gpu) problems.push(`is_built_with_cuda() is ${report.cuda}, expected ${spec.gpu}`);
    if (spec.gpu && spec.requireVisibleGpu !== false && report.gpus.length === 0) problems.push(`no GPU is visible to TensorFlow${report.gpuError ? ` (${report.gpuError})` : ''}`);
    if (report.smoke !== 5) problems.push(`smoke op 2 + 3 gave ${report.smoke}`);
    const missing = parseMissingCpuFlags(r.stderr);
    const isa = readCompiledIsa(missing, spec.hostIsa, report.version);
    if (spec.expectFlags !== null) problems.push(...checkExpectedFlags(spec.expectFlags, isa, spec.strictFlags ?? false));
    return {
      ok: problems.length === 0, report, missingFlags: missing, compiledFlags: isa.compiled, unknownFlags: isa.unknown, notes: isa.notes, problems, stderrTail,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatVerifyResult(v: VerifyResult): string {
  const lines: string[] = [];
  if (v.report) {
    lines.push(`tensorflow ${v.report.version} from ${v.report.file}`);
    lines.push(`  CUDA: ${v.report.cuda ? 'yes' : 'no'}; GPUs: ${v.report.gpus.length > 0 ? v.report.gpus.join(', ') : 'none'}; smoke 2+3=${v.report.smoke}`);
    lines.push(`  compiled CPU flags: ${v.compiledFlags.join(' ') || 'none'}; not compiled: ${v.missingFlags?.join(' ') || 'none reported'}; cannot tell: ${v.unknownFlags.join(' ') || 'none'}`);
  }
  for (const n of v.notes) lines.push(`  note: ${n}`);
  for (const p of v.problems) lines.push(`  problem: ${p}`);
  lines.push(v.ok ? 'verify: OK' : 'verify: FAILED');
  return lines.join('\n') + '\n';
}

/**
 * What the verify step checks: its typed fields as they are, nothing decided at run time. `tfbuild verify` with the
 * step's args (formatVerifyArgs) builds the same spec (readVerifyFlags in src/commands/verify.ts).
 */
export function verifySpecOf(step: VerifyStep & { python: string }): VerifySpec & { era: VerifyStep['era'] } {
  return {
    python: step.python, expectVersion: step.expectVersion, expectFlags: [...step.expectFlags], hostIsa: [...step.hostIsa], gpu: step.gpu,
    requireVisibleGpu: step.gpu && step.requireGpu, era: step.era, strictFlags: step.strictFlags,
    ...(step.forbidPrefix !== null ? { forbidPrefix: step.forbidPrefix } : {}),
  };
}

export async function runVerifyStep(step: VerifyStep, ctx: StepContext): Promise<StepOutputs> {
  const python = step.python;
  if (python === null || ctx.exec.dryRun) return {};
  const shown = [step.cmd, ...step.args];
  const payload = { ...step, python };
  // The plan shows the equivalent command: a saved plan whose command says something else is refused, not guessed at.
  if (formatCommand(shown) !== formatCommand(['tfbuild', ...formatVerifyArgs(payload)])) {
    throw new ConfigError(`The plan's verify command (${formatCommand(shown)}) does not match its fields.`, {
      hint: 'Regenerate the plan with this tfbuild: tfbuild plan VERSION --json > plan.json',
    });
  }
  const spec = verifySpecOf(payload);
  const v = await verifyTensorflow({ ...spec, env: { ...step.env } }, ctx.exec);
  ctx.setStatus(v.ok ? `tensorflow ${v.report?.version} OK${step.gpu && !step.requireGpu ? ' (the plan\'s host has no NVIDIA driver: CUDA support checked, not a GPU)' : ''}` : 'FAILED');
  if (!v.ok) {
    throw new ToolError(`The installed TensorFlow failed verification: ${v.problems.join('; ')}.`, {
      command: [python, '-c', '<verify script>'],
      tail: v.stderrTail,
      hint: `Repeat the checks with: ${formatCommand(shown)}`,
    });
  }
  return { verified: 'true', compiledFlags: v.compiledFlags.join(' ') };
}
