/**
 * One decision, one plan: `prepare(request)` is the single road from a command line to what runs. It reads the
 * options once, probes (or reads --host-facts) once, computes the verdict once, settles every decision once (prompts
 * only return options), settles bazel, makes the plan once and collects the secrets it carries. `build`, `plan`,
 * `fetch`, `--dry-run` and the container route only render or execute its result, so `tfbuild plan X`,
 * `tfbuild X --dry-run` and `tfbuild X` take the same route and end with the same exit code.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { writeConfigFile } from '../config/index.js';
import { EnvironmentError } from '../errors.js';
import { formatCommand } from '../exec/format.js';
import type { Plan } from '../plan/index.js';
import { isClangEra } from '../plan/configure-env.js';
import type { BuildOptions } from '../plan/options.js';
import { getCacheDir, verifyTagName } from '../plan/paths.js';
import { computeVerdict, type Verdict } from '../plan/verdict.js';
import { addContainerFacts } from '../probe/index.js';
import type { HostFacts } from '../probe/types.js';
import { resolveRecipe } from '../recipes/index.js';
import type { Recipe } from '../recipes/schema.js';
import { needsOtherBazel, settleBazel } from '../steps/ensure-bazel.js';
import { decide, getDockerCommand, type DecisionFlags, type Origins } from '../ui/decide.js';
import { askConfirm, getPromptContext, type PromptContext } from '../ui/prompts.js';
import { SecretRegistry } from '../exec/redact.js';
import { findRemoteSecrets } from '../plan/remote.js';
import { decideForContainer, type ContainerSide } from './prepare-container.js';
import { planFor, probeForBuild, readHostFactsFile, readRequestOptions, withPythonFacts, type BuildFlags } from './build-options.js';

/** What the command will do with the result: only `build` may write before the first step (a bazel download). */
export type PrepareMode = 'build' | 'plan' | 'dry-run' | 'fetch';

export interface PrepareRequest {
  version: string;
  flags: BuildFlags & DecisionFlags;
  mode: PrepareMode;
  /** Human text (paragraphs, the summary screen): stderr. */
  print: (s: string) => void;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  /** `tfbuild docker`: the container route whatever the verdict (the command itself is the consent). */
  container?: boolean;
  /** This host's facts, already probed by the caller (`doctor VERSION`): used instead of probing again. */
  facts?: HostFacts;
  /** Told the verdict as soon as it is final, so a caller can show it even when no plan can be made after it. */
  onVerdict?: (verdict: Verdict) => void;
  /** --base-image/--image-bazel: on the container route the image's toolchain is known only once probed. */
  imageOverrides?: boolean;
}

export type Route = 'native' | 'container' | 'abort';

export interface Prepared {
  route: Route;
  facts: HostFacts;
  recipe: Recipe;
  tag: string;
  verdict: Verdict;
  options: BuildOptions;
  origins: Origins;
  /** The plan that runs, natively or in the build container; null on the abort route. */
  plan: Plan | null;
  /** The container route: the image generation and the facts its plan was made from. */
  container: ContainerSide | null;
  /** The container route's command (what `tfbuild build` runs instead of the plan). */
  dockerCommand: string | null;
  /** Every secret the plan carries (literal credentials, `${ENV}` values): mask them in every output. */
  secrets: SecretRegistry;
  /** Written by --save-config. */
  savedConfig?: string;
}

/** Verdict fixes that tfbuild performs itself after consent (the bazel download); the rest must be done first. */
function isBazelFix(fix: string, verdict: Verdict): boolean {
  return verdict.choices.bazel === null ? false : /bazel/i.test(fix) && !/apt-get|dnf|pip /.test(fix);
}

/** What a bazel download would fetch, when only consent is missing for it: named in the same refusal. */
export interface BazelConsent {
  /** e.g. "download bazel 5.3.0 (sha256-verified) into tfbuild's cache". */
  action: string;
  /** Why: what the recipe needs and what this host has. */
  why: string;
}

/**
 * A headless run without --yes does not install or download anything on its own: everything --yes would let it do
 * first (the build venv's two commands, a bazel download) is named in one refusal, so one rerun with --yes suffices.
 */
export function refuseUnconsented(plan: Plan, bazel: BazelConsent | null = null): void {
  const step = plan.steps.find((s) => s.kind === 'build-python');
  const venv = step?.kind === 'build-python' ? step : null;
  if (venv === null && bazel === null) return;
  const what = [
    ...(bazel ? [`${bazel.why}: it would first ${bazel.action}`] : []),
    ...(venv ? [`${venv.basePython} lacks ${venv.packages.join(', ')}: the build would first install them into a build venv of tfbuild's own with:`] : []),
  ];
  throw new EnvironmentError(what.join('; '), {
    details: venv ? [formatCommand([venv.cmd, ...venv.args]), formatCommand([venv.pip.cmd, ...venv.pip.args])] : [],
    hint: venv && bazel
      ? `Pass --yes to let tfbuild do both, or do them yourself and rerun with --python ${venv.python} and --bazel PATH to a fitting bazel (bazelisk also works).`
      : venv ? `Pass --yes to let tfbuild run them, or run them yourself and rerun with --python ${venv.python}.`
        : 'Pass --yes to let tfbuild download it, or rerun with --bazel PATH to a fitting bazel (bazelisk also works).',
  });
}

export async function prepare(req: PrepareRequest): Promise<Prepared> {
  const env = req.env ?? process.env;
  const cwd = req.cwd ?? process.cwd();
  const f = req.flags;
  const { given, config, options: asked } = readRequestOptions(req.version, f, cwd);
  const probing = f.hostFacts !== undefined ? null : req.facts !== undefined ? Promise.resolve(req.facts) : probeForBuild(asked);
  const { recipe, tag } = resolveRecipe(asked.version, asked.recipeFile !== undefined ? { recipeFile: asked.recipeFile } : {});
  let facts = probing ? await probing : readHostFactsFile(f.hostFacts!);
  // A --python the probe did not list (a venv, a wrapper): asked directly, added to a copy of the facts. On the
  // container route --python names the image's python, never probed here (`tfbuild docker`); for the guided build
  // one this host cannot run is left to the verdict: the native route refuses it ('not on this host'), the
  // container route checks it against the image's pythons.
  if (probing && !req.container) facts = await withPythonFacts(facts, asked.python).catch((e: unknown) => {
    if (e instanceof EnvironmentError) return facts;
    throw e;
  });
  const verdictOpts = {
    gpu: asked.gpu, noInstall: asked.install.mode === 'none',
    ...(asked.python ? { python: asked.python } : {}), ...(asked.hostCompiler ? { hostCompiler: asked.hostCompiler } : {}), ...(asked.cudaPath ? { cudaPath: asked.cudaPath } : {}),
  };
  // Only this host's engines are probed, and only when the verdict needs them: a --host-facts file is another host.
  let verdict = computeVerdict(facts, recipe, verdictOpts);
  if (probing && facts.skipped?.includes('containers') && verdict.kind === 'container') {
    facts = await addContainerFacts(facts);
    verdict = computeVerdict(facts, recipe, verdictOpts);
  }
  req.onVerdict?.(verdict);

  const base = getPromptContext({
    yes: f.yes, nonInteractive: f.nonInteractive, json: f.json, env,
    stdinIsTTY: req.stdinIsTTY ?? Boolean(process.stdin.isTTY), stdoutIsTTY: req.stdoutIsTTY ?? Boolean(process.stdout.isTTY),
  });
  // plan and --dry-run never ask: they answer as the headless run they preview.
  const ctx: PromptContext = req.mode === 'build' || req.mode === 'fetch' ? base : { interactive: false, reason: base.reason ?? `tfbuild ${req.mode} does not ask` };
  const yes = Boolean(f.yes);
  const secretsOf = (plan: Plan | null) => new SecretRegistry(findRemoteSecrets(plan?.options ?? asked, env));

  // What the verdict says to do first that tfbuild does not do itself (a system package, which needs root; disk
  // space) is refused before step 1, the same in plan, --dry-run and the run. The bazel download and the build venv
  // are tfbuild's own actions, run after consent.
  verifyTagName(asked.tag ?? tag);
  const todo = !req.container && verdict.kind === 'native-after-fixes'
    ? verdict.fixes.filter((x) => !isBazelFix(x, verdict) && x !== verdict.buildPackages?.fix) : [];
  if (todo.length > 0) {
    // A clang-era release without a fitting clang still builds with gcc on request (TF_NEED_CLANG=0, untested upstream).
    const gcc = isClangEra(recipe) && verdict.choices.compiler === null ? facts.compilers.find((c) => c.kind === 'gcc') : undefined;
    const gccRoute = gcc ? `; or, untested by TensorFlow, build with gcc: add --host-compiler ${formatCommand([gcc.path])}` : '';
    throw new EnvironmentError(`${recipe.line} does not build on this host until these are done (tfbuild does not run them):`, {
      details: [...todo, ...verdict.reasons.map((r) => `why: ${r}`)],
      hint: `Run them yourself, then rerun${verdict.otherPython ? `; or use another python of this host: pass ${verdict.otherPython}` : ''}; or build in a container instead: ${getDockerCommand(verdict, req.version, asked.gpu)}${gccRoute}`,
    });
  }

  // Bazel is settled before the plan is made, so the plan the user confirms names the bazel that runs.
  let bazelConsent: BazelConsent | null = null;
  if (!req.container && verdict.kind !== 'container' && verdict.kind !== 'impossible' && asked.bazel === undefined && needsOtherBazel(facts, recipe)) {
    // Headless without --yes nothing is downloaded, and the bazel found would fail the preflight: refused (with
    // whatever else needs consent) once the plan is made, the same in plan, --dry-run and the run.
    if (!yes && !ctx.interactive) {
      const found = facts.bazel ? `bazel ${facts.bazel.version ?? facts.bazel.packageRelease ?? '(version unknown)'} at ${facts.bazel.path}` : 'no bazel';
      bazelConsent = { action: `download bazel ${recipe.bazel.tested} (sha256-verified) into tfbuild's cache`, why: `${recipe.line} needs bazel ${recipe.bazel.range}; this host has ${found}` };
    }
    if (req.mode === 'build' || req.mode === 'fetch') {
      facts = await settleBazel({
        facts, recipe, yes, interactive: ctx.interactive, cacheDir: getCacheDir({ home: env.HOME ?? homedir(), cwd, xdgCacheHome: env.XDG_CACHE_HOME }),
        confirm: (message) => askConfirm({ message, default: true }, ctx), print: (l) => req.print(l + '\n'),
      });
    } else if (yes) {
      req.print(`Note: the real run first downloads bazel ${recipe.bazel.tested} (sha256-verified) into tfbuild's cache; this plan names the bazel found now.\n`);
    }
  }

  let made: { options: BuildOptions; plan: Plan } | null = null;
  const makePlan = (options: BuildOptions): Plan => {
    const plan = planFor({ facts, recipe, tag, options, verdict, env, cwd });
    made = { options, plan };
    return plan;
  };
  const out = (route: Route, plan: Plan | null, dockerCommand: string | null, options: BuildOptions, origins: Origins, container: ContainerSide | null = null): Prepared => ({
    route, facts, recipe, tag: asked.tag ?? tag, verdict, options, origins, plan, dockerCommand, container, secrets: secretsOf(plan),
  });
  const containerRoute = async (dockerCommand: string): Promise<Prepared> => {
    const c = await decideForContainer({
      version: req.version, tag: asked.tag ?? tag, hostFacts: facts, recipe, given, config, ctx, yes: yes || Boolean(req.container), env, cwd,
      print: req.mode === 'plan' ? () => undefined : req.print, imageOverrides: req.imageOverrides === true,
    });
    if (c.decision.action !== 'build') return out('abort', null, null, c.decision.options, c.decision.origins);
    return out('container', c.plan, dockerCommand, c.decision.options, c.decision.origins, c.side);
  };
  if (req.container) return containerRoute(`tfbuild docker ${req.version}${asked.gpu ? ' --gpu' : ''}`);
  const d = await decide({
    flags: given, config, version: req.version, tag: asked.tag ?? tag, facts, recipe, verdict, ctx, yes, makePlan,
    print: req.mode === 'plan' ? () => undefined : req.print,
  });
  if (d.action === 'docker') {
    const dockerCommand = d.dockerCommand ?? getDockerCommand(verdict, req.version, asked.gpu);
    // A headless run without --yes does not start an hours-long container build on its own; plan and --dry-run
    // preview exactly that refusal.
    if (!yes && !ctx.interactive) {
      throw new EnvironmentError(`A native build of ${recipe.line} is not practical on this host.`, {
        details: verdict.reasons,
        hint: `Run ${dockerCommand}, or pass --yes to let tfbuild build take the container route.`,
      });
    }
    return containerRoute(dockerCommand);
  }
  if (d.action === 'abort') return out('abort', null, null, d.options, d.origins);
  const m = made as { options: BuildOptions; plan: Plan } | null;
  const plan = m !== null && m.options === d.options ? m.plan : makePlan(d.options);

  // A step that installs packages runs only with consent: --yes, or the confirmation the guided build just asked.
  if (!yes && !ctx.interactive) refuseUnconsented(plan, bazelConsent);
  const prepared = out('native', plan, null, d.options, d.origins);
  if (f.saveConfig !== undefined) {
    prepared.savedConfig = writeConfigFile(resolve(cwd, f.saveConfig), d.options, { cwd });
    req.print(`Saved these decisions to ${prepared.savedConfig}; repeat headless with: tfbuild build ${req.version} --config ${prepared.savedConfig} --yes\n`);
  }
  return prepared;
}
