/**
 * The container route's half of prepare(): the same decisions and the same plan as a native build, made from the
 * facts of the image (the host's machine with the generation's declared toolchain, src/docker/image-facts.ts).
 * The guided build therefore asks the native questions here too (CPU flags with the host's ISA as default, compute
 * capabilities, the image's python, where to install); the plan it returns is what the build container executes.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { EnvironmentError, UsageError } from '../errors.js';
import type { Plan } from '../plan/index.js';
import type { BuildOptions, BuildOptionsInput } from '../plan/options.js';
import { getCacheDir } from '../plan/paths.js';
import { computeVerdict, type Verdict } from '../plan/verdict.js';
import type { HostFacts } from '../probe/types.js';
import type { Recipe } from '../recipes/schema.js';
import { declaredImageFacts } from '../docker/image-facts.js';
import { chooseGeneration, choosePython, type Generation } from '../docker/generations.js';
import { getPythonVersion } from '../plan/wheel-python.js';
import { getHostInstallCandidates, planHostInstall, type HostInstall } from './container-verify.js';
import { decide, type Decision } from '../ui/decide.js';
import type { PromptContext } from '../ui/prompts.js';
import { planFor } from './build-options.js';

export interface ContainerSide {
  generation: Generation;
  /** The facts the plan was made from (declared until the build container is probed). */
  facts: HostFacts;
  verdict: Verdict;
  /** Where the wheel goes on this host, and the host steps that put it there (null on the abort route). */
  host: HostInstall | null;
}

/** The work dir of a container build when none is given: apart from the native build's, whose toolchain differs. */
export function defaultContainerWorkdir(line: string, gpu: boolean, env: NodeJS.ProcessEnv, cwd: string): string {
  return join(getCacheDir({ home: env.HOME ?? homedir(), cwd, xdgCacheHome: env.XDG_CACHE_HOME }), 'docker-work', `${line}-${gpu ? 'gpu' : 'cpu'}`);
}

export function verdictOptions(o: Pick<BuildOptions, 'gpu' | 'install' | 'python' | 'hostCompiler' | 'cudaPath'>) {
  return {
    gpu: o.gpu, noInstall: o.install.mode === 'none',
    ...(o.python ? { python: o.python } : {}), ...(o.hostCompiler ? { hostCompiler: o.hostCompiler } : {}), ...(o.cudaPath ? { cudaPath: o.cudaPath } : {}),
  };
}

/**
 * The environment a container plan is made with: tfbuild's caches (bazel's output root, the disk cache) default
 * under the work dir, which is mounted, instead of under the host's cache dir, which is not (and whose bazel
 * install bases belong to the host's toolchain).
 */
export function containerPlanEnv(env: NodeJS.ProcessEnv, workdir: string): NodeJS.ProcessEnv {
  return { ...env, XDG_CACHE_HOME: join(workdir, '.cache') };
}

/** The image's facts must satisfy the recipe, as a native host's would: else the image cannot build it. */
export function requireNative(verdict: Verdict, recipe: Recipe, image: string): void {
  if (verdict.kind === 'native') return;
  throw new EnvironmentError(`The image ${image} cannot build ${recipe.line} as planned (${verdict.kind}).`, {
    details: [...verdict.reasons, ...verdict.fixes].map(String),
    hint: 'Drop --base-image/--image-bazel overrides that change the toolchain, or pass --python/--host-compiler naming what the image has.',
  });
}

export interface ContainerDecisionInput {
  version: string;
  tag: string;
  hostFacts: HostFacts;
  recipe: Recipe;
  given: Partial<BuildOptionsInput>;
  config: Partial<BuildOptionsInput> | undefined;
  ctx: PromptContext;
  yes: boolean;
  print: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** --base-image/--image-bazel: the image's toolchain is known only once probed (checks against it wait for that). */
  imageOverrides?: boolean;
}

/**
 * On the container route the build options' install is the HOST's target; the build container installs into a venv
 * of the image's python in the work dir (as `tfbuild docker` always did), or nowhere with --no-install.
 */
export function containerInstall(install: BuildOptions['install']): BuildOptions['install'] {
  return install.mode === 'none' ? install : { mode: 'venv' };
}

/** Decides (asking where interactive) and plans for the image; null plan when the user aborts. */
export async function decideForContainer(i: ContainerDecisionInput): Promise<{ decision: Decision; plan: Plan | null; side: ContainerSide }> {
  const gpu = i.given.gpu === true;
  const generation = chooseGeneration(i.recipe.containers, gpu, i.version, i.recipe.gpu);
  const facts = declaredImageFacts(i.hostFacts, generation, i.recipe.bazel.tested);
  const given: Partial<BuildOptionsInput> = {
    ...i.given,
    workdir: i.given.workdir ?? i.config?.workdir ?? defaultContainerWorkdir(i.recipe.line, gpu, i.env, i.cwd),
    ...(gpu && generation.cuda && i.given.cudaPath === undefined ? { cudaPath: `/usr/local/cuda-${generation.cuda.version}` } : {}),
  };
  // Building needs no GPU, but the wheel is for one: the default capabilities are this host's GPUs' (asked with
  // them preselected, or taken headless as a native build takes them); without any, the recipe's default (said),
  // as `tfbuild docker` always did.
  const hostGpus = i.hostFacts.gpus.filter((g) => g.computeCapability !== null);
  let recipeDefault = false;
  if (gpu && hostGpus.length === 0 && given.computeCapabilities === undefined && i.config?.computeCapabilities === undefined && !i.ctx.interactive && i.recipe.gpu) {
    given.computeCapabilities = i.recipe.gpu.computeCapabilities.default.split(',');
    recipeDefault = true;
    i.print(`Note: compute capabilities ${given.computeCapabilities.join(',')}: the recipe's default (this host has no GPU to take them from; building needs none). Pass --compute-capabilities to choose.\n`);
  }
  // The image's python is asked like a native one (its pythons; default: the one the image is set up for); --python answers it.
  const imagePython = choosePython(generation, i.recipe) ?? undefined;
  const python = given.python ?? i.config?.python ?? imagePython;
  // --python names the image's python: one the image does not declare is a usage error (with --base-image or
  // --image-bazel the image is known only once probed, where the verdict of the probed facts decides).
  if (python !== undefined && python !== imagePython && !i.imageOverrides && !facts.pythons.some((p) => p.path === python || p.realPath === python)) {
    throw new UsageError(`--python ${python}: the image of ${generation.name} has no such python (on the container route --python names the image's python).`, {
      hint: `Pass one of the image's pythons (${facts.pythons.map((p) => `${p.path}, python ${p.version}`).join('; ')}), or leave --python out for ${imagePython ?? 'its default'}.`,
    });
  }
  let verdict = computeVerdict(facts, i.recipe, verdictOptions({ gpu, install: { mode: 'venv' }, python, hostCompiler: given.hostCompiler, cudaPath: given.cudaPath } as BuildOptions));
  let made: { options: BuildOptions; plan: Plan } | null = null;
  const makePlan = (options: BuildOptions): Plan => {
    const inside = { ...options, install: containerInstall(options.install), output: resolve(i.cwd, options.output) };
    verdict = computeVerdict(facts, i.recipe, verdictOptions(inside));
    const plan = planFor({ facts, recipe: i.recipe, tag: i.tag, options: inside, verdict, env: containerPlanEnv(i.env, options.workdir ?? given.workdir!), cwd: i.cwd });
    made = { options, plan };
    // The confirmation screen shows what happens on this host too (the refusal of a chosen target comes after it).
    return withHostSteps(plan, planHostInstall({ ...hostInput(options), strict: false, plan }));
  };
  const hostInput = (options: BuildOptions) => ({
    host: i.hostFacts, imageFacts: facts, target: options.install, env: i.env, cwd: i.cwd, era: i.recipe.verify.era, deferCheck: i.imageOverrides === true,
  });
  const hostInstall = { imagePython, pythons: (py: string | undefined) => getHostInstallCandidates(i.hostFacts, py === undefined ? null : getPythonVersion(facts, py)) };
  // The questions see this host's GPUs (the plan, made from the image's facts, does not: the build container has none).
  const asked = { ...facts, gpus: hostGpus };
  const decision = await decide({ flags: given, config: i.config, version: i.version, tag: i.tag, facts: asked, recipe: i.recipe, verdict, ctx: i.ctx, yes: i.yes, makePlan, print: i.print, hostInstall });
  // The recipe's default was not the user's flag.
  if (recipeDefault) decision.origins.computeCapabilities = 'default';
  if (decision.action !== 'build') return { decision, plan: null, side: { generation, facts, verdict, host: null } };
  if ((made as { options: BuildOptions } | null)?.options !== decision.options) makePlan(decision.options);
  const plan = (made as unknown as { plan: Plan }).plan;
  // Now with the user's choice known: a target they chose whose python cannot take the wheel is refused here.
  const host = planHostInstall({ ...hostInput(decision.options), plan, strict: isChosenTarget(decision) });
  return { decision, plan: withHostSteps(plan, host), side: { generation, facts, verdict, host } };
}

/** The user chose where the wheel goes (flag, config, or an answer other than the default venv). */
function isChosenTarget(d: Decision): boolean {
  const o = d.origins.install;
  return o === 'flag' || o === 'config' || (o === 'prompt' && (d.options.install.mode !== 'venv' || d.options.install.venvDir !== undefined));
}

/** The plan's warnings say what happens on this host after the container build (the steps: formatHostSteps). */
export function withHostSteps(plan: Plan, host: HostInstall): Plan {
  if (host.steps !== null || host.target.mode === 'none') return plan;
  const w = host.deferred ? `the install and verify on this host are ${host.reason}` : `the wheel will not be installed on this host: ${host.reason ?? 'no python here can run it'}`;
  return { ...plan, warnings: [...plan.warnings, w] };
}
