/**
 * The verify step runs in-process from its typed fields; what the plan shows for it is the `tfbuild verify` command
 * line that checks exactly the same things (test/unit/plan/verify-args.test.ts parses it back through the real
 * command). Pure.
 */
import type { VerifyStep } from './types.js';

export type VerifyPayload = Pick<VerifyStep, 'expectVersion' | 'expectFlags' | 'hostIsa' | 'gpu' | 'requireGpu' | 'strictFlags' | 'era' | 'forbidPrefix'> & { python: string };

/** `tfbuild verify …` arguments (after the program name) for a verify payload. */
export function formatVerifyArgs(p: VerifyPayload): string[] {
  return [
    'verify', '--python', p.python,
    '--expect-version', p.expectVersion,
    '--expect-flags', p.expectFlags.length > 0 ? p.expectFlags.join(',') : 'none',
    '--host-isa', p.hostIsa.length > 0 ? p.hostIsa.join(',') : 'none',
    '--era', p.era,
    ...(p.forbidPrefix !== null ? ['--not-from', p.forbidPrefix] : []),
    ...(p.gpu ? ['--gpu'] : []),
    ...(p.gpu && !p.requireGpu ? ['--no-require-gpu'] : []),
    ...(p.strictFlags ? [] : ['--no-strict-flags']),
  ];
}

/** The verify step's shown command: `tfbuild verify …` from its fields, or `true` when nothing was installed. */
export function expectedVerifyCommand(step: VerifyStep): string[] {
  return step.python === null ? ['true'] : ['tfbuild', ...formatVerifyArgs({ ...step, python: step.python })];
}

/** Ids of verify steps whose shown command is not the one their fields make (an edited saved plan). */
export function findMismatchedVerifySteps(steps: readonly { kind: string }[]): string[] {
  return steps
    .filter((s): s is VerifyStep => s.kind === 'verify')
    .filter((s) => JSON.stringify([s.cmd, ...s.args]) !== JSON.stringify(expectedVerifyCommand(s)))
    .map((s) => s.id);
}
