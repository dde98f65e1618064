/**
 * The host checks every build needs (and, with ctx.gpu, the CUDA ones). Pure: facts in, results out.
 * Recipe-specific checks live in recipe.ts and are appended by doctor; nothing here needs to change for them.
 */
import type { HostFacts, PythonFacts } from '../probe/types.js';
import { fail, pass, warn, type CheckContext, type CheckResult } from './types.js';
import { installCommand } from './fix.js';
import { gpuChecks } from './gpu.js';
import { familyProblem } from './problems.js';

/** TensorFlow's C++ compile jobs peak around 2 GB each (bazel's default is one job per core). */
export const MIB_PER_JOB = 2048;
export const DISK_WARN_GIB = 30;
export const DISK_FAIL_GIB = 15;

function undetermined(id: string, what: string, problem: string): CheckResult {
  return warn(id, `could not determine ${what}: ${problem}`, 're-run tfbuild doctor; if it persists, run the tool named above by hand to see why it hangs or fails');
}

function probeProblemChecks(facts: HostFacts): CheckResult[] {
  return facts.problems.map((p) =>
    p.probe === 'cuda-path' || p.probe === 'cudnn-path'
      ? fail(p.probe, p.message, p.probe === 'cuda-path' ? 'pass --cuda-path the toolkit root (the directory holding bin/nvcc)' : 'pass --cudnn-path the directory holding include/cudnn*.h and lib64/libcudnn*')
      : warn(`probe.${p.probe}`, `${p.probe}: ${p.message}`, null),
  );
}

function gitCheck(facts: HostFacts): CheckResult {
  if (facts.git) return pass('git', `git ${facts.git.version ?? '(version unknown)'} at ${facts.git.path}`);
  const problem = familyProblem(facts, 'git');
  if (problem) return undetermined('git', 'git', problem);
  return fail('git', 'git not found on PATH (needed to fetch TensorFlow sources)', installCommand(facts, { apt: ['git'], dnf: ['git'], pacman: ['git'], zypper: ['git'] }));
}

function missingOf(p: PythonFacts): string[] {
  const m: string[] = [];
  if (!p.headers) m.push('headers (Python.h)');
  if (!p.pip) m.push('pip');
  if (!p.numpy) m.push('numpy');
  if (!p.wheel) m.push('wheel');
  return m;
}

function pythonCheck(facts: HostFacts): CheckResult {
  const py3 = facts.pythons.filter((p) => !p.version.startsWith('2.'));
  const candidates = py3.length > 0 ? py3 : facts.pythons;
  const problem = familyProblem(facts, 'python');
  if (candidates.length === 0 && problem) return undetermined('python', 'the python interpreters', problem);
  if (candidates.length === 0) {
    return fail('python', 'no python interpreter on PATH', installCommand(facts, { apt: ['python3', 'python3-dev', 'python3-pip', 'python3-numpy', 'python3-wheel'], dnf: ['python3', 'python3-devel', 'python3-pip', 'python3-numpy', 'python3-wheel'], pacman: ['python', 'python-pip', 'python-numpy', 'python-wheel'], zypper: ['python3', 'python3-devel', 'python3-pip', 'python3-numpy', 'python3-wheel'] }));
  }
  const complete = candidates.find((p) => missingOf(p).length === 0);
  if (complete) return pass('python', `python ${complete.version} at ${complete.path} has numpy ${complete.numpy}, pip, wheel and headers`);
  // The interpreter closest to ready; headers weigh most because they need the system package manager.
  const best = [...candidates].sort((a, b) => Number(b.headers) - Number(a.headers) || missingOf(a).length - missingOf(b).length)[0]!;
  const missing = missingOf(best);
  const label = `python ${best.version} at ${best.path}`;
  if (!best.headers) {
    const isSystem = best.realPath.startsWith('/usr/bin/');
    return fail('python', `${label} lacks ${missing.join(', ')}`, isSystem
      ? installCommand(facts, { apt: ['python3-dev'], dnf: ['python3-devel'], pacman: ['python'], zypper: ['python3-devel'] })
      : `reinstall ${best.path}'s python with its development headers (Python.h)`);
  }
  const pipPkgs = missing.filter((m) => m === 'numpy' || m === 'wheel');
  const fixes: string[] = [];
  if (!best.pip) fixes.push(`${best.path} -m ensurepip --upgrade`);
  // Never a pip into the interpreter itself (a system python refuses it under PEP 668): the build makes a venv of
  // its own with what the release needs (tfbuild doctor VERSION names the exact packages).
  if (pipPkgs.length > 0) fixes.push(`nothing to do by hand: tfbuild build VERSION --yes installs ${pipPkgs.join(' and ')} (at the versions the release needs) into a build venv of its own`);
  return warn('python', `${label} lacks ${missing.join(', ')} (TensorFlow's configure and wheel build need them)`, fixes.join('; '));
}

function bazelCheck(facts: HostFacts): CheckResult {
  const bazelisk = 'npm install -g @bazel/bazelisk (it fetches the bazel each TensorFlow version pins)';
  if (facts.bazel?.kind === 'bazelisk' || facts.bazelisk) {
    const p = facts.bazel?.kind === 'bazelisk' ? facts.bazel.path : facts.bazelisk!.path;
    return pass('bazel', `bazelisk at ${p} (fetches the bazel version each TensorFlow release pins)`);
  }
  if (facts.bazel?.unknownRelease && facts.bazel.packageRelease) {
    return pass('bazel', `bazel ${facts.bazel.packageRelease} at ${facts.bazel.path} (the release of the distribution package that installed it; it reports "${facts.bazel.raw ?? 'no_version'}")`);
  }
  if (facts.bazel?.unknownRelease) {
    return warn('bazel', `bazel at ${facts.bazel.path} reports no release ("${facts.bazel.raw ?? 'no_version'}", e.g. Debian's bazel-bootstrap): tfbuild cannot check it against a recipe's pinned version`, bazelisk);
  }
  if (facts.bazel) return pass('bazel', `bazel ${facts.bazel.version} at ${facts.bazel.path}`);
  const problem = familyProblem(facts, 'bazel');
  if (problem) return undetermined('bazel', 'bazel', problem);
  return fail('bazel', 'neither bazel nor bazelisk on PATH', bazelisk);
}

function compilerCheck(facts: HostFacts): CheckResult {
  if (facts.compilers.length > 0) {
    return pass('compiler', facts.compilers.map((c) => `${c.kind} ${c.version} (${c.path})`).join(', '));
  }
  const problem = familyProblem(facts, 'compilers');
  if (problem) return undetermined('compiler', 'the compilers', problem);
  return fail('compiler', 'no gcc or clang on PATH', installCommand(facts, { apt: ['build-essential'], dnf: ['gcc', 'gcc-c++', 'make'], pacman: ['base-devel'], zypper: ['gcc', 'gcc-c++', 'make'] }));
}

function memoryCheck(facts: HostFacts): CheckResult {
  const { totalMiB } = facts.memory;
  const gib = (totalMiB / 1024).toFixed(1);
  const cores = Math.max(facts.cpu.cores, 1);
  const jobs = Math.floor(totalMiB / MIB_PER_JOB);
  if (totalMiB === 0) return warn('memory', 'RAM size unknown', null);
  if (jobs < 1) return fail('memory', `${gib} GiB RAM: below one TensorFlow compile job (~2 GiB)`, 'add swap (e.g. sudo fallocate -l 8G /swapfile && sudo chmod 600 /swapfile && sudo mkswap /swapfile && sudo swapon /swapfile) and build with --jobs 1');
  if (jobs < cores) return warn('memory', `${gib} GiB RAM for ${cores} cores: ~2 GiB per compile job allows ${jobs} jobs`, `build with --jobs ${jobs}`);
  return pass('memory', `${gib} GiB RAM for ${cores} compile jobs`);
}

function diskCheck(facts: HostFacts): CheckResult {
  const d = facts.disk;
  if (!d) return warn('disk', 'free disk space unknown', null);
  const where = `${d.freeGiB} GiB free at ${d.measured}${d.fsType ? ` (${d.fsType})` : ''}`;
  const elsewhere = `free space, or build elsewhere with --workdir DIR (TensorFlow's build needs ~${DISK_WARN_GIB} GB)`;
  if (d.freeGiB < DISK_FAIL_GIB) return fail('disk', `${where}: below ${DISK_FAIL_GIB} GB`, elsewhere);
  if (d.freeGiB < DISK_WARN_GIB) return warn('disk', `${where}: below ${DISK_WARN_GIB} GB`, elsewhere);
  if (d.risky) return warn('disk', `${where}: bazel's output base on ${d.fsType} is slow or unreliable`, '--workdir on a local disk (ext4/xfs/btrfs)');
  return pass('disk', where);
}

function localeCheck(facts: HostFacts): CheckResult {
  const l = facts.locale;
  const shown = l.lcAll ? `LC_ALL=${l.lcAll}` : l.lang ? `LANG=${l.lang}` : 'no LANG/LC_ALL (POSIX locale)';
  if (l.utf8) return pass('locale', shown);
  return warn('locale', `${shown} is not UTF-8: old TensorFlow configure scripts fail reading UTF-8 files`, 'export LANG=C.UTF-8 LC_ALL=C.UTF-8');
}

export function genericChecks(ctx: CheckContext): CheckResult[] {
  const f = ctx.facts;
  const out = [gitCheck(f), pythonCheck(f), bazelCheck(f), compilerCheck(f), memoryCheck(f), diskCheck(f), localeCheck(f), ...probeProblemChecks(f)];
  if (ctx.gpu) out.push(...gpuChecks(f));
  return out;
}
