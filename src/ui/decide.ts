/**
 * Decide first, then do: every build choice is settled here, before the task list renders.
 * Each decision comes from, in order: a flag → the config file → the probed default (--yes or headless) → a prompt
 * with that default preselected. A `container` verdict is explained in one paragraph with `tfbuild docker …` as the
 * default answer; the last screen summarises the plan (steps, key flags, estimated disk and time) and asks to go.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import semver from 'semver';
import { loadConfig, writeConfigFile } from '../config/index.js';
import { EnvironmentError } from '../errors.js';
import { AUTO_ISA } from '../plan/cpu-flags.js';
import { BuildOptionsSchema, type BuildOptions, type BuildOptionsInput } from '../plan/options.js';
import type { Plan } from '../plan/types.js';
import type { HostFacts } from '../probe/types.js';
import type { Recipe } from '../recipes/schema.js';
import { getCompilerCandidates, getCudaCandidates, getInstallCandidates, getPythonCandidates, pathOf } from './candidates.js';
import { formatContainerParagraph, formatSummary, getDockerCommand, textOf } from './summary.js';

// Compatible entry points: these moved to ./candidates.ts and ./summary.ts.
export { getCompilerCandidates, getCudaCandidates, getInstallCandidates, getPythonCandidates } from './candidates.js';
export { formatContainerParagraph, formatSummary, getDockerCommand, textOf } from './summary.js';
import {
  askCompiler,
  askComputeCapabilities,
  askConfirm,
  askContainerInstead,
  askCpuFlags,
  askCudaToolkit,
  askInstall,
  askOutputDir,
  askPython,
  askSource,
  getPromptContext,
  missingDecision,
  type Candidate,
  type PromptContext,
} from './prompts.js';

/** The parts of src/plan/verdict.ts's Verdict that deciding reads (structural, so either side can grow). */
export interface VerdictLike {
  kind: 'native' | 'native-after-fixes' | 'container' | 'impossible';
  reasons: ReadonlyArray<unknown>;
  fixes: ReadonlyArray<unknown>;
  choices?: { python?: unknown; compiler?: unknown; cuda?: unknown; cudnn?: unknown; bazel?: unknown } | undefined;
  nextCommand?: string | null | undefined;
}

export type Origin = 'flag' | 'config' | 'default' | 'prompt';

/** The decided keys, by where each came from (the build's summary and --save-config use it). */
export type Origins = Partial<Record<keyof BuildOptions, Origin>>;

export interface DecideInput {
  /** Options given by flags (undefined = not given). */
  flags: Partial<BuildOptionsInput>;
  /** Options from the config file (only the keys it sets). */
  config?: Partial<BuildOptionsInput> | undefined;
  /** The release asked for (the positional argument). */
  version: string;
  tag: string;
  facts: HostFacts;
  recipe: Recipe;
  verdict?: VerdictLike | undefined;
  ctx: PromptContext;
  /** --yes: take every default, don't ask. */
  yes?: boolean;
  /** The plan the decided options give, for the confirmation screen. */
  makePlan?: (options: BuildOptions) => Plan | Promise<Plan>;
  /** Where the paragraph and summary are written (human text; stderr under --json). */
  print: (s: string) => void;
  /** A TensorFlow checkout in the cwd, offered as the existing-source suggestion. */
  cwdCheckout?: string | undefined;
  /**
   * The container route: `facts` are the image's, so the python question offers the image's pythons (default
   * `imagePython`, the one the image is set up for), and the install question is where on THIS host the wheel goes, offering these pythons (given
   * the image python the wheel is built with).
   */
  hostInstall?: { pythons: (imagePython: string | undefined) => Candidate[]; imagePython?: string | undefined } | undefined;
}

export interface Decision {
  action: 'build' | 'docker' | 'abort';
  options: BuildOptions;
  origins: Origins;
  /** For action docker: the command to run instead. */
  dockerCommand?: string;
  summary: string;
}


/** Settle every decision before anything runs. */
export async function decide(i: DecideInput): Promise<Decision> {
  const { facts, recipe, ctx } = i;
  const origins: Origins = {};
  const settled: Record<string, unknown> = {};
  // ctx for the defaults-or-ask step: --yes answers every question with its default.
  const askCtx: PromptContext = i.yes ? { ...ctx, interactive: false, reason: ctx.reason ?? '--yes' } : ctx;

  for (const [k, v] of Object.entries(i.config ?? {})) {
    if (v !== undefined) {
      settled[k] = v;
      origins[k as keyof BuildOptions] = 'config';
    }
  }
  for (const [k, v] of Object.entries(i.flags)) {
    if (v !== undefined) {
      settled[k] = v;
      origins[k as keyof BuildOptions] = 'flag';
    }
  }
  settled.version = i.version;
  const has = (k: keyof BuildOptions): boolean => settled[k] !== undefined;
  const set = (k: keyof BuildOptions, v: unknown, asked: boolean): void => {
    settled[k] = v;
    origins[k] = asked ? 'prompt' : 'default';
  };
  const gpu = settled.gpu === true;

  // Native impossible or unwise: explain, offer the container build first.
  const verdict = i.verdict;
  if (verdict && (verdict.kind === 'container' || verdict.kind === 'impossible')) {
    const dockerCommand = getDockerCommand(verdict, i.version, gpu);
    const paragraph = formatContainerParagraph(verdict, recipe, dockerCommand);
    if (verdict.kind === 'impossible' && !ctx.interactive) {
      throw new EnvironmentError(`TensorFlow ${recipe.line} cannot be built on this host.`, {
        details: verdict.reasons.map(textOf),
        hint: verdict.fixes.length > 0 ? verdict.fixes.map(textOf).join('; ') : `Try ${dockerCommand}.`,
      });
    }
    i.print(paragraph + '\n');
    const answer = await askContainerInstead({ paragraph: 'Native build not recommended.', dockerCommand, nativePossible: verdict.kind === 'container' }, askCtx);
    if (answer !== 'native') {
      const options = BuildOptionsSchema.parse(settled);
      return { action: answer, options, origins, summary: paragraph + '\n', ...(answer === 'docker' ? { dockerCommand } : {}) };
    }
  }

  const choices = verdict?.choices;
  if (!has('python')) {
    // On the container route the wheel goes to a venv in the container first: the host's target does not narrow this.
    const cands = getPythonCandidates(facts, recipe, i.hostInstall ? undefined : settled.install as BuildOptions['install'] | undefined);
    const usable = cands.filter((c) => c.unusable === undefined);
    const preferred = usable.find((c) => c.label.startsWith(`python ${recipe.python.preferred}.`))?.value;
    // The verdict's choice ignores where the wheel goes: it is the default only when the candidates allow it.
    // The container route's default: the python the image is set up for (its numpy), else the recipe's preferred.
    const order = i.hostInstall ? [i.hostInstall.imagePython, preferred, pathOf(choices?.python)] : [pathOf(choices?.python), preferred];
    const def = order.find((v) => v !== undefined && usable.some((c) => c.value === v));
    const pick = await askPython({ candidates: cands, ...defaultOf(def), ...(i.hostInstall ? { inImage: true } : {}) }, askCtx);
    set('python', pick, askCtx.interactive && usable.length > 1);
  }
  if (!has('hostCompiler')) {
    const cands = getCompilerCandidates(facts, recipe, gpu);
    if (cands.filter((c) => c.unusable === undefined).length > 1) {
      const def = pathOf(choices?.compiler) ?? getNewestCompiler(facts, cands);
      set('hostCompiler', await askCompiler({ candidates: cands, ...defaultOf(def) }, askCtx), askCtx.interactive);
    }
  }
  if (!has('cpuFlags')) {
    const hostFlags = AUTO_ISA.filter((f) => facts.cpu.isa.includes(f.isa)).map((f) => f.name);
    const answer = await askCpuFlags({ hostFlags, available: AUTO_ISA.map((f) => f.name) }, askCtx);
    set('cpuFlags', answer, askCtx.interactive);
  }
  if (gpu && recipe.gpu && !recipe.gpu.hermetic && !has('cudaPath')) {
    const cands = getCudaCandidates(facts, recipe);
    if (cands.filter((c) => c.unusable === undefined).length > 1) {
      set('cudaPath', await askCudaToolkit({ candidates: cands, ...defaultOf(pathOf(choices?.cuda)) }, askCtx), askCtx.interactive);
    }
  }
  if (gpu && recipe.gpu && !has('computeCapabilities')) {
    const detected = [...new Set(facts.gpus.map((g) => g.computeCapability).filter((c): c is string => c !== null))];
    // No GPU here means no probed default: building for the recipe's default (e.g. 3.5,5.2) silently could make a
    // wheel that does not run on the GPU it is for, so a headless run must say which.
    if (detected.length === 0 && !askCtx.interactive) throw missingDecision('CUDA compute capability (no GPU detected)', '--compute-capabilities', askCtx, '8.6');
    const { min, max } = recipe.gpu.computeCapabilities;
    const answer = await askComputeCapabilities(
      {
        detected,
        ...(detected.length === 0 ? { default: recipe.gpu.computeCapabilities.default.split(',') } : {}),
        min,
        ...(max !== undefined ? { max } : {}),
      },
      askCtx,
    );
    set('computeCapabilities', answer, askCtx.interactive);
  }
  if (!has('source')) {
    const answer = await askSource({ tag: i.tag, ...(i.cwdCheckout ? { suggestion: i.cwdCheckout } : {}) }, askCtx);
    if (answer.mode === 'existing') set('source', answer.path, true);
    else origins.source = askCtx.interactive ? 'prompt' : 'default';
  }
  if (!has('output')) set('output', await askOutputDir({ default: './dist' }, askCtx), askCtx.interactive);
  if (!has('install')) {
    const built = settled.python as string | undefined;
    const pythons = i.hostInstall ? i.hostInstall.pythons(built) : getInstallCandidates(facts, recipe, built);
    set('install', await askInstall({ pythons, ...(i.hostInstall ? { onHost: true } : {}) }, askCtx), askCtx.interactive);
  }

  const parsed = BuildOptionsSchema.safeParse(settled);
  if (!parsed.success) {
    // Flags and config were validated before; this is a wrong answer combination, reported like a flag error.
    throw missingDecision(parsed.error.issues.map((x) => x.path.join('.')).join(', '), 'the matching flags', ctx);
  }
  const options = parsed.data;
  const plan = i.makePlan ? await i.makePlan(options) : undefined;
  // What the verdict asks for first is a refusal before this point (prepare) or a plan step shown in the summary.
  const summary = formatSummary({ options, origins, recipe, tag: i.tag, facts, plan });
  i.print(summary);
  const go = await askConfirm({ message: 'Start the build?', default: true }, askCtx);
  return { action: go ? 'build' : 'abort', options, origins, summary };
}

/** Without a verdict choice: the newest compiler the recipe accepts (fewest old-compiler bugs). */
function getNewestCompiler(facts: HostFacts, cands: Candidate[]): string | undefined {
  const usable = facts.compilers.filter((c) => cands.some((x) => x.value === c.path && x.unusable === undefined));
  usable.sort((a, b) => semver.compare(semver.coerce(b.version) ?? '0.0.0', semver.coerce(a.version) ?? '0.0.0'));
  return usable[0]?.path;
}

function defaultOf(v: string | undefined): { default?: string } {
  return v === undefined ? {} : { default: v };
}

/** The flags that say how decisions are made (every command that builds takes them). */
export interface DecisionFlags {
  yes?: boolean;
  nonInteractive?: boolean;
  json?: boolean;
  config?: string;
  saveConfig?: string;
}

/** Add --yes, --non-interactive, --json, --config FILE, --save-config FILE to a command, skipping any it has. */
export function addDecisionOptions(cmd: Command): Command {
  const has = (long: string): boolean => cmd.options.some((o) => o.long === long);
  if (!has('--yes')) cmd.option('-y, --yes', 'take every probed default without asking');
  if (!has('--non-interactive')) cmd.option('--non-interactive', 'never prompt; a decision without a default or flag exits 2 naming the flag');
  if (!has('--json')) cmd.option('--json', 'newline-delimited JSON events on stdout (schema/events.schema.json); human text on stderr');
  if (!has('--config')) cmd.option('--config <file>', 'options file (default: tfbuild.config.json/.yaml in the cwd); flags win');
  if (!has('--save-config')) cmd.option('--save-config <file>', "write this run's decisions to FILE (.json/.yaml) to repeat it headless");
  return cmd;
}

export interface SettleInput extends Omit<DecideInput, 'config' | 'ctx' | 'print' | 'yes'> {
  decisionFlags: DecisionFlags;
  cwd: string;
  print: (s: string) => void;
  env?: NodeJS.ProcessEnv;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
}

/** Config file → prompt context → decide() → --save-config. Everything a build needs to know before it starts. */
export async function settleDecisions(i: SettleInput): Promise<Decision & { configFile?: string; savedConfig?: string }> {
  const f = i.decisionFlags;
  const loaded = loadConfig({ cwd: i.cwd, ...(f.config !== undefined ? { configFile: f.config } : {}) });
  const ctx = getPromptContext({
    yes: f.yes,
    nonInteractive: f.nonInteractive,
    json: f.json,
    stdinIsTTY: i.stdinIsTTY ?? Boolean(process.stdin.isTTY),
    stdoutIsTTY: i.stdoutIsTTY ?? Boolean(process.stdout.isTTY),
    env: i.env ?? process.env,
  });
  const { decisionFlags: _f, cwd: _c, env: _e, stdinIsTTY: _i, stdoutIsTTY: _o, ...rest } = i;
  const decision = await decide({ ...rest, config: loaded?.options, ctx, yes: Boolean(f.yes) });
  const out: Decision & { configFile?: string; savedConfig?: string } = { ...decision };
  if (loaded) out.configFile = loaded.path;
  if (f.saveConfig !== undefined && decision.action !== 'docker') {
    out.savedConfig = writeConfigFile(resolve(i.cwd, f.saveConfig), decision.options, { cwd: i.cwd });
    i.print(`Saved these decisions to ${out.savedConfig}; repeat headless with: tfbuild build ${i.version} --config ${out.savedConfig} --yes\n`);
  }
  return out;
}
