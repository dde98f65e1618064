/**
 * askX: one wrapper per build decision over @inquirer/prompts 7, each with the probed default preselected.
 * Every prompt has a flag: when the run is not interactive (no TTY, CI set, --yes,
 * --non-interactive) a wrapper returns its default, or throws UsageError naming the flag that decides it.
 * Ctrl-C at a prompt becomes InterruptedError (exit 130, no stack trace).
 */
// Loaded on the first prompt only: headless builds (CI, --yes) never pay for inquirer's start-up.
import type * as Inquirer from '@inquirer/prompts';
let inquirer: Promise<typeof Inquirer> | undefined;
const loadInquirer = (): Promise<typeof Inquirer> => (inquirer ??= import('@inquirer/prompts'));
import { existsSync, statSync } from 'node:fs';
import { EnvironmentError, InterruptedError, UsageError } from '../errors.js';

export interface PromptContext {
  /** Whether prompts may be shown; when false, wrappers return defaults or fail naming a flag. */
  interactive: boolean;
  /** Why not interactive, for the error message: "CI is set", "--non-interactive", "stdin is not a terminal". */
  reason?: string;
  /** Streams for the prompts (tests); default process.stdin/stdout. */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

export interface InteractivityInput {
  yes?: boolean;
  nonInteractive?: boolean;
  json?: boolean;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Settle once whether this run may prompt, and why not. */
export function getPromptContext(o: InteractivityInput): PromptContext {
  const env = o.env ?? process.env;
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  const reason = o.nonInteractive
    ? '--non-interactive'
    : o.yes
      ? '--yes'
      : ci
        ? 'CI is set'
        : o.json
          ? '--json'
          : !o.stdinIsTTY
            ? 'stdin is not a terminal'
            : !o.stdoutIsTTY
              ? 'stdout is not a terminal'
              : undefined;
  return reason === undefined ? { interactive: true } : { interactive: false, reason };
}

/** The "needs a flag" error of a headless run. */
export function missingDecision(what: string, flag: string, ctx: PromptContext, example?: string): UsageError {
  return new UsageError(`No ${what} was chosen and this run cannot ask (${ctx.reason ?? 'not interactive'}).`, {
    hint: `Pass ${flag}${example ? ` (e.g. ${flag} ${example})` : ''}, set it in tfbuild.config.json, or answer it in a terminal (no CI, --yes, --non-interactive or --json).`,
  });
}

function isPromptExit(e: unknown): boolean {
  return e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError');
}

/** Run one inquirer prompt; Ctrl-C (or a closed terminal) becomes InterruptedError. */
async function ask<T>(
  ctx: PromptContext,
  fn: (context: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream }, q: typeof Inquirer) => Promise<T>,
): Promise<T> {
  const context: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream } = {};
  if (ctx.input) context.input = ctx.input;
  if (ctx.output) context.output = ctx.output;
  try {
    return await fn(context, await loadInquirer());
  } catch (e) {
    // inquirer's message names the signal when one closed the prompt ("… with 143 SIGTERM"); Ctrl-C is SIGINT.
    if (isPromptExit(e)) {
      const sig = /SIGTERM/.test((e as Error).message) ? 'SIGTERM' : 'SIGINT';
      throw new InterruptedError(sig, 'Interrupted at a prompt; nothing was started or changed.');
    }
    throw e;
  }
}

type Ctx = Parameters<typeof Inquirer.select>[1];
const asCtx = (c: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream }): Ctx => c as Ctx;

export interface Candidate {
  /** What the answer is (a path). */
  value: string;
  /** What the user sees: "python3.6 3.6.15 (/usr/bin/python3.6)". */
  label: string;
  /** Why it cannot be used; undefined when it qualifies. */
  unusable?: string;
}

interface ChooseOpts {
  what: string;
  flag: string;
  message: string;
  candidates: Candidate[];
  default?: string;
}

/** Pick one of several candidates; asks only when more than one qualifies. */
export async function askCandidate(o: ChooseOpts, ctx: PromptContext): Promise<string> {
  const usable = o.candidates.filter((c) => c.unusable === undefined);
  const only = usable.length === 1 ? usable[0] : undefined;
  if (only) return only.value;
  const def = o.default !== undefined && usable.some((c) => c.value === o.default) ? o.default : undefined;
  if (usable.length === 0) {
    throw new EnvironmentError(`No usable ${o.what} was found.`, {
      hint: `Install one or pass ${o.flag} PATH.`,
      details: o.candidates.map((c) => `${c.label}: ${c.unusable ?? ''}`),
    });
  }
  if (!ctx.interactive) {
    if (def !== undefined) return def;
    throw missingDecision(o.what, o.flag, ctx, usable[0]?.value);
  }
  return ask(ctx, (c, q) =>
    q.select(
      {
        message: o.message,
        choices: o.candidates.map((x) => ({
          value: x.value,
          name: x.label,
          ...(x.unusable !== undefined ? { disabled: x.unusable } : {}),
        })),
        ...(def !== undefined ? { default: def } : {}),
      },
      asCtx(c),
    ),
  );
}

/** inImage: the container route, whose candidates are the build image's pythons. */
export function askPython(o: Omit<ChooseOpts, 'what' | 'flag' | 'message'> & { inImage?: boolean }, ctx: PromptContext): Promise<string> {
  const { inImage, ...rest } = o;
  const message = inImage ? 'Which python of the build image builds TensorFlow?' : 'Which python builds and receives TensorFlow?';
  return askCandidate({ ...rest, what: inImage ? 'python of the build image' : 'python', flag: '--python', message }, ctx);
}

export function askCompiler(o: Omit<ChooseOpts, 'what' | 'flag' | 'message'>, ctx: PromptContext): Promise<string> {
  return askCandidate({ ...o, what: 'host compiler', flag: '--host-compiler', message: 'Which host compiler?' }, ctx);
}

export function askCudaToolkit(o: Omit<ChooseOpts, 'what' | 'flag' | 'message'>, ctx: PromptContext): Promise<string> {
  return askCandidate({ ...o, what: 'CUDA toolkit', flag: '--cuda-path', message: 'Which CUDA toolkit?' }, ctx);
}

export const ILLEGAL_INSTRUCTION_NOTE =
  'A wheel built for a flag another machine lacks crashes there with "Illegal instruction" at import.';

export type CpuFlagsAnswer = 'auto' | 'native' | 'none' | string[];

/**
 * CPU flags as a checkbox: the host's flags checked. `available` lists every flag offered (host flags plus
 * others a user may target for a different machine). Checking exactly the host's flags answers 'auto'.
 */
export async function askCpuFlags(
  o: { hostFlags: string[]; available: string[]; default?: CpuFlagsAnswer },
  ctx: PromptContext,
): Promise<CpuFlagsAnswer> {
  const def = o.default ?? 'auto';
  if (!ctx.interactive) return def;
  const checked = new Set(def === 'auto' || def === 'native' ? o.hostFlags : def === 'none' ? [] : def);
  const all = [...new Set([...o.available, ...checked])];
  const picked = await ask(ctx, (c, q) =>
    q.checkbox(
      {
        message: `CPU instruction sets to build for (the host's are checked). ${ILLEGAL_INSTRUCTION_NOTE}`,
        choices: all.map((f) => ({
          value: f,
          name: o.hostFlags.includes(f) ? f : `${f} (this host lacks it: the wheel will not import here)`,
          checked: checked.has(f),
        })),
      },
      asCtx(c),
    ),
  );
  if (picked.length === 0) return 'none';
  const same = picked.length === o.hostFlags.length && picked.every((f) => o.hostFlags.includes(f));
  return same ? 'auto' : picked;
}

function ccValue(s: string): number {
  const [maj = '0', min = '0'] = s.split('.');
  return Number(maj) * 100 + Number(min);
}

/** Validate "8.6, 7.5" → ['8.6','7.5'] or an error message. */
export function parseComputeCapabilities(text: string, range: { min?: string; max?: string } = {}): string[] | string {
  const parts = text.split(/[\s,]+/).filter(Boolean).map((p) => p.replace(/^sm_(\d)(\d)$/, '$1.$2'));
  if (parts.length === 0) return 'Give at least one compute capability, e.g. 8.6';
  for (const p of parts) {
    if (!/^\d+\.\d+$/.test(p)) return `"${p}" is not a compute capability like 8.6`;
    if (range.min !== undefined && ccValue(p) < ccValue(range.min)) return `${p} is below ${range.min}, the lowest this release accepts`;
    if (range.max !== undefined && ccValue(p) > ccValue(range.max)) return `${p} is above ${range.max}, the highest its CUDA can target`;
  }
  return [...new Set(parts)];
}

export async function askComputeCapabilities(
  o: { detected: string[]; default?: string[]; min?: string; max?: string },
  ctx: PromptContext,
): Promise<string[]> {
  const def = o.default ?? (o.detected.length > 0 ? o.detected : undefined);
  if (!ctx.interactive) {
    if (def !== undefined) return def;
    throw missingDecision('CUDA compute capability', '--compute-capabilities', ctx, '8.6');
  }
  const range = { ...(o.min !== undefined ? { min: o.min } : {}), ...(o.max !== undefined ? { max: o.max } : {}) };
  const answer = await ask(ctx, (c, q) =>
    q.input(
      {
        message: `CUDA compute capabilities (comma-separated${o.detected.length > 0 ? `; detected ${o.detected.join(', ')}` : ''})`,
        ...(def !== undefined ? { default: def.join(',') } : {}),
        validate: (v) => {
          const r = parseComputeCapabilities(v, range);
          return typeof r === 'string' ? r : true;
        },
      },
      asCtx(c),
    ),
  );
  const r = parseComputeCapabilities(answer, range);
  return typeof r === 'string' ? [] : r;
}

export type SourceAnswer = { mode: 'clone' } | { mode: 'existing'; path: string };

function isCheckout(p: string): string | true {
  if (!existsSync(p) || !statSync(p).isDirectory()) return `${p} is not a directory`;
  if (!existsSync(`${p}/configure`) && !existsSync(`${p}/configure.py`)) return `${p} has no configure script: not a TensorFlow checkout`;
  return true;
}

export async function askSource(o: { default?: SourceAnswer; tag: string; suggestion?: string }, ctx: PromptContext): Promise<SourceAnswer> {
  const def = o.default ?? { mode: 'clone' as const };
  if (!ctx.interactive) return def;
  const mode = await ask(ctx, (c, q) =>
    q.select(
      {
        message: 'TensorFlow sources',
        choices: [
          { value: 'clone' as const, name: `clone ${o.tag} into the work dir` },
          { value: 'existing' as const, name: 'build an existing checkout in place' },
        ],
        default: def.mode,
      },
      asCtx(c),
    ),
  );
  if (mode === 'clone') return { mode };
  const suggested = def.mode === 'existing' ? def.path : o.suggestion;
  const path = await ask(ctx, (c, q) =>
    q.input({ message: 'Path of the checkout', ...(suggested ? { default: suggested } : {}), validate: isCheckout }, asCtx(c)),
  );
  return { mode: 'existing', path };
}

export async function askOutputDir(o: { default: string }, ctx: PromptContext): Promise<string> {
  if (!ctx.interactive) return o.default;
  return ask(ctx, (c, q) =>
    q.input(
      {
        message: 'Where should the wheel go?',
        default: o.default,
        validate: (v) => (v.trim() === '' ? 'Give a directory' : existsSync(v) && !statSync(v).isDirectory() ? `${v} is a file` : true),
      },
      asCtx(c),
    ),
  );
}

export type InstallAnswer = { mode: 'venv'; venvDir?: string } | { mode: 'into'; python: string } | { mode: 'none' };

/** onHost: the container route, whose wheel is installed in the build container and then on this host. */
export async function askInstall(
  o: { default?: InstallAnswer; pythons: Candidate[]; onHost?: boolean },
  ctx: PromptContext,
): Promise<InstallAnswer> {
  const def = o.default ?? { mode: 'venv' as const };
  if (!ctx.interactive) return def;
  const mode = await ask(ctx, (c, q) =>
    q.select(
      {
        message: o.onHost ? 'Install the wheel on this host where? (the build container installs and verifies it too)' : 'Install the wheel where?',
        choices: [
          { value: 'venv' as const, name: o.onHost ? 'a new virtualenv in the work dir (host-venv, safe)' : 'a new virtualenv in the work dir (safe)' },
          { value: 'into' as const, name: 'an existing python', ...(o.pythons.every((p) => p.unusable !== undefined) ? { disabled: o.pythons.length === 0 ? 'none found' : 'none can install the wheel' } : {}) },
          { value: 'none' as const, name: o.onHost ? 'nowhere: just build the wheel (nor install it in the container)' : 'nowhere: just build the wheel' },
        ],
        default: def.mode,
      },
      asCtx(c),
    ),
  );
  if (mode === 'venv') return def.mode === 'venv' ? def : { mode };
  if (mode === 'none') return { mode };
  const python = await askCandidate(
    {
      what: 'python to install into',
      flag: '--install-into PYTHON',
      message: o.onHost ? 'Install into which python of this host?' : 'Install into which python?',
      candidates: o.pythons,
      ...(def.mode === 'into' ? { default: def.python } : {}),
    },
    ctx,
  );
  return { mode: 'into', python };
}

/** Native is impossible or unwise here: explain in one paragraph, offer the container build as the default. */
export async function askContainerInstead(
  o: { paragraph: string; dockerCommand: string; nativePossible: boolean },
  ctx: PromptContext,
): Promise<'docker' | 'native' | 'abort'> {
  if (!ctx.interactive) return 'docker';
  return ask(ctx, (c, q) =>
    q.select(
      {
        message: `${o.paragraph}\nWhat now?`,
        choices: [
          { value: 'docker' as const, name: `build in a container: ${o.dockerCommand}` },
          ...(o.nativePossible ? [{ value: 'native' as const, name: 'build natively anyway' }] : []),
          { value: 'abort' as const, name: 'stop here' },
        ],
        default: 'docker',
      },
      asCtx(c),
    ),
  );
}

/** The final "go?" — headless runs consent by running headless. */
export async function askConfirm(o: { message: string; default?: boolean }, ctx: PromptContext): Promise<boolean> {
  if (!ctx.interactive) return true;
  return ask(ctx, (c, q) => q.confirm({ message: o.message, default: o.default ?? true }, asCtx(c)));
}
