/** The options `build` and `plan` share: flags → BuildOptions (validated), and making the Plan from them. */
import { verifyFlagCombinations } from './flag-checks.js';
import { existsSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { ConfigError, UsageError } from '../errors.js';
import { parseCpuFlagNames } from '../plan/cpu-flags.js';
import { loadConfig, mergeOptions } from '../config/index.js';
import { BuildOptionsSchema, type BuildOptions, type BuildOptionsInput } from '../plan/options.js';
import { resolvePath } from '../plan/paths.js';
import type { Plan } from '../plan/index.js';
import { createPlan, type PlanChoices } from '../plan/index.js';
import type { Verdict } from '../plan/verdict.js';
import type { Recipe } from '../recipes/schema.js';
import type { DecisionFlags } from '../ui/decide.js';
import { homedir } from 'node:os';
import { buildProbeSkips, probeHost } from '../probe/index.js';
import { HostFactsSchema, type HostFacts } from '../probe/types.js';
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
  cudaSource?: string;
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
  remoteImage?: string;
  remoteLocalFallback?: boolean;
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
    .option('--cuda-source <hermetic|local>', '2.18+ GPU: hermetic (bazel downloads CUDA/cuDNN/NCCL, the default) or local (the probed toolkit and cuDNN)')
    .option('--cudnn-path <dir>', 'cuDNN root')
    .option('--bazel <path>', 'bazel or bazelisk binary')
    .option('--jobs <n>', 'bazel --jobs (default: cores, ~2 GB of free memory each)')
    .option('--local-ram <MiB>', 'bazel RAM budget in MiB (default 80% of available memory)')
    .option('--install-into <python>', 'pip install the wheel into this python instead of a new venv')
    .option('--venv <dir>', 'the venv to create and install into (default <workdir>/venv; on the container route, on this host: <workdir>/host-venv)')
    .option('--no-install', 'do not install the wheel')
    .option('--disk-cache <dir>', 'bazel --disk_cache dir (default ~/.cache/tfbuild/disk-cache)')
    .option('--no-disk-cache', 'build without a disk cache')
    .option('--remote-cache <url>', 'bazel --remote_cache URL: http(s):// or grpc(s):// (docs/remote.md)')
    .option('--remote-executor <url>', 'bazel --remote_executor URL: grpc(s)://')
    .option('--remote-instance-name <name>', 'bazel --remote_instance_name')
    .option('--remote-image <image>', 'container image of the remote execution platform (container-image=docker://IMAGE)')
    .option('--remote-local-fallback', 'run an action on this host when its remote execution fails (bazel --remote_local_fallback)')
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
  // A name the ISA table does not know is a usage error before anything else (the verdict, the probe) is looked at.
  parseCpuFlagNames(list);
  return list;
}

/** --install-into, --no-install and --venv each name where the wheel goes: one at most. */
export function readInstallFlags(f: Pick<BuildFlags, 'installInto' | 'install' | 'venv'>): BuildOptionsInput['install'] {
  const given = [f.installInto !== undefined ? '--install-into' : null, f.install === false ? '--no-install' : null, f.venv !== undefined ? '--venv' : null]
    .filter((x): x is string => x !== null);
  if (given.length > 1) {
    throw new UsageError(`${given.join(' and ')} contradict each other: each says where the wheel goes.`, { hint: `Pass one of ${given.join(', ')}.` });
  }
  if (f.installInto !== undefined) return { mode: 'into', python: f.installInto };
  if (f.install === false) return { mode: 'none' };
  return f.venv !== undefined ? { mode: 'venv', venvDir: f.venv } : undefined;
}

function parseCudaSource(v: string | undefined): 'hermetic' | 'local' | undefined {
  if (v === undefined || v === 'hermetic' || v === 'local') return v;
  throw new UsageError(`--cuda-source ${v}: expected hermetic or local.`, { hint: 'Pass --cuda-source hermetic (bazel downloads CUDA) or --cuda-source local (the probed toolkit).' });
}

/** Only what the flags say (undefined = not given), so decide() can tell a flag from a default. */
export function readFlagOptions(version: string, f: BuildFlags): Partial<BuildOptionsInput> {
  const install = readInstallFlags(f);
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
    cudaSource: parseCudaSource(f.cudaSource),
    bazel: f.bazel,
    jobs: toInt(f.jobs, '--jobs'),
    localRamMiB: toInt(f.localRam, '--local-ram'),
    install,
    diskCache: f.diskCache === false ? false : typeof f.diskCache === 'string' ? f.diskCache : undefined,
    remoteCache: f.remoteCache,
    remoteExecutor: f.remoteExecutor,
    remoteInstanceName: f.remoteInstanceName,
    remoteImage: f.remoteImage,
    remoteLocalFallback: f.remoteLocalFallback === true ? true : undefined,
    remoteHeaders: f.remoteHeader,
    repositoryCache: f.repositoryCache,
    distdir: f.distdir,
    extraBazelFlags: f.bazelFlag,
    maxRetries: toInt(f.maxRetries, '--max-retries'),
  };
}

/** Flags, then the config file, validated once (exit 2 naming the field). */
export function readRequestOptions(version: string, flags: BuildFlags & Pick<DecisionFlags, 'config'>, cwd: string): {
  given: Partial<BuildOptionsInput>; config: Partial<BuildOptionsInput> | undefined; options: BuildOptions;
} {
  const given = readFlagOptions(version, flags);
  const loaded = loadConfig({ cwd, ...(flags.config !== undefined ? { configFile: flags.config } : {}) });
  // A config file's source is checked as --source is (flags-checks.ts), as a config error naming the file.
  const src = loaded?.options.source;
  if (given.source === undefined && src !== undefined && !existsSync(resolvePath({ home: process.env.HOME ?? homedir(), cwd }, src))) {
    throw new ConfigError(`${loaded?.path}: source ${src}: no such directory.`, { hint: `Fix "source" in ${loaded?.path} (relative paths are relative to that file), or pass --source DIR.` });
  }
  const parsed = BuildOptionsSchema.safeParse(mergeOptions(loaded?.options, given));
  if (!parsed.success) {
    throw new UsageError('Invalid build options.', {
      details: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      hint: 'See tfbuild build --help.',
    });
  }
  return { given, config: loaded?.options, options: parsed.data };
}

/** The plan for decided options. Pure apart from reading HOME/XDG_CACHE_HOME and the cwd for default paths. */
export function planFor(o: { facts: HostFacts; recipe: Recipe; tag: string; options: BuildOptions; verdict: Verdict; env: NodeJS.ProcessEnv; cwd: string }): Plan {
  const v = o.verdict.choices;
  const choices: PlanChoices = {
    ...(v.python ? { python: v.python.path } : {}),
    ...(v.compiler ? { compiler: v.compiler.path } : {}),
    ...(v.cuda ? { cudaPath: v.cuda.path } : {}),
  };
  return createPlan({
    facts: o.facts, recipe: o.recipe, recipeFile: o.options.recipeFile ?? null, tag: o.options.tag ?? o.tag, options: o.options,
    pathEnv: { home: o.env.HOME ?? homedir(), cwd: o.cwd, xdgCacheHome: o.env.XDG_CACHE_HOME }, choices, env: o.env,
  });
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
  const nested = raw !== null && typeof raw === 'object' && 'host' in raw;
  const facts = nested ? (raw as { host: unknown }).host : raw;
  const parsed = HostFactsSchema.safeParse(facts);
  if (!parsed.success) {
    const at = (p: PropertyKey[]) => [...(nested ? ['host'] : []), ...p.map(String)].join('.') || '(root)';
    const first = parsed.error.issues[0]!;
    throw new ConfigError(`${path} is not a saved host description: ${at(first.path)}: ${first.message}.`, {
      details: parsed.error.issues.slice(0, 8).map((i) => `${at(i.path)}: ${i.message}`),
      hint: 'Save it again with this tfbuild on the build host: tfbuild doctor --json > host.json (docs/doctor-json.md lists every field).',
    });
  }
  return parsed.data;
}

/** The host as a build sees it: no GPU stack without --gpu, no container engines until a verdict needs them. */
export function probeForBuild(opts: Pick<BuildOptions, 'gpu' | 'cudaPath' | 'cudnnPath'>): Promise<HostFacts> {
  return probeHost({ ...(opts.cudaPath ? { cudaPath: opts.cudaPath } : {}), ...(opts.cudnnPath ? { cudnnPath: opts.cudnnPath } : {}), skip: buildProbeSkips(opts.gpu) });
}

/** The facts with a --python the probe did not list (a venv, a wrapper) asked directly; a copy, never the input. */
export async function withPythonFacts(facts: HostFacts, python: string | undefined): Promise<HostFacts> {
  if (python === undefined || facts.pythons.some((p) => p.path === python || p.realPath === python)) return facts;
  const info = await readPythonInfo(python);
  return {
    ...facts,
    pythons: [{
      path: python, realPath: info.executable, version: info.version, numpy: info.numpy, pip: info.pipVersion,
      wheel: info.wheel, venv: info.hasVenv, headers: info.headers, sitePackages: info.sitePackages, packages: info.packages, isVenv: info.isVenv,
    }, ...facts.pythons],
  };
}
