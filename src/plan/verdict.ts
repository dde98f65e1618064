/**
 * Can this host build this release, and how? PURE: host facts × recipe × options → a Verdict, with the concrete
 * choices (python, host compiler, CUDA toolkit, cuDNN, bazel) and, when something is missing, the fixes that make a
 * native build possible — or the reason only a container (or nothing) can build it.
 */
import semver from 'semver';
import { compareCapability } from '../recipes/rules.js';
import {
  findInstallableClang,
  findInstallableGcc,
  findInstallablePython,
  getDistroPackages,
  type DistroPackages,
} from '../recipes/distros.js';
import type { Recipe } from '../recipes/schema.js';
import type { CompilerFacts, CudaFacts, CudnnFacts, HostFacts, PythonFacts } from '../probe/types.js';

export type VerdictKind = 'native' | 'native-after-fixes' | 'container' | 'impossible';

export interface BazelChoice {
  kind: 'bazel' | 'bazelisk';
  path: string;
  /** The bazel release that will run; null when the tag's .bazelversion decides. */
  version: string | null;
  /** USE_BAZEL_VERSION to give bazelisk (releases without a .bazelversion). */
  useBazelVersion?: string;
}

export interface Verdict {
  kind: VerdictKind;
  /** Why the verdict is what it is: each missing or unusable thing, one line each. */
  reasons: string[];
  /** Commands that make a native build possible (native-after-fixes), or prepare the container build. */
  fixes: string[];
  choices: {
    python: PythonFacts | null;
    compiler: CompilerFacts | null;
    cuda: CudaFacts | null;
    cudnn: CudnnFacts | null;
    bazel: BazelChoice | null;
  };
  nextCommand: string;
}

export interface VerdictOptions {
  gpu: boolean;
  /** A python path or an X.Y version the user insists on. */
  python?: string;
  /** A compiler path the user insists on (nvcc host compiler for GPU builds). */
  hostCompiler?: string;
  /** A CUDA toolkit root the user insists on. */
  cudaPath?: string;
}

/** One need of the build: satisfied, fixable on the host, or not (then only a container helps). */
type Need = { ok: true } | { ok: false; reason: string; fix: string | null };

const APT = 'sudo apt-get install -y';

function coerce(v: string | null | undefined): string | null {
  return v ? (semver.coerce(v)?.version ?? null) : null;
}

function satisfies(v: string | null | undefined, range: string): boolean {
  const c = coerce(v);
  return c !== null && semver.satisfies(c, range);
}

function majorMinor(v: string): string {
  const c = semver.coerce(v);
  return c ? `${c.major}.${c.minor}` : v;
}

function distroName(facts: HostFacts): string {
  return facts.os.distro?.name ?? `${facts.os.platform} (unknown distribution)`;
}

function isApt(facts: HostFacts): boolean {
  return facts.os.packageManager === 'apt';
}

// --- python -----------------------------------------------------------------------------------------------------

function pickPython(facts: HostFacts, recipe: Recipe, opts: VerdictOptions, pkgs: DistroPackages | null): { choice: PythonFacts | null; needs: Need[] } {
  const wanted = opts.python;
  let pythons = facts.pythons;
  if (wanted !== undefined) {
    pythons = pythons.filter((p) => p.path === wanted || p.realPath === wanted || majorMinor(p.version) === wanted || p.version === wanted);
    if (pythons.length === 0) {
      return { choice: null, needs: [{ ok: false, reason: `python ${wanted} (--python) is not on this host`, fix: `pass a python this host has (${facts.pythons.map((p) => p.path).join(', ') || 'none found'}) or install ${wanted}` }] };
    }
  }
  const range = recipe.python.range;
  const byPreference = (list: PythonFacts[], preferred: string) =>
    [...list].sort((a, b) => Number(majorMinor(b.version) === preferred) - Number(majorMinor(a.version) === preferred) || semver.compare(coerce(b.version) ?? '0.0.0', coerce(a.version) ?? '0.0.0'));

  if (recipe.python.hermetic) {
    // Bazel brings its own interpreter; the host python runs ./configure and receives the wheel, so it should be one
    // of the versions the hermetic rule accepts (the wheel's cpXY tag follows TF_PYTHON_VERSION).
    const accepted = recipe.python.hermeticVersions ?? [];
    const fitting = pythons.filter((p) => accepted.includes(majorMinor(p.version)));
    if (fitting.length > 0) return { choice: byPreference(fitting, recipe.python.preferred)[0] ?? null, needs: [{ ok: true }] };
    const any3 = pythons.filter((p) => satisfies(p.version, '>=3.7.0'));
    const installable = pkgs ? pkgs.python.filter((p) => accepted.includes(p)).reverse() : [];
    const need: Need = {
      ok: false,
      reason: `no python ${accepted.join('/')} to install the wheel into (found ${pythons.map((p) => p.version).join(', ') || 'none'}); bazel builds with its own python, but the wheel only installs into one of those`,
      fix: installable[0] && isApt(facts) ? `${APT} python${installable[0]} python${installable[0]}-venv` : null,
    };
    return { choice: byPreference(any3, recipe.python.preferred)[0] ?? null, needs: [need] };
  }

  const fitting = pythons.filter((p) => satisfies(p.version, range));
  if (fitting.length === 0) {
    const installable = pkgs ? findInstallablePython(pkgs, range) : [];
    const first = installable[0];
    return {
      choice: null,
      needs: [
        {
          ok: false,
          reason: `python ${recipe.tested.python} is needed (found ${pythons.map((p) => p.version).join(', ') || 'none'})${first ? '' : `; ${distroName(facts)} does not package one`}`,
          fix: first && isApt(facts) ? `${APT} python${first} python${first}-dev${first.startsWith('3') ? ` python3-pip` : ''}` : null,
        },
      ],
    };
  }
  const choice = byPreference(fitting, recipe.python.preferred)[0] ?? null;
  const needs: Need[] = [];
  if (choice) {
    const mm = majorMinor(choice.version);
    if (!choice.headers) needs.push({ ok: false, reason: `python ${choice.version} has no headers (Python.h)`, fix: isApt(facts) ? `${APT} python${mm}-dev` : `install the development headers of python ${mm}` });
    if (choice.numpy === null) needs.push({ ok: false, reason: `python ${choice.version} has no numpy (configure and the build import it)`, fix: `${choice.path} -m pip install numpy` });
    if (!choice.wheel) needs.push({ ok: false, reason: `python ${choice.version} has no wheel module (build_pip_package needs it)`, fix: `${choice.path} -m pip install wheel` });
  }
  return { choice, needs };
}

// --- compiler ---------------------------------------------------------------------------------------------------

function compilerRange(recipe: Recipe, gpu: boolean): string {
  const { range, gpuRange } = recipe.compiler;
  if (!gpu || gpuRange === undefined) return range;
  // Both must hold: the compiler builds TensorFlow and nvcc accepts it as host compiler.
  if (range === gpuRange) return range;
  if (range.includes('||') || gpuRange.includes('||') || !semver.intersects(range, gpuRange)) return gpuRange;
  return `${range} ${gpuRange}`;
}

function pickCompiler(facts: HostFacts, recipe: Recipe, opts: VerdictOptions, pkgs: DistroPackages | null): { choice: CompilerFacts | null; need: Need } {
  const kind = recipe.compiler.kind;
  const range = compilerRange(recipe, opts.gpu);
  const nvccHost = opts.gpu && recipe.gpu && !recipe.gpu.hermetic && kind === 'gcc' && recipe.compiler.gpuRange !== undefined;
  const what = nvccHost ? `a gcc nvcc of CUDA ${recipe.tested.cuda} accepts (${recipe.compiler.gpuRange})` : `${kind} ${range}`;
  let compilers = facts.compilers.filter((c) => c.kind === kind);
  if (opts.hostCompiler !== undefined) {
    const chosen = facts.compilers.find((c) => c.path === opts.hostCompiler || c.cxxPath === opts.hostCompiler);
    if (!chosen) return { choice: null, need: { ok: false, reason: `compiler ${opts.hostCompiler} (--host-compiler) is not on this host`, fix: 'pass a compiler this host has' } };
    compilers = [chosen];
  }
  const fitting = compilers.filter((c) => satisfies(c.version, range));
  const testedMajor = semver.coerce(recipe.tested.compiler)?.major;
  const best = [...fitting].sort(
    (a, b) => Number(semver.coerce(b.version)?.major === testedMajor) - Number(semver.coerce(a.version)?.major === testedMajor) || semver.compare(coerce(b.version) ?? '0.0.0', coerce(a.version) ?? '0.0.0'),
  )[0];
  if (best) return { choice: best, need: { ok: true } };
  const found = compilers.map((c) => `${c.kind} ${c.version}`).join(', ') || `no ${kind}`;
  if (opts.hostCompiler !== undefined) {
    return { choice: null, need: { ok: false, reason: `${opts.hostCompiler} is ${found}, but the build needs ${what}`, fix: 'drop --host-compiler or name a fitting compiler' } };
  }
  let fix: string | null = null;
  // Install the tested major when the distribution has it, else the newest that fits.
  const testedFirst = <T>(list: T[], majorOf: (x: T) => string) =>
    [...list].sort((a, b) => Number(semver.coerce(majorOf(b))?.major === testedMajor) - Number(semver.coerce(majorOf(a))?.major === testedMajor));
  if (pkgs && isApt(facts)) {
    if (kind === 'gcc') {
      const g = testedFirst(findInstallableGcc(pkgs, range), (x) => x)[0];
      if (g) fix = `${APT} gcc-${g} g++-${g}`;
    } else {
      const c = testedFirst(findInstallableClang(pkgs, range), (x) => x.major)[0];
      if (c) fix = c.viaLlvmSh ? `wget https://apt.llvm.org/llvm.sh && sudo bash llvm.sh ${c.major}` : `${APT} clang-${c.major} lld-${c.major}`;
    }
  }
  return { choice: null, need: { ok: false, reason: `needs ${what}; found ${found}${fix ? '' : `, and ${distroName(facts)} does not package one`}`, fix } };
}

// --- bazel and JDK ----------------------------------------------------------------------------------------------

function pickBazel(facts: HostFacts, recipe: Recipe): { choice: BazelChoice | null; needs: Need[] } {
  const b = recipe.bazel;
  const useBazelVersion = b.useBazelversionFile ? undefined : b.tested;
  const needs: Need[] = [];
  const bazel = facts.bazel;
  if (bazel && bazel.kind === 'bazel') {
    // A bazel whose release is unknown (Debian's `bazel no_version`) satisfies only '*'.
    const version = bazel.unknownRelease ? null : coerce(bazel.version);
    const fits = version === null ? b.range.trim() === '*' : semver.satisfies(version, b.range);
    const broken = version === null ? undefined : b.broken.find((x) => semver.satisfies(version, x.bazel));
    if (fits && !broken) return { choice: { kind: 'bazel', path: bazel.path, version: bazel.version }, needs };
  }
  const bazeliskPath = facts.bazelisk?.path ?? (bazel?.kind === 'bazelisk' ? bazel.path : null);
  const choice: BazelChoice = { kind: 'bazelisk', path: bazeliskPath ?? 'bazelisk', version: useBazelVersion ?? null, ...(useBazelVersion ? { useBazelVersion } : {}) };
  if (bazeliskPath) return { choice, needs };
  let why = 'no bazel on PATH';
  if (bazel) {
    const version = bazel.unknownRelease ? null : coerce(bazel.version);
    const broken = version === null ? undefined : b.broken.find((x) => semver.satisfies(version, x.bazel));
    why =
      version === null
        ? `${bazel.path} does not report its release (${bazel.raw ?? 'no_version'}), so it cannot be trusted to be ${b.range}`
        : broken
          ? `bazel ${bazel.version} is known to fail: ${broken.reason}`
          : `bazel ${bazel.version} is outside ${b.range}`;
  }
  needs.push({
    ok: false,
    reason: `${why}; bazelisk will fetch bazel ${useBazelVersion ?? "from the tag's .bazelversion"}`,
    fix: 'npm install -g @bazel/bazelisk   # or download bazelisk-linux-amd64 from github.com/bazelbuild/bazelisk/releases',
  });
  return { choice, needs };
}

function checkJdk(facts: HostFacts, recipe: Recipe, pkgs: DistroPackages | null): Need {
  if (recipe.jdk === null) return { ok: true };
  const range = recipe.jdk.range;
  if (facts.java?.major != null && semver.satisfies(`${facts.java.major}.0.0`, range)) return { ok: true };
  const installable = pkgs?.jdk.filter((m) => semver.satisfies(`${m}.0.0`, range)) ?? [];
  const found = facts.java ? `java ${facts.java.major ?? facts.java.version ?? '?'}` : 'no java';
  const first = installable[0];
  return {
    ok: false,
    reason: `bazel ${recipe.bazel.tested} runs on JDK ${range}; found ${found}${first !== undefined ? '' : `, and ${distroName(facts)} does not package it`}`,
    fix: first !== undefined && isApt(facts) ? `${APT} openjdk-${first}-jdk-headless` : null,
  };
}

// --- CUDA, cuDNN, GPU -------------------------------------------------------------------------------------------

function pickCuda(facts: HostFacts, recipe: Recipe, opts: VerdictOptions, pkgs: DistroPackages | null): { choice: CudaFacts | null; need: Need } {
  const gpu = recipe.gpu!;
  let toolkits = facts.cuda;
  if (opts.cudaPath !== undefined) {
    toolkits = toolkits.filter((c) => c.path === opts.cudaPath);
    if (toolkits.length === 0) return { choice: null, need: { ok: false, reason: `no CUDA toolkit at ${opts.cudaPath} (--cuda-path)`, fix: 'drop --cuda-path or point it at an installed toolkit' } };
  }
  const fitting = toolkits.filter((c) => satisfies(c.version, gpu.cuda.range) && c.cudart);
  const tested = majorMinor(gpu.cuda.tested);
  const best = [...fitting].sort(
    (a, b) => Number(majorMinor(b.version) === tested) - Number(majorMinor(a.version) === tested) || semver.compare(coerce(b.version) ?? '0.0.0', coerce(a.version) ?? '0.0.0'),
  )[0];
  if (best) return { choice: best, need: { ok: true } };
  const found = toolkits.map((c) => `${c.version} at ${c.path}`).join(', ') || 'none';
  const packaged = pkgs !== null && semver.intersects(gpu.cuda.range, pkgs.cuda);
  return {
    choice: null,
    need: {
      ok: false,
      reason: `needs CUDA ${gpu.cuda.tested} (${gpu.cuda.range}); found ${found}${packaged ? '' : `, and NVIDIA ships no CUDA ${gpu.cuda.tested} for ${distroName(facts)}`}`,
      fix: packaged && isApt(facts) ? `${APT} cuda-toolkit-${gpu.cuda.tested.replace('.', '-')}   # from NVIDIA's CUDA repository` : null,
    },
  };
}

function checkCudnn(facts: HostFacts, recipe: Recipe, pkgs: DistroPackages | null, cudaPackaged: boolean): { choice: CudnnFacts | null; need: Need } {
  const gpu = recipe.gpu!;
  const c = facts.cudnn;
  if (c && satisfies(c.version, gpu.cudnn.range)) return { choice: c, need: { ok: true } };
  const packaged = cudaPackaged && pkgs !== null && semver.intersects(gpu.cudnn.range, pkgs.cudnn);
  const major = semver.coerce(gpu.cudnn.tested)?.major ?? gpu.cudnn.tested;
  return {
    choice: null,
    need: {
      ok: false,
      reason: `needs cuDNN ${gpu.cudnn.tested} (${gpu.cudnn.range}); found ${c ? c.version : 'none'}${packaged ? '' : `, and NVIDIA ships no cuDNN ${gpu.cudnn.tested} for CUDA ${gpu.cuda.tested} on ${distroName(facts)}`}`,
      fix: packaged && isApt(facts) ? `${APT} libcudnn${major}-dev   # from NVIDIA's CUDA repository (cuDNN ${gpu.cudnn.tested} for CUDA ${gpu.cuda.tested})` : null,
    },
  };
}

/** GPUs the release's CUDA cannot target, or that the release no longer supports. */
function findUnsupportedGpus(facts: HostFacts, recipe: Recipe): string[] {
  const cc = recipe.gpu?.computeCapabilities;
  if (!cc) return [];
  const out: string[] = [];
  for (const g of facts.gpus) {
    if (g.computeCapability === null) continue;
    if (cc.max !== undefined && compareCapability(g.computeCapability, cc.max) > 0) {
      out.push(`GPU ${g.index} (${g.name}) has compute capability ${g.computeCapability}; CUDA ${recipe.tested.cuda} of TensorFlow ${recipe.version} targets at most ${cc.max}`);
    } else if (compareCapability(g.computeCapability, cc.min) < 0) {
      out.push(`GPU ${g.index} (${g.name}) has compute capability ${g.computeCapability}; TensorFlow ${recipe.version} needs at least ${cc.min}`);
    }
  }
  return out;
}

// --- the verdict ------------------------------------------------------------------------------------------------

export function computeVerdict(facts: HostFacts, recipe: Recipe, opts: VerdictOptions): Verdict {
  const gpu = opts.gpu;
  const flag = gpu ? ' --gpu' : '';
  const pkgs = getDistroPackages(facts.os.distro);
  const reasons: string[] = [];
  const blocking: string[] = [];
  const impossible: string[] = [];
  const fixes: string[] = [];

  if (gpu && recipe.gpu === null) impossible.push(`recipe ${recipe.line} has no GPU build`);
  if (facts.os.arch !== 'x64') impossible.push(`recipes cover Linux x86_64 only; this host is ${facts.os.arch}`);
  if (gpu) impossible.push(...findUnsupportedGpus(facts, recipe));

  const take = (need: Need) => {
    if (need.ok) return;
    if (need.fix !== null) {
      reasons.push(need.reason);
      if (!fixes.includes(need.fix)) fixes.push(need.fix);
    } else blocking.push(need.reason);
  };

  if (facts.os.platform !== 'linux') blocking.push(`native builds need Linux; this host runs ${facts.os.platform}`);
  const py = pickPython(facts, recipe, opts, pkgs);
  py.needs.forEach(take);
  const compiler = pickCompiler(facts, recipe, opts, pkgs);
  take(compiler.need);
  const bazel = pickBazel(facts, recipe);
  bazel.needs.forEach(take);
  take(checkJdk(facts, recipe, pkgs));

  let cuda: CudaFacts | null = null;
  let cudnn: CudnnFacts | null = null;
  if (gpu && recipe.gpu && !recipe.gpu.hermetic) {
    const c = pickCuda(facts, recipe, opts, pkgs);
    take(c.need);
    cuda = c.choice;
    const d = checkCudnn(facts, recipe, pkgs, c.need.ok || c.need.fix !== null);
    take(d.need);
    cudnn = d.choice;
    if (cuda && facts.driver?.cudaVersion && semver.lt(coerce(facts.driver.cudaVersion) ?? '0.0.0', coerce(cuda.version) ?? '0.0.0')) {
      reasons.push(`the NVIDIA driver supports CUDA ${facts.driver.cudaVersion} only: the wheel builds, but needs a newer driver to run here`);
    }
  }
  if (gpu && recipe.gpu?.hermetic) reasons.push(`CUDA ${recipe.tested.cuda} and cuDNN ${recipe.tested.cudnn} are downloaded by bazel (hermetic CUDA): no local toolkit needed`);
  if (gpu && facts.gpus.length === 0) reasons.push('no NVIDIA GPU here: the GPU wheel can be built, but not tested on this host');

  const free = facts.disk?.freeGiB;
  if (free !== undefined && free < recipe.estimates.diskGiB) {
    const fix = `free ${Math.ceil(recipe.estimates.diskGiB - free)} GiB in ${facts.disk?.measured ?? 'the work dir'} (a build needs about ${recipe.estimates.diskGiB} GiB) or pass --workdir on a larger disk`;
    reasons.push(`only ${free} GiB free; the build needs about ${recipe.estimates.diskGiB} GiB`);
    fixes.push(fix);
  }

  const choices: Verdict['choices'] = { python: py.choice, compiler: compiler.choice, cuda, cudnn, bazel: bazel.choice };
  const container = gpu ? recipe.containers.gpu : recipe.containers.cpu;

  if (impossible.length > 0) {
    return {
      kind: 'impossible',
      reasons: [...impossible, ...blocking, ...reasons],
      fixes: [],
      choices,
      nextCommand: gpu && recipe.gpu !== null ? `tfbuild doctor ${recipe.line}   # a CPU-only build; or pick a newer release: tfbuild recipes` : 'tfbuild recipes',
    };
  }
  if (blocking.length > 0) {
    if (container === null) {
      return { kind: 'impossible', reasons: [...blocking, ...reasons, `recipe ${recipe.line} names no ${gpu ? 'GPU' : 'CPU'} container image`], fixes: [], choices, nextCommand: 'tfbuild recipes' };
    }
    const engine = facts.containers.find((c) => c.works);
    const containerFixes = engine ? [] : [isApt(facts) ? `${APT} podman   # or any working docker` : 'install podman or docker'];
    return {
      kind: 'container',
      reasons: [...blocking.map((b) => `not natively: ${b}`), `a ${container} container has what ${recipe.line} needs`],
      fixes: containerFixes,
      choices,
      nextCommand: `tfbuild docker ${recipe.line}${flag}`,
    };
  }
  if (fixes.length > 0) {
    return { kind: 'native-after-fixes', reasons, fixes, choices, nextCommand: `tfbuild build ${recipe.line}${flag}` };
  }
  return { kind: 'native', reasons, fixes: [], choices, nextCommand: `tfbuild build ${recipe.line}${flag}` };
}
