/**
 * The container route: tfbuild stays on the host and the build container is one more executor of the plan. The
 * image is built (or reused), ONE container of it is started with the work dir, the output dir and a local
 * --source/--repo mounted at the same absolute paths, the image's toolchain is probed inside it through src/exec,
 * and the plan made from those facts runs through the native runner (`build()` → runPlan) with every step's
 * command executed by `ENGINE exec`: the log, the progress parser, diagnosis, state file and resume are the native
 * ones. The container is removed at the end, on failure, on Ctrl-C and on SIGTERM.
 */
import { chownSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliIO } from '../cli/io.js';
import { InterruptedError, UsageError } from '../errors.js';
import { createExec, formatCommand } from '../exec/index.js';
import { formatPlan, type Plan } from '../plan/index.js';
import { computeVerdict } from '../plan/verdict.js';
import { resolveImage, type DockerOptions } from '../docker/build.js';
import { probeImageFacts } from '../docker/image-facts.js';
import { formatContainerName, type Mount } from '../docker/run-args.js';
import { getHostUserIds, interruptSignal, listFiles, recordImage } from '../docker/run-support.js';
import { removeContainerArgs, removeStaleContainers, startBuildContainer, startContainerArgs, withContainerExecutor, type StartOptions } from '../tools/container-exec.js';
import { forgetPythonInfo } from '../tools/python-info.js';
import type { ResumeMode } from '../steps/run-plan.js';
import type { StepContext } from '../steps/context.js';
import { build } from './build.js';
import { planFor } from './build-options.js';
import { containerPlanEnv, requireNative, verdictOptions, withHostSteps } from './prepare-container.js';
import type { HostFacts } from '../probe/types.js';
import type { Prepared } from './prepare.js';
import { formatHostSteps, installOnHost, planHostInstall, verifyHostInstallTarget, type HostInstall, type HostInstallInput } from './container-verify.js';

export interface ContainerRunInput {
  prepared: Prepared;
  /** The image's options (engine, base image, mirror, …). */
  image: Omit<DockerOptions, 'version' | 'gpu' | 'recipeFile'>;
  io: CliIO;
  dryRun: boolean;
  json: boolean;
  resume: ResumeMode;
  resumeCommand: string;
}

/** Host paths the plan reads or writes, each mounted at the same path (a local repository read-only). */
export function planMounts(plan: Plan): Mount[] {
  const o = plan.options;
  const paths: Mount[] = [{ host: plan.workdir, container: plan.workdir }, { host: resolve(o.output), container: resolve(o.output) }];
  if (o.source) paths.push({ host: resolve(o.source), container: resolve(o.source) });
  if (o.repo && existsSync(o.repo)) paths.push({ host: resolve(o.repo), container: resolve(o.repo), readOnly: true });
  // Caches given by flag (the defaults lie in the work dir: containerPlanEnv).
  for (const d of [typeof o.diskCache === 'string' ? o.diskCache : null, o.repositoryCache ?? null, ...o.distdir]) {
    if (d !== null) paths.push({ host: resolve(d), container: resolve(d), readOnly: o.distdir.includes(d) });
  }
  return paths.filter((m, i) => paths.findIndex((n) => n.host === m.host) === i);
}

/**
 * Whether the build container gets this host's GPU (for the verify step only): a GPU build that installs, a host
 * whose facts have an NVIDIA driver (a --host-facts file describes another host: its facts decide, as for the
 * plan), and an engine that can pass it through (as the facts list the engine, else as the engine answered here).
 */
export function hasGpuAccess(plan: Plan, host: Pick<HostFacts, 'driver' | 'containers'>, engine: { name: string; gpuPassthrough: boolean }): { hostGpu: boolean; passthrough: boolean; access: boolean } {
  const listed = host.containers.find((c) => c.name === engine.name);
  const passthrough = listed ? (listed.name === 'docker' ? listed.nvidia.runtime : listed.nvidia.cdi) : engine.gpuPassthrough;
  const hostGpu = plan.gpu && host.driver !== null;
  return { hostGpu, passthrough, access: hostGpu && plan.options.install.mode !== 'none' && passthrough };
}

/**
 * Hands what the run wrote to the requested owner (only root can, and only root needs to). `keep`: bazel's output
 * root and disk cache stay with the user the build runs as: bazel refuses an output root another user owns.
 */
function handOver(paths: string[], uid: number, gid: number, keep: string): void {
  const walk = (p: string) => {
    if (!existsSync(p) || p === keep) return;
    const st = statSync(p);
    if (st.uid !== uid || st.gid !== gid) chownSync(p, uid, gid);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  for (const p of paths) walk(p);
}

function hostInput(p: Prepared, h: HostInstall): Omit<HostInstallInput, 'plan' | 'imageFacts'> {
  return { host: p.facts, target: h.target, strict: h.strict, env: process.env, cwd: process.cwd(), era: p.recipe.verify.era };
}

/** The declared plan again, with the host's driver in the image's facts (the container gets the GPU). */
export function remakeWithDriver(p: Prepared, driver: HostFacts['driver']): Plan {
  const side = p.container!;
  const o = p.plan!.options;
  const plan = planFor({ facts: { ...side.facts, driver }, recipe: p.recipe, tag: p.tag, options: o, verdict: side.verdict, env: containerPlanEnv(process.env, p.plan!.workdir), cwd: process.cwd() });
  return side.host ? withHostSteps(plan, side.host) : plan;
}

export async function runContainerPlan(i: ContainerRunInput): Promise<void> {
  const p = i.prepared;
  const side = p.container!;
  const say = (l: string) => i.io.stderr(l + '\n');
  // The run's runner on this host: its secrets mask what the engine and the steps print; the steps get it wrapped
  // (in the container), the host's install and verify get it as is.
  const x = createExec({ secrets: p.secrets });
  // A host target the user chose must take the wheel (pip, PEP 668, writable): checked before the image build.
  if (side.host) await verifyHostInstallTarget(side.host, x);
  const declared = p.plan!;
  const ref = await resolveImage({ ...i.image, version: declared.version, gpu: declared.gpu, dryRun: i.dryRun, ...(declared.options.recipeFile ? { recipeFile: declared.options.recipeFile } : {}), onLine: say });
  const self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const owner = i.image.userIds ?? getHostUserIds(process.env);
  if ((owner.uid !== self.uid || owner.gid !== self.gid) && self.uid !== 0) {
    throw new UsageError(`--user-ids ${owner.uid}:${owner.gid}: only root can hand the build's files to another user.`, { hint: 'Drop --user-ids, or run as root (sudo).' });
  }
  const gpu = hasGpuAccess(p.plan!, p.facts, ref.engine);
  // The container has the host's NVIDIA driver only when it gets the GPU: its verify step then asks for a visible
  // GPU. The plan shown is made by that rule, as the run's (from the probed image) is.
  const shown = gpu.access ? remakeWithDriver(p, p.facts.driver) : p.plan!;
  const name = formatContainerName(p.recipe.line, process.pid, Date.now());
  const target = { engine: ref.engine.name, path: ref.engine.path, name };
  // The container writes as the user tfbuild runs as, so host and container write the same owner's files; under
  // sudo (or --user-ids) the run's files are handed over at the end.
  const start: StartOptions = {
    target, image: ref.image, uid: self.uid, gid: self.gid, engineIsRoot: ref.engine.name === 'docker' ? true : !ref.engine.rootless,
    mounts: planMounts(shown), env: { HOME: join(shown.workdir, '.home') }, ...(i.image.containerRuntime ? { runtime: i.image.containerRuntime } : {}),
    // The verify step of a GPU build checks the GPU where the host has one: the container gets it only then.
    gpuAccess: gpu.access,
    workdirLabel: shown.workdir,
  };
  if (gpu.hostGpu && !gpu.passthrough) {
    say(`note: ${ref.engine.name} cannot pass this host's GPU through (tfbuild doctor says how to set it up): the verify step in the container will not see it`);
  }

  if (i.dryRun) {
    i.io.stdout(p.secrets.redact([
      `# The container route: image ${ref.image} (${side.generation.name}), engine ${ref.engine.name} (${ref.engine.reason}).`,
      '# Build the image (skipped when it exists):',
      formatCommand([ref.engine.path, ...ref.buildArgv]),
      '# Start the build container (work and output dirs mounted at the same paths):',
      formatCommand([ref.engine.path, ...startContainerArgs(start)]),
      `# Each step of the plan below then runs in it as: ${ref.engine.path} exec --workdir CWD --env K=V ${name} COMMAND…`,
      `# (the toolchain paths are the image's declared ones; the real run probes them in the container first).`,
      formatPlan(shown).trimEnd(),
      formatCommand([ref.engine.path, ...removeContainerArgs(target)]),
      ...formatHostSteps(side.host, shown.steps.length, '# '),
    ].join('\n')) + '\n');
    return;
  }

  const { signal, dispose } = interruptSignal(undefined);
  const output = resolve(shown.options.output);
  let before = new Set<string>();
  let started = false;
  try {
    await ref.ensure(signal, x);
    for (const d of [shown.workdir, join(shown.workdir, '.home'), output]) mkdirSync(d, { recursive: true, mode: d === output ? 0o755 : 0o700 });
    before = new Set(listFiles(output));
    started = true;
    // Temporary dirs the steps make (the verify step's) must exist in the container too: under the work dir.
    mkdirSync(join(shown.workdir, '.tmp'), { recursive: true, mode: 0o700 });
    let host = side.host;
    const tmp = process.env.TMPDIR;
    for (const n of await removeStaleContainers(target, shown.workdir, x)) say(`removed ${n}, left by a run of this work dir that was killed`);
    say(`starting the build container ${name} from ${ref.image}`);
    await startBuildContainer(start, x);
    process.env.TMPDIR = join(shown.workdir, '.tmp');
    try {
      await withContainerExecutor(target, x, async (inContainer) => {
        const { facts, problems } = await probeImageFacts(side.facts, inContainer);
        for (const x of problems) say(`note: image probe: ${x}`);
        const verdict = computeVerdict(facts, p.recipe, verdictOptions(shown.options));
        requireNative(verdict, p.recipe, ref.image);
        // The container has the host's NVIDIA driver only when it was given the GPU: the verify step asks for a
        // visible GPU exactly then (its typed payload, shown in the saved plan).
        const inBox = { ...facts, driver: start.gpuAccess ? p.facts.driver : null };
        const plan = planFor({ facts: inBox, recipe: p.recipe, tag: p.tag, options: shown.options, verdict, env: containerPlanEnv(process.env, shown.workdir), cwd: process.cwd() });
        // The wheel's python as the image really has it: a host target the user chose that cannot take it stops here.
        if (host) {
          host = planHostInstall({ ...hostInput(p, host), plan, imageFacts: facts });
          // Steps planned only now (deferred to the probe): their target is checked here, before the first step.
          if (side.host?.steps === null) await verifyHostInstallTarget(host, x);
        }
        say(`the plan runs in ${name} (image ${ref.image}): bazel ${facts.bazel?.path ?? '?'}, python ${plan.options.python ?? facts.pythons[0]?.path ?? '?'}; it is saved as ${join(shown.workdir, 'container-plan.json')}`);
        // The plan that runs, as `tfbuild plan --json` would print it for the probed image (rerun it natively there
        // with tfbuild build --plan, or compare it with the declared one --dry-run showed).
        writeFileSync(join(shown.workdir, 'container-plan.json'), `${JSON.stringify(p.secrets.redactValue(plan), null, 2)}\n`, { mode: 0o600 });
        if (signal.aborted) throw new InterruptedError('SIGINT', 'Interrupted before the first step.', `Resume with: ${i.resumeCommand}`);
        // The host steps run after the container's, through the same reporter, before the run's result.
        const after = async (a: { wheel: string; emit: StepContext['emit']; signal: AbortSignal }) => {
          if (!host) return { installed: null };
          const r = await installOnHost(a.wheel, host, plan, say, a.signal, x, a.emit);
          return { installed: r.installed ? r.python : null };
        };
        const r = await build(plan.options, { io: i.io, plan, resume: i.resume, json: i.json, resumeCommand: i.resumeCommand, secrets: p.secrets, exec: inContainer, after });
        return r.wheel;
      });
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
      forgetPythonInfo();
    }
    await recordImage(ref.engine.name, ref.engine.path, ref.image, side.generation.name, i.image.containerRuntime, output, before);
  } finally {
    dispose();
    // Also after a failure or an interrupt: the resumable state belongs to the user it is for.
    if (started && (owner.uid !== self.uid || owner.gid !== self.gid)) {
      handOver([shown.workdir, ...listFiles(output).filter((f) => !before.has(f)).map((f) => join(output, f))], owner.uid, owner.gid, join(shown.workdir, '.cache'));
    }
  }
}
