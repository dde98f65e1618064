/**
 * After a container build: the plan's install and verify steps ran in the build container, with the image's
 * python. Then the wheel is installed on THIS host where the user chose (`--install-into PYTHON`, `--venv DIR`, or by
 * default a venv of a host python in `<workdir>/host-venv`; `--no-install`: nowhere), and verified here. These two
 * host steps are planned with the build (`planHostInstall`: shown by plan and --dry-run as they run) and executed by
 * the native step executors, outside the build container.
 *
 * The wheel's cpXY is the image python's version: a target the user chose whose python differs is refused before
 * step 1 (exit 3). The default target is lenient: where no host python has that version, or the host cannot run
 * the wheel, the output says why and the verify in the container stands.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, InterruptedError, TfbuildError } from '../errors.js';
import { shellQuote, type Exec } from '../exec/index.js';
import type { BazelStep, InstallStep, Plan, VerifyStep } from '../plan/index.js';
import { getTagVersion } from '../plan/index.js';
import { planInstallSteps } from '../plan/install-steps.js';
import type { BuildOptions } from '../plan/options.js';
import { getPythonVersion } from '../plan/wheel-python.js';
import type { HostFacts } from '../probe/types.js';
import { majorMinor } from '../recipes/rules.js';
import { runInstallStep, verifyInstallTarget } from '../steps/install.js';
import { runVerifyStep } from '../steps/verify.js';
import { stepRef, type StepContext } from '../steps/context.js';
import { formatSteps } from '../plan/format.js';
import { forgetPythonInfo, readPythonInfo } from '../tools/python-info.js';
import type { Candidate } from '../ui/prompts.js';

export interface HostInstall {
  /** The target as chosen (the build options' install). */
  target: BuildOptions['install'];
  /** The user chose the target (flag, config, or an answer other than the default venv): a mismatch is refused. */
  strict: boolean;
  /** The python version the wheel is built for (its cpXY), as far as known. */
  wheelPython: string | null;
  /** What runs on this host after the container build; null: nothing, for `reason`. */
  steps: [InstallStep, VerifyStep] | null;
  reason: string | null;
  /** The steps wait for the image's probe (--base-image: its python decides the wheel's cpXY). */
  deferred: boolean;
}

/** The python version of the wheel the plan makes: bazel's hermetic python, else the python that runs configure. */
export function getWheelPython(plan: Plan, facts: Pick<HostFacts, 'pythons'>): string | null {
  const bazel = plan.steps.find((s): s is BazelStep => s.kind === 'bazel-build');
  if (bazel?.wheelPython) return bazel.wheelPython;
  return plan.options.python ? getPythonVersion(facts, plan.options.python) : null;
}

/** This host's pythons as install targets for a wheel built for python `wheelPython`. */
export function getHostInstallCandidates(host: Pick<HostFacts, 'pythons'>, wheelPython: string | null): Candidate[] {
  const seen = new Set<string>();
  return host.pythons.filter((p) => (seen.has(p.realPath) ? false : (seen.add(p.realPath), true))).map((p) => {
    const why = wheelPython !== null && majorMinor(p.version) !== wheelPython ? `the wheel is built for python ${wheelPython} (the image's python)` : undefined;
    return { value: p.path, label: `python ${p.version} (${p.path})`, ...(why === undefined ? {} : { unusable: why }) };
  });
}

export interface HostInstallInput {
  host: HostFacts;
  /** The container plan (its workdir, CPU flags, GPU, tag) and the facts it was made from (the image's). */
  plan: Plan;
  imageFacts: Pick<HostFacts, 'pythons' | 'cuda' | 'cudnn'>;
  target: BuildOptions['install'];
  strict: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  era: VerifyStep['era'];
  /** The image's pythons are known only once probed (--base-image): the version check waits for the probe. */
  deferCheck?: boolean;
}

const refuse = (msg: string, wheelPython: string, host: Pick<HostFacts, 'pythons'>) => new EnvironmentError(msg, {
  hint: `Pick a python ${wheelPython} of this host (--install-into PYTHON${host.pythons.length > 0 ? `; this host has ${[...new Set(host.pythons.map((p) => majorMinor(p.version)))].join(', ')}` : ''}), `
    + 'choose the image\'s python with --python to match one, or pass --no-install.',
});

const major = (v: string) => v.split('.')[0] ?? v;

/**
 * A GPU wheel links against the CUDA runtime and cuDNN of the image (r1.4's: libcudart.so.8.0, libcudnn.so.6): it
 * does not import on a host without libraries of those majors, and the container route is usually taken because the
 * host lacks them. The missing runtime, described, or null when this host has both.
 */
export function getMissingGpuRuntime(host: Pick<HostFacts, 'cuda' | 'cudnn'>, image: Pick<HostFacts, 'cuda' | 'cudnn'>): { missing: string; wanted: string } | null {
  const cuda = image.cuda[0]?.version ?? null;
  const cudnn = image.cudnn?.major ?? null;
  const lacks: string[] = [];
  if (cuda !== null && !host.cuda.some((c) => c.cudart && major(c.version) === major(cuda))) lacks.push(`a CUDA ${major(cuda)} runtime (libcudart)`);
  if (cudnn !== null && host.cudnn?.major !== cudnn) lacks.push(`cuDNN ${cudnn}`);
  if (lacks.length === 0) return null;
  return { missing: lacks.join(' and '), wanted: [cuda === null ? null : `CUDA ${major(cuda)}`, cudnn === null ? null : `cuDNN ${cudnn}`].filter((x) => x !== null).join('/') };
}

/** Plans the host's install and verify (pure but for the refusal, which is exit 3 before step 1). */
export function planHostInstall(i: HostInstallInput): HostInstall {
  const wheelPython = getWheelPython(i.plan, i.imageFacts);
  const base = { target: i.target, strict: i.strict, wheelPython, deferred: false };
  if (i.target.mode === 'none') return { ...base, steps: null, reason: '--no-install' };
  // ISA extensions compiled in that this CPU lacks: the wheel dies here with "Illegal instruction".
  const foreign = i.plan.steps.find((s): s is BazelStep => s.kind === 'bazel-build')?.foreignFlags ?? [];
  if (foreign.length > 0) {
    const reason = `the wheel is built with ${foreign.join(', ')}, which this CPU lacks (it would die with "Illegal instruction" here)`;
    if (i.strict) throw new EnvironmentError(`Cannot install the wheel on this host: ${reason}.`, { hint: 'Build for this CPU (--cpu-flags auto), or pass --no-install and install the wheel where it runs (tfbuild install WHEEL).' });
    return { ...base, steps: null, reason };
  }
  const runtime = i.plan.gpu ? getMissingGpuRuntime(i.host, i.imageFacts) : null;
  if (runtime !== null) {
    const reason = `the GPU wheel needs ${runtime.wanted} libraries, and this host lacks ${runtime.missing}: TensorFlow would not import here`;
    if (i.strict) {
      throw new EnvironmentError(`Cannot install the GPU wheel on this host: ${reason}.`, {
        hint: `Pass --no-install (the verify in the build container still runs), or install the wheel where ${runtime.wanted} exist (tfbuild install WHEEL).`,
      });
    }
    return { ...base, steps: null, reason };
  }
  const check = !i.deferCheck && wheelPython !== null;
  let python: string | undefined;
  if (i.target.mode === 'into') {
    python = i.target.python;
    const v = getPythonVersion(i.host, python);
    if (check && v !== null && v !== wheelPython) {
      throw refuse(`--install-into ${python} is python ${v}, but the wheel the image builds is for python ${wheelPython} (cp${wheelPython.replace('.', '')}): pip would refuse it.`, wheelPython, i.host);
    }
  } else {
    const same = i.host.pythons.filter((p) => wheelPython !== null && majorMinor(p.version) === wheelPython);
    python = (same.find((p) => p.venv) ?? same[0])?.path;
    if (python !== undefined && !same.some((p) => p.venv) && check) {
      const reason = `this host's python ${wheelPython} (${python}) has no venv module to make the venv with`;
      if (i.strict) throw new EnvironmentError(`Cannot install the wheel into a venv on this host: ${reason}.`, { hint: 'Install it (e.g. sudo apt-get install -y python3-venv), pass --install-into a python that has pip, or --no-install.' });
      return { ...base, steps: null, reason };
    }
    if (python === undefined) {
      if (wheelPython === null || i.deferCheck) {
        return { ...base, steps: null, deferred: true, reason: 'planned once the image is probed: its python decides the wheel\'s cpXY, and a host python of that version makes the venv' };
      }
      const reason = `this host has no python ${wheelPython} (the wheel's cp${wheelPython.replace('.', '')}) to make the venv with`;
      if (i.strict) throw refuse(`Cannot install the wheel into a venv on this host: ${reason}.`, wheelPython, i.host);
      return { ...base, steps: null, reason };
    }
  }
  const steps = planInstallSteps({
    install: i.target, python, workdir: i.plan.workdir, defaultVenvDir: join(i.plan.workdir, 'host-venv'),
    pathEnv: { home: i.env.HOME ?? homedir(), cwd: i.cwd, xdgCacheHome: i.env.XDG_CACHE_HOME },
    version: getTagVersion(i.plan.tag), cpuFlags: i.plan.steps.find((s): s is VerifyStep => s.kind === 'verify')?.expectFlags ?? [],
    hostIsa: [...i.host.cpu.isa], guardPythonVersion: getPythonVersion(i.host, python), gpu: i.plan.gpu,
    // This host's GPU is checked only where this host has an NVIDIA driver; the source tree is the container plan's.
    requireGpu: i.plan.gpu && i.host.driver !== null, forbidPrefix: i.plan.steps.find((s) => s.kind === 'source')?.dir ?? null,
    era: i.era, ids: { install: 'host-install', verify: 'host-verify' }, where: ' on this host',
  });
  return { ...base, steps, reason: null };
}

/** Before step 1, on this host: the chosen python can take the wheel (pip, PEP 668, writable) or make the venv. */
export async function verifyHostInstallTarget(h: HostInstall, x: Exec): Promise<void> {
  if (h.steps === null || !h.strict) return;
  forgetPythonInfo();
  const install = h.steps[0];
  try {
    // A python the host probe did not list (a user's venv) has no version in the facts: read it here.
    if (install.mode === 'into' && h.wheelPython !== null) {
      const v = majorMinor((await readPythonInfo(install.python, x)).version);
      if (v !== h.wheelPython) {
        throw new EnvironmentError(`--install-into ${install.python} is python ${v}, but the wheel the image builds is for python ${h.wheelPython} (cp${h.wheelPython.replace('.', '')}): pip would refuse it.`, {
          hint: `Pick a python ${h.wheelPython} of this host for --install-into, choose the image's python (--python, the image's) to match this one, or pass --no-install.`,
        });
      }
    }
    await verifyInstallTarget(install, x);
  } catch (e) {
    // The probe's generic hint names --python, which on this route is the image's python.
    if (e instanceof EnvironmentError && / could not be run | printed something other than the probe's JSON/.test(e.message)) {
      const flag = install.mode === 'into' ? '--install-into PYTHON' : '--venv DIR (made from this host\'s python of the wheel\'s version)';
      throw new EnvironmentError(e.message, { hint: `Pass a python of this host that runs with ${flag}, or --no-install (on the container route --python names the image's python, not this host's).` });
    }
    throw e;
  } finally {
    // These answers are this host's: the build container's pythons (same paths, other interpreters) are asked anew.
    forgetPythonInfo();
  }
}

export type HostInstallResult = { installed: true; python: string } | { installed: false; reason: string };

/**
 * Runs the host steps for the built wheel. A chosen target's failure is the run's (thrown); the default target's is
 * reported: the wheel was built and verified in the container. `x` is this host's runner (not the container's).
 */
export async function installOnHost(wheel: string, h: HostInstall, plan: Plan, say: (l: string) => void, signal: AbortSignal, x: Exec, emit: StepContext['emit'] = () => undefined): Promise<HostInstallResult> {
  if (h.target.mode === 'none') {
    say('The wheel was not installed (--no-install); on a host that can run it: tfbuild install ' + shellQuote(wheel));
    return { installed: false, reason: '--no-install' };
  }
  say('The install and verify steps ran in the build container, with the image\'s python.');
  if (h.steps === null) {
    say(`The wheel is not installed on this host (${h.reason ?? 'no python here can run it'}); the verify in the container stands. Elsewhere: tfbuild install ${shellQuote(wheel)}`);
    return { installed: false, reason: h.reason ?? 'no python' };
  }
  // The container's answers about same-named pythons are gone; these are this host's.
  forgetPythonInfo();
  const outputs: Record<string, string> = { wheel };
  const ctx: StepContext = {
    plan, signal, emit, outputs, logDir: join(plan.workdir, 'logs'), runId: `host-${Date.now()}`, setStatus: () => undefined, currentLog: null, exec: x,
  };
  const [install, verify] = h.steps;
  // Reported as the plan's steps are (step-started/-finished/-failed with their ids host-install, host-verify).
  let current: InstallStep | VerifyStep = install;
  const run = async (step: InstallStep | VerifyStep, exec: () => Promise<void>) => {
    current = step;
    say(step.title);
    emit({ type: 'step-started', step: stepRef(step) });
    const t0 = Date.now();
    await exec();
    emit({ type: 'step-finished', step: stepRef(step), durationMs: Date.now() - t0 });
  };
  try {
    await run(install, async () => {
      Object.assign(outputs, await runInstallStep(install, ctx));
    });
    await run(verify, () => runVerifyStep(verify, ctx).then(() => undefined));
  } catch (e) {
    const interrupted = e instanceof InterruptedError || signal.aborted;
    const err = e instanceof TfbuildError ? e : null;
    emit({
      type: 'step-failed', step: stepRef(current),
      error: interrupted
        ? { kind: 'interrupted', message: 'interrupted', exitCode: signal.reason === 'SIGTERM' ? 143 : 130 }
        : { kind: err?.kind ?? 'internal', message: (e as Error).message, exitCode: err?.exitCode ?? 1, ...(err?.hint ? { hint: err.hint } : {}) },
    });
    // Ctrl-C or kill during the host steps is the run's, whatever the target.
    if (h.strict || e instanceof InterruptedError || signal.aborted) throw e;
    say(`Installing or verifying the wheel on this host failed: ${(e as Error).message}. The verify in the container stands. Try: tfbuild install ${shellQuote(wheel)} --python PYTHON`);
    return { installed: false, reason: (e as Error).message };
  }
  const python = outputs.python ?? install.targetPython ?? install.python;
  say(`Installed and verified on this host as well: ${python}${install.mode === 'venv' ? ` (a venv of ${install.python})` : ''}.`);
  return { installed: true, python };
}

/**
 * What runs on this host after the container build, as plan (`prefix` '') and --dry-run (`prefix` '# ', beside the
 * engine commands) show it after the container's `before` steps.
 */
export function formatHostSteps(host: HostInstall | null, before: number, prefix: string): string[] {
  if (host === null || host.target.mode === 'none') return [];
  if (host.steps === null && host.deferred) return [`${prefix}Then on this host: the install and verify of the wheel are ${host.reason ?? 'planned once the image is probed'}.`];
  if (host.steps === null) return [`${prefix}Then on this host: nothing (${host.reason ?? 'no python here can run the wheel'}).`];
  return [`${prefix}Then on this host, with the wheel from the output dir:`, formatSteps(host.steps, before + 1).trimEnd()];
}
