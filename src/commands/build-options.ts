/** The options `build` and `plan` share: flags → BuildOptions (validated), and making the Plan from them. */
import { verifyFlagCombinations } from './flag-checks.js';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { Option, type Command } from 'commander';
import { ConfigError, UsageError } from '../errors.js';
import { loadConfig, mergeOptions } from '../config/index.js';
import { BuildOptionsSchema, type BuildOptions, type BuildOptionsInput } from '../plan/options.js';
import { createPlan, type Plan, type PlanChoices } from '../plan/index.js';
import { computeVerdict } from '../plan/verdict.js';
import { buildProbeSkips, probeHost } from '../probe/index.js';
import type { HostFacts } from '../probe/types.js';
import { resolveRecipe } from '../recipes/index.js';
import { readPythonInfo } from '../tools/python.js';

export interface BuildFlags {
  gpu?: boolean;
  recipe?: string;
  tag?: string;
  source?: string;
  allowDirty?: boolean;
  repo?: string;
  workdir?: string;
  output?: string;
  cpuFlags?: string;
  computeCapabilities?: string;
  python?: string;
  hostCompiler?: string;
  cudaPath?: string;
  cudnnPath?: string;
  bazel?: string;
  jobs?: string;
  localRam?: string;
  installInto?: string;
  install?: boolean;
  venv?: string;
  diskCache?: string | false;
  remoteCache?: string;
  remoteExecutor?: string;
  remoteInstanceName?: string;
  remoteHeader?: string[];
  repositoryCache?: string;
  distdir?: string[];
  bazelFlag?: string[];
  maxRetries?: string;
  config?: string;
  hostFacts?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addBuildOptions(cmd: Command): Command {
  return cmd
    .option('--gpu', 'build with CUDA')
    .option('--recipe <file>', 'use this recipe file instead of the catalog')
    .option('--tag <tag>', 'git tag to build (default: the recipe line default)')
    .option('--source <dir>', 'build an existing checkout in place (must be at the tag; never reset)')
    .option('--allow-dirty', 'build a --source tree with uncommitted changes')
    .option('--repo <url>', 'repository to clone the tag from')
    .option('--workdir <dir>', 'work dir: clone, venv, logs, state (default under ~/.cache/tfbuild/work)')
    .option('--output <dir>', 'where the wheel goes (default ./dist; never overwritten)')
    .option('--cpu-flags <spec>', 'auto | native | none | a list such as avx2,fma')
    .option('--compute-capabilities <list>', 'CUDA compute capabilities, e.g. 7.5,8.6')
    .option('--python <path>', 'python interpreter for configure and the venv')
    .option('--host-compiler <path>', 'gcc/clang (nvcc host compiler for GPU builds)')
    .option('--cuda-path <dir>', 'CUDA toolkit root')
    .option('--cudnn-path <dir>', 'cuDNN root')
    .option('--bazel <path>', 'bazel or bazelisk binary')
    .option('--jobs <n>', 'bazel --jobs (default: cores, ~2 GB of free memory each)')
    .option('--local-ram <MiB>', 'bazel RAM budget in MiB (default 80% of available memory)')
    .option('--install-into <python>', 'pip install the wheel into this python instead of a new venv')
    .option('--venv <dir>', 'the venv to create and install into (default <workdir>/venv)')
    .option('--no-install', 'do not install the wheel')
    .option('--disk-cache <dir>', 'bazel --disk_cache dir (default ~/.cache/tfbuild/disk-cache)')
    .option('--no-disk-cache', 'build without a disk cache')
    .option('--remote-cache <url>', 'bazel --remote_cache URL: http(s):// or grpc(s):// (docs/remote.md)')
    .option('--remote-executor <url>', 'bazel --remote_executor URL: grpc(s)://')
    .option('--remote-instance-name <name>', 'bazel --remote_instance_name')
    .option('--remote-header <K=V>', "header for the cache/executor, repeatable; V may be '${ENV_VAR}' (credentials: TFBUILD_REMOTE_TOKEN)", collect)
    .option('--repository-cache <dir>', 'bazel --repository_cache (downloaded archives; see tfbuild fetch)')
    .option('--distdir <dir>', 'bazel --distdir, repeatable', collect)
    .option('--bazel-flag <flag>', 'extra bazel build flag (repeatable)', collect)
    .option('--max-retries <n>', 'OOM retries of the bazel step with fewer jobs (default 1)')
    .option('--config <file>', 'read options from this tfbuild.config.json/yaml')
    .addOption(new Option('--host-facts <file>', 'plan for another host: a saved `tfbuild doctor --json`'));
}

function toInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} needs a whole number, got ${JSON.stringify(v)}.`, { hint: `e.g. ${flag} 4` });
  return n;
}

export function parseCpuFlags(v: string | undefined): BuildOptionsInput['cpuFlags'] {
  if (v === undefined) return undefined;
  if (v === 'auto' || v === 'native' || v === 'none') return v;
  const list = v.split(/[,\s]+/).map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (list.length === 0 || list.some((s) => !/^[a-z0-9_.]+$/.test(s))) {
    throw new UsageError(`--cpu-flags "${v}" is not auto, native, none or a list like avx2,fma.`, { hint: 'e.g. --cpu-flags avx2,fma' });
  }
  return list;
}

/** Only what the flags say (undefined = not given), so decide() can tell a flag from a default. */
export function readFlagOptions(version: string, f: BuildFlags): Partial<BuildOptionsInput> {
  verifyFlagCombinations(f);
  return {
    version,
    gpu: f.gpu,
    recipeFile: f.recipe,
    tag: f.tag,
    source: f.source,
    allowDirty: f.allowDirty,
    repo: f.repo,
    workdir: f.workdir,
    output: f.output,
    cpuFlags: parseCpuFlags(f.cpuFlags),
    computeCapabilities: f.computeCapabilities?.split(',').map((s) => s.trim()),
    python: f.python,
    hostCompiler: f.hostCompiler,
    cudaPath: f.cudaPath,
    cudnnPath: f.cudnnPath,
    bazel: f.bazel,
    jobs: toInt(f.jobs, '--jobs'),
    localRamMiB: toInt(f.localRam, '--local-ram'),
    install: f.installInto !== undefined ? { mode: 'into', python: f.installInto } : f.install === false ? { mode: 'none' } : f.venv !== undefined ? { mode: 'venv', venvDir: f.venv } : undefined,
    diskCache: f.diskCache === false ? false : typeof f.diskCache === 'string' ? f.diskCache : undefined,
    remoteCache: f.remoteCache,
    remoteExecutor: f.remoteExecutor,
    remoteInstanceName: f.remoteInstanceName,
    remoteHeaders: f.remoteHeader,
    repositoryCache: f.repositoryCache,
    distdir: f.distdir,
    extraBazelFlags: f.bazelFlag,
    maxRetries: toInt(f.maxRetries, '--max-retries'),
  };
}

export function toBuildOptions(version: string, f: BuildFlags, cwd = process.cwd()): BuildOptions {
  const flags = readFlagOptions(version, f);
  const config = loadConfig({ cwd, ...(f.config !== undefined ? { configFile: f.config } : {}) });
  const merged = mergeOptions(config?.options, flags);
  const parsed = BuildOptionsSchema.safeParse(merged);
  if (!parsed.success) {
    throw new UsageError('Invalid build options.', {
      details: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      hint: 'See tfbuild build --help.',
    });
  }
  return parsed.data;
}

export function readHostFactsFile(path: string): HostFacts {
  if (!existsSync(path)) throw new UsageError(`--host-facts ${path} does not exist.`, { hint: 'Save one with: tfbuild doctor --json > host.json' });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${path} is not JSON: ${(e as Error).message}`, { hint: 'Save it with: tfbuild doctor --json > host.json' });
  }
  // `doctor --json` nests the facts under `host`; a bare HostFacts file is accepted too.
  const facts = (raw && typeof raw === 'object' && 'host' in raw ? (raw as { host: unknown }).host : raw) as Partial<HostFacts> | null;
  if (!facts || typeof facts !== 'object' || facts.schemaVersion !== 1 || !facts.cpu || !facts.memory || !Array.isArray(facts.pythons)) {
    throw new ConfigError(`${path} is not a saved host description (schemaVersion 1 with cpu, memory, pythons).`, {
      hint: 'Save one with: tfbuild doctor --json > host.json on the build host.',
    });
  }
  return facts as HostFacts;
}

/** The host as a build sees it: no GPU stack without --gpu, no container engines until a verdict needs them. */
export function probeForBuild(opts: Pick<BuildOptions, 'gpu' | 'cudaPath' | 'cudnnPath'>): Promise<HostFacts> {
  return probeHost({ ...(opts.cudaPath ? { cudaPath: opts.cudaPath } : {}), ...(opts.cudnnPath ? { cudnnPath: opts.cudnnPath } : {}), skip: buildProbeSkips(opts.gpu) });
}

export interface MadePlan {
  plan: Plan;
  facts: HostFacts;
}

export async function makePlan(opts: BuildOptions, o: { hostFactsFile?: string | undefined; facts?: HostFacts } = {}): Promise<MadePlan> {
  const { recipe, tag } = resolveRecipe(opts.version, opts.recipeFile !== undefined ? { recipeFile: opts.recipeFile } : {});
  const facts = o.facts ?? (o.hostFactsFile !== undefined
    ? readHostFactsFile(o.hostFactsFile)
    : await probeForBuild(opts));
  // A --python the probe did not list (a venv, a wrapper): ask it directly, so configure gets its library path.
  if (opts.python !== undefined && !facts.pythons.some((p) => p.path === opts.python || p.realPath === opts.python)) {
    const info = await readPythonInfo(opts.python);
    facts.pythons.unshift({
      path: opts.python, realPath: info.executable, version: info.version, numpy: info.numpy, pip: info.pipVersion,
      wheel: info.wheel, venv: info.hasVenv, headers: info.headers, sitePackages: info.sitePackages,
    });
  }
  const choices: PlanChoices = {};
  try {
    const v = computeVerdict(facts, recipe, {
      gpu: opts.gpu,
      ...(opts.python !== undefined ? { python: opts.python } : {}),
      ...(opts.hostCompiler !== undefined ? { hostCompiler: opts.hostCompiler } : {}),
      ...(opts.cudaPath !== undefined ? { cudaPath: opts.cudaPath } : {}),
      noInstall: opts.install.mode === 'none',
    });
    if (v.choices.python) choices.python = v.choices.python.path;
    if (v.choices.compiler) choices.compiler = v.choices.compiler.path;
    if (v.choices.cuda) choices.cudaPath = v.choices.cuda.path;
  } catch {
    // The verdict is advice; the plan falls back to the first python/compiler probed.
  }
  const plan = createPlan({
    facts,
    recipe,
    recipeFile: opts.recipeFile ?? null,
    tag: opts.tag ?? tag,
    options: opts,
    pathEnv: { home: process.env.HOME ?? homedir(), cwd: process.cwd(), xdgCacheHome: process.env.XDG_CACHE_HOME },
    choices,
    env: process.env,
  });
  return { plan, facts };
}
