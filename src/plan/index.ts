/**
 * PURE: (HostFacts, Recipe, BuildOptions) → Plan. No process, file or environment access here:
 * everything the plan depends on comes in as arguments, so a plan for a GPU box can be made on a laptop.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { HostFacts } from '../probe/types.js';
import type { Recipe } from '../recipes/schema.js';
import { cloneArgs, CLONE_ENV } from './clone.js';
import { buildBazelArgs, buildStartupArgs, getFlagBazelVersion } from './bazel-args.js';
import { buildConfigureEnv, CHILD_LOCALE, chooseCompilerRoute, sortEnv, type TemplateValues } from './configure-env.js';
import { formatCcOptFlags, resolveCpuFlags } from './cpu-flags.js';
import type { BuildOptions } from './options.js';
import { getCacheDir, getDefaultDiskCache, getDefaultWorkdir, getOutputUserRoot, resolvePath, verifyTagName, type PathEnv } from './paths.js';
import { findEnvRefs, remoteFlags } from './remote.js';
import { computeResources, DEFAULT_RAM_PER_JOB_MIB } from './resources.js';
import { LINE_OUTPUT_FLAGS, PLAN_SCHEMA_VERSION, type BuildPythonStep, type Plan, type Step } from './types.js';
import { buildVenvCommands, findMissingBuildPackages, getBuildVenvDir, getBuildVenvRequirements } from './build-python.js';
import { checkPythonPackages } from './verdict.js';
import { getPythonVersion, resolveWheelPython } from './wheel-python.js';
import { planInstallSteps } from './install-steps.js';
import { EnvironmentError, UsageError } from '../errors.js';

export * from './types.js';

export { formatPlan } from './format.js';
export { expectedVerifyCommand, findMismatchedVerifySteps, formatVerifyArgs, type VerifyPayload } from './verify-args.js';

/** What the verdict settled (src/plan/verdict.ts), when it ran; otherwise the plan picks from the facts. */
export interface PlanChoices {
  python?: string | undefined;
  compiler?: string | undefined;
  bazel?: string | undefined;
  cudaPath?: string | undefined;
  cudnnPath?: string | undefined;
}

export interface PlanInput {
  facts: HostFacts;
  recipe: Recipe;
  /** The recipe file a saved plan can point back to (null: the built-in catalog). */
  recipeFile: string | null;
  tag: string;
  options: BuildOptions;
  pathEnv: PathEnv;
  choices?: PlanChoices;
  /** The environment TFBUILD_REMOTE_* references are checked against (names only end up in the plan). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** "v1.4.1" → "1.4.1"; "v2.17.0-rc1" → "2.17.0rc1" (the wheel's PEP 440 version). */
export function getTagVersion(tag: string): string {
  return tag.replace(/^v/, '').replace(/-?(rc|a|b)(\d+)$/, '$1$2');
}

function isBazelisk(path: string): boolean {
  return basename(path).includes('bazelisk');
}

/** The release of an installed bazel: its own answer, or its distribution package's (Debian's `no_version`). */
function getBazelRelease(b: NonNullable<HostFacts['bazel']>): string | null {
  return b.unknownRelease ? (b.packageRelease ?? null) : b.version;
}

function chooseBazel(i: PlanInput): { path: string; version: string | null; bazelisk: boolean } {
  const explicit = i.options.bazel ?? i.choices?.bazel;
  if (explicit !== undefined) {
    const bazelisk = isBazelisk(explicit);
    const known = i.facts.bazel && i.facts.bazel.path === explicit ? getBazelRelease(i.facts.bazel) : null;
    return { path: explicit, version: bazelisk ? i.recipe.bazel.tested : known, bazelisk };
  }
  if (i.facts.bazelisk) return { path: i.facts.bazelisk.path, version: i.recipe.bazel.tested, bazelisk: true };
  if (i.facts.bazel) {
    const bazelisk = i.facts.bazel.kind === 'bazelisk';
    return {
      path: i.facts.bazel.path,
      version: bazelisk ? i.recipe.bazel.tested : getBazelRelease(i.facts.bazel),
      bazelisk,
    };
  }
  return { path: 'bazel', version: null, bazelisk: false };
}

/** The build-python step when the chosen python lacks some of the recipe's build packages (see build-python.ts). */
function planBuildVenv(
  facts: HostFacts, py: HostFacts['pythons'][number] | undefined, recipe: Recipe, python: string, workdir: string, locale: Record<string, string>,
): { step: BuildPythonStep | null; sitePackages: string } {
  const missing = py ? findMissingBuildPackages(py, recipe) : [];
  if (!py || missing.length === 0) return { step: null, sitePackages: '' };
  // A python that cannot make the build venv (no venv module; python 2) is refused before step 1 with the verdict's
  // own fix, the same as when the verdict picked it (an interactive choice can name one the verdict did not).
  const need = checkPythonPackages(facts, recipe, py).find((n) => !n.ok && n.buildVenv === undefined);
  if (need !== undefined && !need.ok) {
    throw new EnvironmentError(`${python} cannot be the build python: ${need.reason}.`, {
      ...(need.fix !== null ? { details: [need.fix] } : {}),
      hint: `Run that first, then rerun${need.otherPython ? `; or pass ${need.otherPython}` : ''}; or build in a container: tfbuild docker ${recipe.line}.`,
    });
  }
  const venvDir = getBuildVenvDir(workdir);
  const packages = getBuildVenvRequirements(py, recipe, missing);
  const c = buildVenvCommands(python, venvDir, packages);
  const [venvCmd, ...venvArgs] = c.venv as [string, ...string[]];
  const [pipCmd, ...pipArgs] = c.pip as [string, ...string[]];
  return {
    step: {
      id: 'build-python', kind: 'build-python', title: `Make the build python: a venv with ${packages.join(', ')}`,
      cmd: venvCmd, args: venvArgs, cwd: workdir, env: { ...locale }, pathPrepend: [],
      basePython: python, venvDir, python: pipCmd, packages,
      pip: { cmd: pipCmd, args: pipArgs, env: sortEnv({ ...locale, PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONNOUSERSITE: '1' }) },
    },
    sitePackages: join(venvDir, 'lib', `python${py.version.split('.').slice(0, 2).join('.')}`, 'site-packages'),
  };
}

export function createPlan(i: PlanInput): Plan {
  const { facts, recipe, options: o, pathEnv } = i;
  const warnings: string[] = [];
  const gpu = o.gpu;
  verifyTagName(i.tag);
  const workdir = o.workdir !== undefined ? resolvePath(pathEnv, o.workdir) : getDefaultWorkdir(pathEnv, i.tag, gpu);
  let srcDir = o.source !== undefined ? resolvePath(pathEnv, o.source) : join(workdir, 'src', i.tag);
  // bazel refuses workspaces whose path has a space ("bazel does not currently work properly from paths containing
  // spaces"): a clone for such a work dir goes under the cache dir instead.
  if (o.source === undefined && /\s/.test(srcDir)) {
    const alt = join(getCacheDir(pathEnv), 'src', `${createHash('sha256').update(workdir).digest('hex').slice(0, 10)}-${i.tag}`);
    if (!/\s/.test(alt)) {
      warnings.push(`bazel cannot build in a path with spaces: the source tree goes to ${alt} (everything else stays in ${workdir}).`);
      srcDir = alt;
    }
  }
  if (/\s/.test(srcDir)) {
    warnings.push(`bazel cannot build in a path with spaces (${srcDir}): move the checkout or pass a --source without spaces.`);
  }
  const outputDir = resolvePath(pathEnv, o.output);
  const locale = { ...CHILD_LOCALE };

  const python = o.python ?? i.choices?.python ?? facts.pythons[0]?.path ?? 'python3';
  const pyFacts = facts.pythons.find((p) => p.path === python || p.realPath === python);
  // Hermetic-python recipes (2.14+) build the wheel for TF_PYTHON_VERSION, not for the python that runs configure.
  const wheelPython = resolveWheelPython(recipe, facts, python, o.install);
  if (wheelPython.problem !== null) throw new UsageError(wheelPython.problem, { hint: wheelPython.hint ?? 'Pass --python with a python the recipe accepts.' });
  warnings.push(...wheelPython.warnings);
  // The recipe's build packages this python lacks go into a tfbuild-owned build venv, which then runs configure.
  const buildVenv = planBuildVenv(facts, pyFacts, recipe, python, workdir, locale);
  const buildPython = buildVenv.step?.python ?? python;
  const compiler = o.hostCompiler ?? i.choices?.compiler ?? facts.compilers[0]?.path ?? 'gcc';
  const clang = facts.compilers.find((c) => c.kind === 'clang')?.path;
  const bazel = chooseBazel(i);
  if (bazel.version === null && recipe.bazel.flagRules.length > 0) {
    warnings.push(`bazel at ${bazel.path} does not report its release: the recipe's version-specific flags are left out.`);
  }

  const cudaPath = o.cudaPath ?? i.choices?.cudaPath ?? facts.cuda[0]?.path;
  const cuda = facts.cuda.find((c) => c.path === cudaPath) ?? facts.cuda[0];
  const cudnnPath = o.cudnnPath ?? i.choices?.cudnnPath ?? facts.cudnn?.path;
  const probedCaps = [...new Set(facts.gpus.map((g) => g.computeCapability).filter((c): c is string => c !== null))];
  const caps = o.computeCapabilities ?? (probedCaps.length > 0 ? probedCaps : recipe.gpu?.computeCapabilities.default.split(',') ?? []);

  const route = chooseCompilerRoute(recipe, {
    hostCompiler: o.hostCompiler, hostCompilerKind: facts.compilers.find((c) => c.path === o.hostCompiler || c.cxxPath === o.hostCompiler)?.kind ?? null, clang,
  });
  warnings.push(...route.warnings);
  // The compiler that turns --copt into code: clang in the clang era (unless gcc was chosen), else the host compiler.
  const copter = facts.compilers.find((c) => (route.clang ? c.path === clang : c.path === compiler || c.cxxPath === compiler));
  const cpu = resolveCpuFlags(o.cpuFlags, facts.cpu.isa, copter ? { kind: copter.kind, version: copter.version } : null);
  warnings.push(...cpu.notes);
  if (cpu.foreign.length > 0) {
    warnings.push(
      `Building for ${cpu.foreign.join(', ')}, which this host's CPU lacks: the wheel will not run here (import fails with an illegal instruction).`,
    );
  }
  const resources = computeResources(
    { cores: facts.cpu.cores, availableMiB: facts.memory.availableMiB },
    recipe.estimates.ramPerJobMiB ?? DEFAULT_RAM_PER_JOB_MIB,
    { jobs: o.jobs, localRamMiB: o.localRamMiB },
  );
  const wheelName = gpu ? recipe.build.wheelName.gpu : recipe.build.wheelName.cpu;

  const vars: TemplateValues = {
    python: buildPython,
    hostCompiler: compiler,
    ccOptFlags: formatCcOptFlags(cpu),
    wheelName,
    computeCapabilities: caps.join(','),
    ...(buildVenv.step ? { pythonLib: buildVenv.sitePackages } : pyFacts?.sitePackages ? { pythonLib: pyFacts.sitePackages } : {}),
    ...(wheelPython.version !== null ? { pythonVersion: wheelPython.version } : {}),
    ...(cudaPath !== undefined ? { cudaPath } : {}),
    ...(cuda ? { cudaVersion: cuda.version } : {}),
    ...(cudnnPath !== undefined ? { cudnnPath } : {}),
    // configure.py looks for libcudnn.so.$TF_CUDNN_VERSION (r1.4: `libcudnn.so.6`): the major, not 6.0.21.
    ...(facts.cudnn ? { cudnnVersion: String(facts.cudnn.major) } : {}),
    ...(clang !== undefined ? { clang } : {}),
  };

  // Flags are spelled for the bazel that runs; an unknown release is taken as the oldest the recipe admits.
  const flagBazel = getFlagBazelVersion(recipe, bazel.version);
  if (flagBazel.note !== null) warnings.push(`bazel at ${bazel.path} does not report its release: ${flagBazel.note}`);
  const remote = remoteFlags(
    { ...o, ...(typeof o.diskCache === 'string' ? { diskCache: resolvePath(pathEnv, o.diskCache) } : {}) },
    { bazelVersion: flagBazel.version, defaultDiskCache: getDefaultDiskCache(pathEnv), env: i.env ?? {},
      containerGeneration: gpu ? recipe.containers.gpu : recipe.containers.cpu },
  );
  warnings.push(...remote.warnings, ...remote.notes);
  // Flags holding a credential go to a private rc file instead of argv (see BazelStep.credentials).
  const isCredential = (f: string) => findEnvRefs(f).length > 0 || remote.literalSecrets.some((s) => f.includes(s)) || /:\/\/[^/@:\s]+:[^/@\s]+@/.test(f);
  const credentialFlags = remote.flags.filter(isCredential);
  const credentials = credentialFlags.length > 0 ? { rcFile: join(workdir, 'private', 'credentials.bazelrc'), flags: credentialFlags } : null;
  const buildArgs = buildBazelArgs({
    recipe,
    gpu,
    bazelVersion: flagBazel.version,
    copts: cpu.copts,
    jobs: resources.jobs,
    localRamMiB: resources.localRamMiB,
    diskCache: null,
    extraFlags: o.extraBazelFlags,
    remoteFlags: remote.flags.filter((f) => !isCredential(f)),
    vars,
  });
  const startupArgs = [...buildStartupArgs(getOutputUserRoot(pathEnv)), ...(credentials ? [`--bazelrc=${credentials.rcFile}`] : [])];
  const bazelEnv = sortEnv({ ...locale, ...(bazel.bazelisk ? { USE_BAZEL_VERSION: recipe.bazel.tested } : {}) });
  // configure runs `bazel` from PATH: put an explicitly chosen one first.
  const bazelDir = o.bazel !== undefined && isAbsolute(bazel.path) ? [dirname(bazel.path)] : [];

  const steps: Step[] = buildVenv.step ? [buildVenv.step] : [];
  steps.push(
    o.source !== undefined
      ? {
          id: 'source', kind: 'source', title: `Check the checkout at ${srcDir} is ${i.tag}`, mode: 'existing',
          cmd: 'git', args: ['-C', srcDir, 'describe', '--tags', '--exact-match', 'HEAD'], cwd: srcDir, env: {}, pathPrepend: [],
          dir: srcDir, repo: o.repo, tag: i.tag, allowDirty: o.allowDirty,
        }
      : {
          id: 'source', kind: 'source', title: `Clone ${i.tag} (shallow)`, mode: 'clone',
          // Into <dir>.partial/tree, renamed to <dir> once HEAD is checked to be the tag (steps/source.ts).
          cmd: 'git', args: cloneArgs(o.repo.startsWith('~/') ? resolvePath(pathEnv, o.repo) : o.repo, i.tag, join(`${srcDir}.partial`, 'tree'), pathEnv.cwd),
          cwd: workdir, env: { ...CLONE_ENV },
          pathPrepend: [], dir: srcDir, repo: o.repo, tag: i.tag, allowDirty: o.allowDirty,
        },
  );
  if (recipe.patches.length > 0) {
    steps.push({
      id: 'patch', kind: 'patch', title: `Apply patches: ${recipe.patches.join(', ')}`,
      cmd: 'tfbuild', args: ['patch', i.tag, '--source', srcDir, ...(i.recipeFile ? ['--recipe', i.recipeFile] : [])],
      cwd: srcDir, env: {}, pathPrepend: [], dir: srcDir, patches: recipe.patches,
    });
  }
  steps.push({
    id: 'configure', kind: 'configure', title: 'Configure (./configure, answers from the environment)',
    cmd: './configure', args: [], cwd: srcDir, env: buildConfigureEnv(recipe, gpu, vars, route, o.cudaSource), pathPrepend: bazelDir,
    bazelrc: '.tf_configure.bazelrc', exitsZeroOnBazelFailure: recipe.configure.exitsZeroOnBazelFailure,
  });
  steps.push({
    id: 'bazel-build', kind: 'bazel-build', title: `bazel build ${recipe.build.target}`,
    cmd: bazel.path, args: [...startupArgs, 'build', ...LINE_OUTPUT_FLAGS, ...buildArgs, recipe.build.target], cwd: srcDir, env: bazelEnv, pathPrepend: [],
    startupArgs, target: recipe.build.target, wheelPython: wheelPython.version, credentials, shutdownArgs: [...startupArgs, 'shutdown'], bazelRange: recipe.bazel.range,
    jobs: resources.jobs, localRamMiB: resources.localRamMiB, maxRetries: o.maxRetries, logDir: join(workdir, 'logs'),
    foreignFlags: cpu.foreign, copts: cpu.copts,
  });

  const packaging = recipe.build.packaging;
  const stagingDir = packaging.kind === 'build_pip_package' ? join(workdir, 'wheel-staging') : join(srcDir, packaging.dir);
  steps.push({
    id: 'package', kind: 'package', title: `Package the wheel into ${outputDir}`,
    ...(packaging.kind === 'build_pip_package'
      ? { cmd: join(srcDir, packaging.script), args: [stagingDir] }
      // The :wheel rule already left the wheel in stagingDir; tfbuild copies it in-process from the step's typed
      // fields (stagingDir → outputDir, never overwriting, with its build-info), so no command runs.
      : { cmd: '', args: [] }),
    // build_pip_package runs `${PYTHON_BIN_PATH:-python} setup.py bdist_wheel`: always the build python (the build
    // venv's, which has `wheel`), never whatever `python` is on PATH (Debian 12 has none).
    cwd: srcDir, env: sortEnv({ ...locale, PYTHON_BIN_PATH: buildPython }), pathPrepend: [], packaging: packaging.kind, stagingDir, outputDir, wheelName, wheelVersion: getTagVersion(i.tag),
    metadata: {
      recipe: { line: recipe.line, version: recipe.version, file: i.recipeFile },
      tag: i.tag,
      cpuFlags: cpu.names,
      copts: cpu.copts,
      gpu,
      cuda: gpu && cuda ? cuda.version : null,
      cudnn: gpu && facts.cudnn ? facts.cudnn.version : null,
      computeCapabilities: gpu ? caps : [],
      compiler: { path: compiler, version: facts.compilers.find((c) => c.path === compiler || c.cxxPath === compiler)?.version ?? null },
      python: { path: python, version: pyFacts?.version ?? null },
      bazel: { path: bazel.path, version: bazel.version, bazelisk: bazel.bazelisk },
    },
  });

  steps.push(...planInstallSteps({
    install: o.install, python, workdir, pathEnv, version: getTagVersion(i.tag), cpuFlags: cpu.names, hostIsa: [...facts.cpu.isa],
    guardPythonVersion: wheelPython.receiver !== null ? getPythonVersion(facts, wheelPython.receiver) : null,
    gpu, requireGpu: gpu && facts.driver !== null, era: recipe.verify.era, forbidPrefix: srcDir,
  }));

  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    version: o.version,
    line: recipe.line,
    tag: i.tag,
    recipeVersion: recipe.version,
    recipeFile: i.recipeFile,
    gpu,
    workdir,
    options: o,
    warnings,
    steps,
  };
}
