/**
 * Can this host build this release, and how? PURE: host facts × recipe × options → a Verdict, with the concrete
 * choices (python, host compiler, CUDA toolkit, cuDNN, bazel) and, when something is missing, the fixes that make a
 * native build possible — or the reason only a container (or nothing) can build it.
 */
import semver from 'semver';
import { compareCapability, majorMinor } from '../recipes/rules.js';
import {
  findInstallableClang,
  findInstallableGcc,
  findInstallablePython,
  getDistroPackages,
  type DistroPackages,
} from '../recipes/distros.js';
import type { Recipe } from '../recipes/schema.js';
import type { CompilerFacts, CudaFacts, CudnnFacts, HostFacts, PythonFacts } from '../probe/types.js';
import type { MissingPackage } from './build-python.js';
import {
  canMakeBuildVenv,
  describeMissing,
  findMissingBuildPackages,
  findReadyPython,
  formatBuildVenvCommands,
  formatReadyPython,
  getBuildVenvRequirements,
  getPythonReadiness,
} from './build-python.js';

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
  /**
   * Requirements (numpy<1.19, wheel) the chosen python lacks, which tfbuild itself installs into its build venv
   * after consent (the plan's build-python step); `fix` is in `fixes` too, for doctor. Null when none.
   */
  buildPackages: { requirements: string[]; fix: string } | null;
  /** When the chosen python needs a system fix first: `--python P (…)` naming one on this host that needs none. */
  otherPython?: string;
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
  /** --no-install: no python receives the wheel (matters for hermetic-python recipes, 2.14+). */
  noInstall?: boolean;
}

/** Package names per package manager (the shape of checks/fix.ts PackageNames). */
export interface NeedPackages {
  apt?: string[];
  dnf?: string[];
  pacman?: string[];
}

/**
 * One need of the build: satisfied, fixable on the host (`fix`), or not (fix null: only a container helps).
 * `id` is stable (python, python.headers, compiler, bazel, jdk, cuda, cudnn, gpu, disk); doctor keys checks on it.
 */
export type Need =
  | { id: string; ok: true; message: string }
  | { id: string; ok: false; reason: string; fix: string | null; packages?: NeedPackages; buildVenv?: string[]; otherPython?: string };

const APT = 'sudo apt-get install -y';

function coerce(v: string | null | undefined): string | null {
  return v ? (semver.coerce(v)?.version ?? null) : null;
}

function satisfies(v: string | null | undefined, range: string): boolean {
  const c = coerce(v);
  return c !== null && semver.satisfies(c, range);
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
      const have = facts.pythons.map((p) => p.path).join(', ') || 'none found';
      return { choice: null, needs: [{ id: 'python', ok: false, reason: `python ${wanted} (--python) is not on this host`, fix: `pass a python this host has (${have}) or install ${wanted}` }] };
    }
  }
  const range = recipe.python.range;
  // A python that has the build packages, then one that can make a build venv for them, before the preferred
  // version: a preferred python that would need a system package first is no better choice than one that needs none.
  const byPreference = (list: PythonFacts[], preferred: string) =>
    [...list].sort(
      (a, b) =>
        getPythonReadiness(a, recipe) - getPythonReadiness(b, recipe) ||
        Number(majorMinor(b.version) === preferred) - Number(majorMinor(a.version) === preferred) ||
        semver.compare(coerce(b.version) ?? '0.0.0', coerce(a.version) ?? '0.0.0'),
    );

  if (recipe.python.hermetic) {
    // Bazel brings its own interpreter; the host python runs ./configure and receives the wheel, so it should be one
    // of the versions the hermetic rule accepts (the wheel's cpXY tag follows TF_PYTHON_VERSION).
    const accepted = recipe.python.hermeticVersions ?? [];
    const fitting = pythons.filter((p) => accepted.includes(majorMinor(p.version)));
    const best = byPreference(fitting, recipe.python.preferred)[0];
    if (best) {
      return { choice: best, needs: [{ id: 'python', ok: true, message: `python ${best.version} (${best.path}); the wheel is built for it with TF_PYTHON_VERSION=${majorMinor(best.version)}` }, ...checkBuildPackages(facts, recipe, best, pkgs, findFittingPythons(facts, recipe))] };
    }
    const any3 = pythons.filter((p) => satisfies(p.version, '>=3.7.0'));
    const runner = byPreference(any3, recipe.python.preferred)[0];
    if (opts.noInstall && runner) {
      // Nothing installs the wheel, so any python 3 may run ./configure; the plan builds for the preferred version.
      return { choice: runner, needs: [{ id: 'python', ok: true, message: `python ${runner.version} (${runner.path}) runs ./configure; with --no-install the wheel is built for python ${recipe.python.preferred} (TF_PYTHON_VERSION)` }, ...checkBuildPackages(facts, recipe, runner, pkgs, facts.pythons.filter((p) => satisfies(p.version, '>=3.7.0')))] };
    }
    const installable = pkgs ? pkgs.python.filter((p) => accepted.includes(p)).reverse() : [];
    const first = installable[0];
    const need: Need = {
      id: 'python',
      ok: false,
      reason: `no python ${accepted.join('/')} to install the wheel into (found ${pythons.map((p) => p.version).join(', ') || 'none'}); bazel builds with its own python, but the wheel only installs into one of those`,
      fix: first && isApt(facts) ? `${APT} python${first} python${first}-venv` : null,
      ...(first ? { packages: { apt: [`python${first}`, `python${first}-venv`] } } : {}),
    };
    return { choice: byPreference(any3, recipe.python.preferred)[0] ?? null, needs: [need] };
  }

  const fitting = pythons.filter((p) => satisfies(p.version, range));
  const choice = byPreference(fitting, recipe.python.preferred)[0];
  if (!choice) {
    const first = pkgs ? findInstallablePython(pkgs, range)[0] : undefined;
    const names = first ? [`python${first}`, `python${first}-dev`, ...(first.startsWith('3') ? ['python3-pip'] : [])] : [];
    return {
      choice: null,
      needs: [
        {
          id: 'python',
          ok: false,
          reason: `python ${recipe.tested.python} is needed (found ${pythons.map((p) => p.version).join(', ') || 'none'})${first ? '' : `; ${distroName(facts)} does not package one`}`,
          fix: first && isApt(facts) ? `${APT} ${names.join(' ')}` : null,
          ...(first ? { packages: { apt: names } } : {}),
        },
      ],
    };
  }
  const mm = majorMinor(choice.version);
  const needs: Need[] = [{ id: 'python', ok: true, message: `python ${choice.version} (${choice.path}) is within ${recipe.tested.python}` }];
  if (!choice.headers) {
    needs.push({
      id: 'python.headers',
      ok: false,
      reason: `python ${choice.version} has no headers (Python.h)`,
      fix: isApt(facts) ? `${APT} python${mm}-dev` : `install the development headers of python ${mm}`,
      packages: { apt: [`python${mm}-dev`], dnf: [`python${mm.replace('.', '')}-devel`], pacman: ['python'] },
    });
  }
  needs.push(...checkBuildPackages(facts, recipe, choice, pkgs, findFittingPythons(facts, recipe)));
  return { choice, needs };
}

/**
 * The recipe's build packages: all there, or a build venv tfbuild makes (after consent) with the missing ones, or —
 * when this python cannot make a venv with pip (no venv/ensurepip module; python 2 has none) — a system package to
 * install first, naming a python of `fitting` that needs none when the host has one.
 */
function checkBuildPackages(facts: HostFacts, recipe: Recipe, choice: PythonFacts, pkgs: DistroPackages | null, fitting: readonly PythonFacts[]): Need[] {
  const missing = findMissingBuildPackages(choice, recipe);
  if (missing.length === 0) return [];
  const mm = majorMinor(choice.version);
  const what = `python ${choice.version} (${choice.path}) lacks ${describeMissing(missing)}`;
  if (!canMakeBuildVenv(choice)) {
    const alt = formatReadyPython(findReadyPython(fitting, recipe, choice), recipe);
    const orAlt = alt ? `; or pass ${alt}` : '';
    if (choice.version.startsWith('2.')) return [checkPython2Packages(facts, recipe, choice, missing, pkgs, what, alt)];
    return [{
      id: 'python.venv',
      ok: false,
      reason: `${what}, and has no venv/ensurepip module to make a build venv with pip for them${orAlt}`,
      ...(alt ? { otherPython: alt } : {}),
      fix: isApt(facts) ? `${APT} python${mm}-venv` : `install the venv module (ensurepip) of python ${mm}`,
      packages: { apt: [`python${mm}-venv`] },
    }];
  }
  const requirements = getBuildVenvRequirements(choice, recipe, missing);
  return [{
    id: 'python.packages',
    ok: false,
    reason: `${what}; tfbuild installs them into a build venv of its own, never into this python`,
    fix: `tfbuild build ${recipe.line} --yes does it in its work dir; by hand: ${formatBuildVenvCommands(choice.path, 'VENV', requirements)}, then pass --python VENV/bin/python`,
    buildVenv: requirements,
  }];
}

/** Debian/Ubuntu package python 2's numpy and wheel for their own /usr/bin/python2.7 (16.04, 18.04). */
const PY2_DEB: Record<string, string> = { numpy: 'python-numpy', wheel: 'python-wheel' };

/**
 * Python 2 has no venv module, so no build venv: the distribution's python-numpy/python-wheel for its own python 2
 * (packages the distribution has, for packages absent rather than too new), else another python or a container.
 */
function checkPython2Packages(
  facts: HostFacts, recipe: Recipe, choice: PythonFacts, missing: readonly MissingPackage[], pkgs: DistroPackages | null, what: string, alt: string,
): Need {
  const isDistroPython = /^\/usr\/bin\/python2(\.7)?$/.test(choice.realPath ?? choice.path);
  const debs = missing.map((m) => (m.have === null ? PY2_DEB[m.name.toLowerCase()] : undefined));
  const apt = isApt(facts) && isDistroPython && pkgs?.python.includes('2.7') === true && debs.every((d) => d !== undefined) ? (debs as string[]) : null;
  const reason = `${what}; python 2 has no venv module, so tfbuild cannot make a build venv for them`;
  const other = alt ? { otherPython: alt } : {};
  if (apt) return { id: 'python.packages', ok: false, reason: `${reason}${alt ? `; or pass ${alt}` : ''}`, fix: `${APT} ${apt.join(' ')}`, packages: { apt }, ...other };
  return {
    id: 'python.packages', ok: false, ...other, reason: `${reason}, and ${distroName(facts)} packages none for this python`,
    fix: alt ? `pass ${alt}` : `pass --python with a python 3 within ${recipe.tested.python}, or build in a container: tfbuild docker ${recipe.line}`,
  };
}

/** The pythons of this host a recipe accepts (hermetic recipes: the versions the wheel can be built for). */
function findFittingPythons(facts: HostFacts, recipe: Recipe): PythonFacts[] {
  const accepted = recipe.python.hermeticVersions ?? [];
  return facts.pythons.filter((p) => (recipe.python.hermetic ? accepted.includes(majorMinor(p.version)) : satisfies(p.version, recipe.python.range)));
}

/** The build-package need of a python the plan was given (an interactive choice): none, a build venv, or a system fix. */
export function checkPythonPackages(facts: HostFacts, recipe: Recipe, py: PythonFacts): Need[] {
  return checkBuildPackages(facts, recipe, py, getDistroPackages(facts.os.distro), findFittingPythons(facts, recipe));
}

// --- compiler ---------------------------------------------------------------------------------------------------

/** The compiler range a build must meet; exported so ui/decide offers the same compilers the verdict accepts. */
export function compilerRange(recipe: Recipe, gpu: boolean): string {
  const { range, gpuRange } = recipe.compiler;
  if (!gpu || gpuRange === undefined || range === gpuRange) return range;
  // Both must hold: the compiler builds TensorFlow and nvcc accepts it as host compiler.
  if (range.includes('||') || gpuRange.includes('||') || !semver.intersects(range, gpuRange)) return gpuRange;
  return `${range} ${gpuRange}`;
}

function pickCompiler(facts: HostFacts, recipe: Recipe, opts: VerdictOptions, pkgs: DistroPackages | null): { choice: CompilerFacts | null; need: Need } {
  const kind = recipe.compiler.kind;
  const range = compilerRange(recipe, opts.gpu);
  const nvccHost = opts.gpu && recipe.gpu !== null && !recipe.gpu.hermetic && kind === 'gcc' && recipe.compiler.gpuRange !== undefined;
  const what = nvccHost ? `a gcc nvcc of CUDA ${recipe.tested.cuda} accepts (${recipe.compiler.gpuRange})` : `${kind} ${range}`;
  let compilers = facts.compilers.filter((c) => c.kind === kind);
  if (opts.hostCompiler !== undefined) {
    const chosen = facts.compilers.find((c) => c.path === opts.hostCompiler || c.cxxPath === opts.hostCompiler);
    if (!chosen) return { choice: null, need: { id: 'compiler', ok: false, reason: `compiler ${opts.hostCompiler} (--host-compiler) is not on this host`, fix: 'pass a compiler this host has' } };
    // 2.14+ configure.py takes TF_NEED_CLANG=0: gcc on request, untested upstream (the plan warns; clang stays the advice).
    if (kind === 'clang' && chosen.kind === 'gcc') {
      const message = `${chosen.kind} ${chosen.version} (${chosen.path}) chosen with --host-compiler: TF_NEED_CLANG=0, which TensorFlow does not test (it tests ${recipe.tested.compiler}; clang ${range} is the recommended route)`;
      return { choice: chosen, need: { id: 'compiler', ok: true, message } };
    }
    compilers = [chosen];
  }
  const testedMajor = semver.coerce(recipe.tested.compiler)?.major;
  const isTestedMajor = (v: string) => semver.coerce(v)?.major === testedMajor;
  const fitting = compilers.filter((c) => satisfies(c.version, range));
  const best = [...fitting].sort(
    (a, b) => Number(isTestedMajor(b.version)) - Number(isTestedMajor(a.version)) || semver.compare(coerce(b.version) ?? '0.0.0', coerce(a.version) ?? '0.0.0'),
  )[0];
  if (best) return { choice: best, need: { id: 'compiler', ok: true, message: `${best.kind} ${best.version} (${best.path}) is ${what}` } };
  const found = compilers.map((c) => `${c.kind} ${c.version}`).join(', ') || `no ${kind}`;
  if (opts.hostCompiler !== undefined) {
    return { choice: null, need: { id: 'compiler', ok: false, reason: `${opts.hostCompiler} is ${found}, but the build needs ${what}`, fix: 'drop --host-compiler or name a fitting compiler' } };
  }
  // Install the tested major when the distribution has it, else the newest that fits.
  const testedFirst = <T>(list: T[], majorOf: (x: T) => string) => [...list].sort((a, b) => Number(isTestedMajor(majorOf(b))) - Number(isTestedMajor(majorOf(a))));
  let fix: string | null = null;
  let packages: NeedPackages | undefined;
  if (pkgs) {
    if (kind === 'gcc') {
      const g = testedFirst(findInstallableGcc(pkgs, range), (x) => x)[0];
      if (g) packages = { apt: [`gcc-${g}`, `g++-${g}`] };
    } else {
      const c = testedFirst(findInstallableClang(pkgs, range), (x) => x.major)[0];
      if (c?.viaLlvmSh) fix = `wget https://apt.llvm.org/llvm.sh && sudo bash llvm.sh ${c.major}`;
      else if (c) packages = { apt: [`clang-${c.major}`, `lld-${c.major}`] };
    }
    if (packages && isApt(facts)) fix = `${APT} ${packages.apt?.join(' ')}`;
  }
  const need: Need = { id: 'compiler', ok: false, reason: `needs ${what}; found ${found}${fix ? '' : `, and ${distroName(facts)} does not package one`}`, fix, ...(packages ? { packages } : {}) };
  return { choice: null, need };
}

// --- bazel and JDK ----------------------------------------------------------------------------------------------

const BAZELISK_FIX = 'npm install -g @bazel/bazelisk   # or download bazelisk-linux-amd64 from github.com/bazelbuild/bazelisk/releases';

function pickBazel(facts: HostFacts, recipe: Recipe): { choice: BazelChoice; need: Need } {
  const b = recipe.bazel;
  const useBazelVersion = b.useBazelversionFile ? undefined : b.tested;
  const fetches = `bazel ${useBazelVersion ?? "from the tag's .bazelversion"}`;
  const bazel = facts.bazel;
  // A bazel whose release is unknown (Debian's `bazel no_version`) satisfies only '*', unless its package says it.
  const release = bazel && bazel.kind === 'bazel' ? (bazel.unknownRelease ? (bazel.packageRelease ?? null) : bazel.version) : null;
  const version = coerce(release);
  const broken = version === null ? undefined : b.broken.find((x) => semver.satisfies(version, x.bazel));
  if (bazel && bazel.kind === 'bazel') {
    const fits = version === null ? bazel.unknownRelease && b.range.trim() === '*' : semver.satisfies(version, b.range);
    if (fits && !broken) {
      const flags = version === null ? [] : b.flagRules.filter((r) => semver.satisfies(version, r.bazel)).flatMap((r) => r.flags);
      return {
        choice: { kind: 'bazel', path: bazel.path, version: release },
        need: { id: 'bazel', ok: true, message: `bazel ${release ?? '(unknown release)'} (${bazel.path}) is within ${b.range}${flags.length ? `; adds ${flags.join(' ')}` : ''}` },
      };
    }
  }
  const bazeliskPath = facts.bazelisk?.path ?? (bazel?.kind === 'bazelisk' ? bazel.path : null);
  const choice: BazelChoice = { kind: 'bazelisk', path: bazeliskPath ?? 'bazelisk', version: useBazelVersion ?? null, ...(useBazelVersion ? { useBazelVersion } : {}) };
  if (bazeliskPath) return { choice, need: { id: 'bazel', ok: true, message: `bazelisk (${bazeliskPath}) will fetch ${fetches}` } };
  let why = 'no bazel on PATH';
  if (bazel) {
    why =
      version === null
        ? `${bazel.path} does not report its release (${bazel.raw ?? 'no_version'}), so it cannot be trusted to be ${b.range}`
        : broken
          ? `bazel ${release} is known to fail: ${broken.reason}`
          : `bazel ${release}${bazel.unknownRelease ? ` (its package's release; it reports ${bazel.raw ?? 'no_version'})` : ''} is outside ${b.range}`;
  }
  return { choice, need: { id: 'bazel', ok: false, reason: `${why}; bazelisk will fetch ${fetches}`, fix: BAZELISK_FIX } };
}

function checkJdk(facts: HostFacts, recipe: Recipe, pkgs: DistroPackages | null): Need {
  if (recipe.jdk === null) return { id: 'jdk', ok: true, message: `bazel ${recipe.bazel.tested} brings its own JDK` };
  const range = recipe.jdk.range;
  if (facts.java?.major != null && semver.satisfies(`${facts.java.major}.0.0`, range)) {
    return { id: 'jdk', ok: true, message: `java ${facts.java.version ?? facts.java.major} (${facts.java.path}) is JDK ${range}` };
  }
  const first = pkgs?.jdk.find((m) => semver.satisfies(`${m}.0.0`, range));
  const found = facts.java ? `java ${facts.java.major ?? facts.java.version ?? '?'}` : 'no java';
  const packages = first !== undefined ? { apt: [`openjdk-${first}-jdk-headless`], dnf: [first === 8 ? "java-1.8.0-openjdk-devel" : `java-${first}-openjdk-devel`], pacman: [`jdk${first}-openjdk`] } : undefined;
  return {
    id: 'jdk',
    ok: false,
    reason: `bazel ${recipe.bazel.tested} runs on JDK ${range}; found ${found}${first !== undefined ? '' : `, and ${distroName(facts)} does not package it`}`,
    fix: packages && isApt(facts) ? `${APT} ${packages.apt.join(' ')}` : null,
    ...(packages ? { packages } : {}),
  };
}

// --- CUDA, cuDNN, GPU -------------------------------------------------------------------------------------------

function pickCuda(facts: HostFacts, recipe: Recipe, opts: VerdictOptions, pkgs: DistroPackages | null): { choice: CudaFacts | null; need: Need } {
  const gpu = recipe.gpu!;
  let toolkits = facts.cuda;
  if (opts.cudaPath !== undefined) {
    toolkits = toolkits.filter((c) => c.path === opts.cudaPath);
    if (toolkits.length === 0) return { choice: null, need: { id: 'cuda', ok: false, reason: `no CUDA toolkit at ${opts.cudaPath} (--cuda-path)`, fix: 'drop --cuda-path or point it at an installed toolkit' } };
  }
  const fitting = toolkits.filter((c) => satisfies(c.version, gpu.cuda.range) && c.cudart);
  const tested = majorMinor(gpu.cuda.tested);
  const best = [...fitting].sort(
    (a, b) => Number(majorMinor(b.version) === tested) - Number(majorMinor(a.version) === tested) || semver.compare(coerce(b.version) ?? '0.0.0', coerce(a.version) ?? '0.0.0'),
  )[0];
  if (best) return { choice: best, need: { id: 'cuda', ok: true, message: `CUDA ${best.version} at ${best.path} is within ${gpu.cuda.range}` } };
  const found = toolkits.map((c) => `${c.version} at ${c.path}`).join(', ') || 'none';
  const packaged = pkgs !== null && semver.intersects(gpu.cuda.range, pkgs.cuda);
  const pkg = `cuda-toolkit-${gpu.cuda.tested.replace('.', '-')}`;
  return {
    choice: null,
    need: {
      id: 'cuda',
      ok: false,
      reason: `needs CUDA ${gpu.cuda.tested} (${gpu.cuda.range}); found ${found}${packaged ? '' : `, and NVIDIA ships no CUDA ${gpu.cuda.tested} for ${distroName(facts)}`}`,
      fix: packaged && isApt(facts) ? `${APT} ${pkg}   # from NVIDIA's CUDA repository` : null,
      ...(packaged ? { packages: { apt: [pkg], dnf: [pkg] } } : {}),
    },
  };
}

function checkCudnn(facts: HostFacts, recipe: Recipe, pkgs: DistroPackages | null, cudaPackaged: boolean): { choice: CudnnFacts | null; need: Need } {
  const gpu = recipe.gpu!;
  const c = facts.cudnn;
  if (c && satisfies(c.version, gpu.cudnn.range)) return { choice: c, need: { id: 'cudnn', ok: true, message: `cuDNN ${c.version} (${c.header}) is within ${gpu.cudnn.range}` } };
  const packaged = cudaPackaged && pkgs !== null && semver.intersects(gpu.cudnn.range, pkgs.cudnn);
  const major = semver.coerce(gpu.cudnn.tested)?.major ?? gpu.cudnn.tested;
  const pkg = `libcudnn${major}-dev`;
  return {
    choice: null,
    need: {
      id: 'cudnn',
      ok: false,
      reason: `needs cuDNN ${gpu.cudnn.tested} (${gpu.cudnn.range}); found ${c ? c.version : 'none'}${packaged ? '' : `, and NVIDIA ships no cuDNN ${gpu.cudnn.tested} for CUDA ${gpu.cuda.tested} on ${distroName(facts)}`}`,
      fix: packaged && isApt(facts) ? `${APT} ${pkg}   # from NVIDIA's CUDA repository (cuDNN ${gpu.cudnn.tested} for CUDA ${gpu.cuda.tested})` : null,
      ...(packaged ? { packages: { apt: [pkg] } } : {}),
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

export interface Assessment {
  needs: Need[];
  /** Reasons no build of this kind can work on any host like this one (GPU too new, wrong architecture). */
  impossible: string[];
  /** Facts worth saying that decide nothing: `warn` (no GPU to test on, old driver) or `info` (hermetic CUDA). */
  notes: { level: 'info' | 'warn'; text: string }[];
  choices: Verdict['choices'];
}

/** Every need of the build, satisfied or not, with the choices made: the input of both the verdict and doctor's checks. */
export function assessNeeds(facts: HostFacts, recipe: Recipe, opts: VerdictOptions): Assessment {
  const gpu = opts.gpu;
  const pkgs = getDistroPackages(facts.os.distro);
  const needs: Need[] = [];
  const impossible: string[] = [];
  const notes: Assessment['notes'] = [];

  if (gpu && recipe.gpu === null) impossible.push(`recipe ${recipe.line} has no GPU build`);
  if (facts.os.arch !== 'x64') impossible.push(`recipes cover Linux x86_64 only; this host is ${facts.os.arch}`);
  const unsupported = gpu ? findUnsupportedGpus(facts, recipe) : [];
  impossible.push(...unsupported);
  if (gpu && recipe.gpu && facts.gpus.length > 0 && unsupported.length === 0) {
    needs.push({ id: 'gpu', ok: true, message: `${facts.gpus.map((g) => `${g.name} (${g.computeCapability ?? '?'})`).join(', ')} within compute capability ${recipe.gpu.computeCapabilities.min}–${recipe.gpu.computeCapabilities.max ?? 'any'}` });
  }

  if (facts.os.platform !== 'linux') needs.push({ id: 'os', ok: false, reason: `native builds need Linux; this host runs ${facts.os.platform}`, fix: null });
  const py = pickPython(facts, recipe, opts, pkgs);
  needs.push(...py.needs);
  const compiler = pickCompiler(facts, recipe, opts, pkgs);
  needs.push(compiler.need);
  const bazel = pickBazel(facts, recipe);
  needs.push(bazel.need);
  needs.push(checkJdk(facts, recipe, pkgs));

  let cuda: CudaFacts | null = null;
  let cudnn: CudnnFacts | null = null;
  if (gpu && recipe.gpu && !recipe.gpu.hermetic) {
    const c = pickCuda(facts, recipe, opts, pkgs);
    needs.push(c.need);
    cuda = c.choice;
    const d = checkCudnn(facts, recipe, pkgs, c.need.ok || c.need.fix !== null);
    needs.push(d.need);
    cudnn = d.choice;
    if (cuda && facts.driver?.cudaVersion && semver.lt(coerce(facts.driver.cudaVersion) ?? '0.0.0', coerce(cuda.version) ?? '0.0.0')) {
      notes.push({ level: 'warn', text: `the NVIDIA driver supports CUDA ${facts.driver.cudaVersion} only: the wheel builds, but needs a newer driver to run here` });
    }
  }
  if (gpu && recipe.gpu?.hermetic) {
    notes.push({ level: 'info', text: `CUDA ${recipe.tested.cuda} and cuDNN ${recipe.tested.cudnn} are downloaded by bazel (hermetic CUDA): no local toolkit needed` });
  }
  if (gpu && facts.gpus.length === 0) notes.push({ level: 'warn', text: 'no NVIDIA GPU here: the GPU wheel can be built, but not tested on this host' });

  const free = facts.disk?.freeGiB;
  if (free !== undefined) {
    const need = recipe.estimates.diskGiB;
    needs.push(
      free >= need
        ? { id: 'disk', ok: true, message: `${free} GiB free in ${facts.disk?.measured}; the build needs about ${need} GiB` }
        : {
            id: 'disk',
            ok: false,
            reason: `only ${free} GiB free in ${facts.disk?.measured}; the build needs about ${need} GiB`,
            fix: `free ${Math.ceil(need - free)} GiB in ${facts.disk?.measured}, or pass --workdir on a larger disk`,
          },
    );
  }
  return { needs, impossible, notes, choices: { python: py.choice, compiler: compiler.choice, cuda, cudnn, bazel: bazel.choice } };
}

export function computeVerdict(facts: HostFacts, recipe: Recipe, opts: VerdictOptions): Verdict {
  const flag = opts.gpu ? ' --gpu' : '';
  const { needs, impossible, notes, choices } = assessNeeds(facts, recipe, opts);
  const unmet = needs.filter((n): n is Extract<Need, { ok: false }> => !n.ok);
  const blocking = unmet.filter((n) => n.fix === null).map((n) => n.reason);
  const reasons = [...unmet.filter((n) => n.fix !== null).map((n) => n.reason), ...notes.map((n) => n.text)];
  const fixes = [...new Set(unmet.flatMap((n) => (n.fix === null ? [] : [n.fix])))];
  const container = opts.gpu ? recipe.containers.gpu : recipe.containers.cpu;

  if (impossible.length > 0) {
    return {
      kind: 'impossible',
      reasons: [...impossible, ...blocking, ...reasons],
      fixes: [],
      buildPackages: null,
      choices,
      nextCommand: opts.gpu && recipe.gpu !== null ? `tfbuild doctor ${recipe.line}   # a CPU-only build; or pick a newer release: tfbuild recipes` : 'tfbuild recipes',
    };
  }
  if (blocking.length > 0) {
    if (container === null) {
      return { kind: 'impossible', reasons: [...blocking, ...reasons, `recipe ${recipe.line} names no ${opts.gpu ? 'GPU' : 'CPU'} container image`], fixes: [], buildPackages: null, choices, nextCommand: 'tfbuild recipes' };
    }
    const engine = facts.containers.find((c) => c.works);
    const containerFixes = engine ? [] : [isApt(facts) ? `${APT} podman   # or any working docker` : 'install podman or docker'];
    return {
      kind: 'container',
      reasons: [...blocking.map((b) => `not natively: ${b}`), `a ${container} container has what ${recipe.line} needs`],
      fixes: containerFixes,
      buildPackages: null,
      choices,
      nextCommand: `tfbuild docker ${recipe.line}${flag}`,
    };
  }
  const own = unmet.find((n) => n.buildVenv !== undefined);
  const buildPackages = own?.buildVenv && own.fix !== null ? { requirements: own.buildVenv, fix: own.fix } : null;
  const otherPython = unmet.find((n) => n.otherPython !== undefined)?.otherPython;
  if (fixes.length > 0) return { kind: 'native-after-fixes', reasons, fixes, buildPackages, ...(otherPython ? { otherPython } : {}), choices, nextCommand: `tfbuild build ${recipe.line}${flag}` };
  return { kind: 'native', reasons, fixes: [], buildPackages: null, choices, nextCommand: `tfbuild build ${recipe.line}${flag}` };
}
