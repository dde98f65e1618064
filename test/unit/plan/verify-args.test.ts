/**
 * The verify step's printed command is the CLI invocation that checks exactly what the step checks: the plan's
 * payload is rendered, the argv is parsed back through the real `tfbuild verify` command (its commander options),
 * and the checks it would run equal those the executor runs from the payload.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { readPlanFile } from '../../../src/commands/build.js';
import { readVerifyFlags, register, type VerifyCommandOptions } from '../../../src/commands/verify.js';
import { createExec } from '../../../src/exec/index.js';
import { ConfigError } from '../../../src/errors.js';
import { createPlan, type Plan, type VerifyStep } from '../../../src/plan/index.js';
import { runVerifyStep, verifySpecOf } from '../../../src/steps/verify.js';
import type { StepContext } from '../../../src/steps/context.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { PATH_ENV, sampleFacts, sampleOptions, sampleRecipe } from './samples.js';

const DRIVER = { version: '550.54', cudaVersion: '12.4', source: 'nvidia-smi' as const };

function verifyStep(opts: Parameters<typeof sampleOptions>[0], facts = sampleFacts()): VerifyStep & { python: string } {
  const p: Plan = createPlan({ facts, recipe: sampleRecipe(), recipeFile: null, tag: 'v1.4.1', options: sampleOptions(opts), pathEnv: PATH_ENV });
  const s = p.steps.find((x): x is VerifyStep => x.kind === 'verify')!;
  if (s.python === null) throw new Error('no python');
  return { ...s, python: s.python };
}

/** Parses `args` with the real verify command's options and returns what that command would check. */
async function parseThroughCli(args: readonly string[]): Promise<ReturnType<typeof readVerifyFlags>> {
  const program = new Command().exitOverride();
  let seen: ReturnType<typeof readVerifyFlags> | null = null;
  // The command as registered (its options and defaults); only its action is replaced, so nothing is run.
  register(program, { stdout: () => undefined, stderr: () => undefined }).action((f: VerifyCommandOptions) => {
    seen = readVerifyFlags(f);
  });
  await program.parseAsync([...args], { from: 'user' });
  if (seen === null) throw new Error('the verify action did not run');
  return seen;
}

describe('verify step: printed == run', () => {
  const cases: Array<[string, VerifyStep & { python: string }]> = [
    ['CPU build, flags from the host', verifyStep({})],
    ['no CPU flags', verifyStep({ cpuFlags: 'none' })],
    ['GPU build on a host without an NVIDIA driver (CUDA support only)', verifyStep({ gpu: true })],
    ['GPU build on a host with a driver (a GPU must be visible)', verifyStep({ gpu: true }, sampleFacts({ driver: DRIVER }))],
    ['--install-into python, --source tree', verifyStep({ install: { mode: 'into', python: '/opt/py/bin/python3' }, source: '/src/tf tree' })],
  ];

  it.each(cases)('%s: the rendered tfbuild verify parses to the executor\'s checks', async (_name, step) => {
    expect(step.cmd).toBe('tfbuild');
    const cli = await parseThroughCli(step.args);
    const run = verifySpecOf(step);
    // Every decision, the CPU ISA included, comes from the flags: nothing is left for the CLI to probe.
    expect(cli.hostIsa).not.toBeNull();
    expect(cli).toEqual(run);
  });

  it('carries each decision in the payload (GPU required only with a driver, flags lenient, the source tree forbidden)', () => {
    const [, cpu] = cases[0]!;
    expect(cpu).toMatchObject({ gpu: false, requireGpu: false, strictFlags: false, era: 'graph', expectFlags: ['sse4.2', 'avx', 'avx2', 'fma'] });
    expect(cpu.forbidPrefix).toMatch(/\/src\/v1\.4\.1$/);
    expect(cases[2]![1]).toMatchObject({ gpu: true, requireGpu: false });
    expect(cases[2]![1].args).toContain('--no-require-gpu');
    expect(cases[3]![1]).toMatchObject({ gpu: true, requireGpu: true });
    expect(cases[3]![1].args).not.toContain('--no-require-gpu');
    expect(verifySpecOf(cases[3]![1]).requireVisibleGpu).toBe(true);
  });

  it('the CLI alone keeps its own defaults: strict flags, a visible GPU with --gpu, this CPU probed', async () => {
    const cli = await parseThroughCli(['verify', '--python', 'p', '--gpu']);
    expect(cli).toMatchObject({ strictFlags: true, requireVisibleGpu: true, hostIsa: null, era: null, expectFlags: null });
  });

  it('a saved plan whose verify command no longer matches its fields is refused when read, before anything runs', async () => {
    const plan: Plan = createPlan({ facts: sampleFacts(), recipe: sampleRecipe(), recipeFile: null, tag: 'v1.4.1', options: sampleOptions({}), pathEnv: PATH_ENV });
    const file = join(makeTempDir('tfb-verify-plan-'), 'plan.json');
    writeFileSync(file, JSON.stringify(plan));
    expect(readPlanFile(file).steps.length).toBe(plan.steps.length);
    // The shown command loses --no-strict-flags: the file is refused as read (exit 4), not after the build.
    const edited = { ...plan, steps: plan.steps.map((s) => (s.kind === 'verify' ? { ...s, args: s.args.filter((a) => a !== '--no-strict-flags') } : s)) };
    writeFileSync(file, JSON.stringify(edited));
    expect(() => readPlanFile(file)).toThrow(ConfigError);
    expect(() => readPlanFile(file)).toThrow(/the verify command shown in step verify does not match/);
    // The executor keeps its own check for a plan handed to it in-process.
    const step = verifyStep({});
    const ctx = { exec: createExec(), outputs: {}, setStatus: () => undefined } as unknown as StepContext;
    await expect(runVerifyStep({ ...step, args: step.args.filter((a) => a !== '--no-strict-flags') }, ctx)).rejects.toBeInstanceOf(ConfigError);
  });
});
