/**
 * The container as an executor of the plan: one long-lived build container per run, and a runner that wraps the
 * run's own (Exec.withTransform) and turns each step's command into `ENGINE exec -w CWD -e K=V CONTAINER CMD ARGS…`.
 * src/exec applies the transform inside its single run(), so steps keep their logs, progress parsing, timeouts and
 * errors; nothing here spawns a process itself. The engine's own calls (the transform skips commands that are the
 * engine) still run on the host.
 */
import type { Exec, RunSpec } from '../exec/index.js';
import type { EngineName } from '../docker/engine.js';
import { buildRunArgs, type RunArgsInput } from '../docker/run-args.js';

export interface ContainerTarget {
  engine: EngineName;
  /** The engine binary (its calls are never transformed). */
  path: string;
  name: string;
}

/** `ENGINE exec` for one step. Variables set to undefined cannot be unset by exec: they are left out. */
export function toContainerExec(spec: RunSpec, c: ContainerTarget): RunSpec {
  if (spec.cmd === c.path || spec.cmd === c.engine) return spec;
  const env = Object.entries(spec.env ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
  const args = ['exec', ...(spec.cwd ? ['--workdir', spec.cwd] : []), ...env.flatMap(([k, v]) => ['--env', `${k}=${v}`]), c.name, spec.cmd, ...spec.args];
  const { cwd: _cwd, env: _env, extendEnv: _extend, ...rest } = spec;
  return { ...rest, cmd: c.path, args, title: `${spec.title ?? spec.cmd} (in ${c.name})` };
}

/** What `ENGINE run` needs (run-args.ts), less what the target and an idle build container fix. */
export type StartOptions = Omit<RunArgsInput, 'engine' | 'name' | 'gpuAccess' | 'command'> & {
  target: ContainerTarget;
  /** The host's GPUs in the container: only for the plan's verify step, where the host has one (building needs none). */
  gpuAccess?: boolean;
  /** The run's work dir, as a label (removeStaleContainers). */
  workdirLabel: string;
};

/** `ENGINE run` for the run's container: detached, idle (`sleep infinity`) until steps are executed in it. */
export function startContainerArgs(o: StartOptions): string[] {
  const { target, gpuAccess, workdirLabel: _label, ...runInput } = o;
  const args = buildRunArgs({ ...runInput, engine: target.engine, name: target.name, gpuAccess: gpuAccess ?? false, command: ['infinity'] });
  const i = args.indexOf('run');
  // Detached, with sleep as the entry point instead of the image's; labelled with the work dir, so that a later run
  // finds the container of a run that was killed (SIGKILL leaves no chance to remove it).
  args.splice(i + 1, 0, '--detach', '--entrypoint', 'sleep', '--label', `${WORKDIR_LABEL}=${o.workdirLabel}`);
  return args;
}

export const WORKDIR_LABEL = 'tfbuild.workdir';

/**
 * Of the containers labelled with a work dir, those whose tfbuild is gone: the name carries the pid of the run
 * (formatContainerName), and a live pid keeps its container (its run holds the work dir's lock).
 */
export function staleContainers(names: readonly string[], alive: (pid: number) => boolean): string[] {
  return names.filter((n) => {
    const pid = /^tfbuild-.+-(\d+)-[0-9a-z]+$/.exec(n)?.[1];
    return pid !== undefined && !alive(Number(pid));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the containers that killed runs left for this work dir; returns their names. */
export async function removeStaleContainers(c: Omit<ContainerTarget, 'name'>, workdir: string, x: Exec): Promise<string[]> {
  const r = await x.run({ cmd: c.path, args: ['ps', '--all', '--filter', `label=${WORKDIR_LABEL}=${workdir}`, '--format', '{{.Names}}'], effect: 'read', timeout: 30_000, reject: false, title: `${c.engine} ps` });
  if (r.exitCode !== 0) return [];
  const stale = staleContainers(r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== ''), isAlive);
  for (const name of stale) await stopBuildContainer({ ...c, name }, x);
  return stale;
}

/** Starts the run's container (startContainerArgs). */
export async function startBuildContainer(o: StartOptions, x: Exec): Promise<void> {
  await x.run({ cmd: o.target.path, args: startContainerArgs(o), effect: 'write', timeout: 120_000, title: `${o.target.engine} run (build container)` });
}

/**
 * Removes the container, killing what still runs in it: tfbuild and its state live on the host, so nothing inside
 * needs a grace period (and `sleep` as PID 1 ignores SIGTERM anyway). `rm --force` returns once it is gone.
 */
/** The engine's argv that removes the build container (what the run executes and --dry-run prints). */
export function removeContainerArgs(c: Pick<ContainerTarget, 'engine' | 'name'>): string[] {
  return c.engine === 'podman' ? ['rm', '--force', '--time', '0', c.name] : ['rm', '--force', c.name];
}

export async function stopBuildContainer(c: ContainerTarget, x: Exec): Promise<void> {
  // An interrupt stops every child tree, SIGKILLing what still runs after a grace period: an `rm` started in that
  // window is killed with the rest, so it is started again until the engine itself answers.
  for (let attempt = 0; attempt < 4; attempt++) {
    // podman's rm waits 10 s for `sleep` (PID 1, which ignores SIGTERM) before it kills: longer than an interrupt's
    // grace, so the rm itself was killed and the container left running. Nothing in it needs a graceful stop (the
    // bazel server's state is on the mounted work dir), so podman kills at once; docker's rm --force always does.
    const args = removeContainerArgs(c);
    const r = await x.run({ cmd: c.path, args, effect: 'write', timeout: 60_000, reject: false, title: `${c.engine} rm` });
    if (r.signal === null && !r.timedOut) return;
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** `x`, with every process it starts (other than the engine's own) executed in the container. */
export function containerExec(x: Exec, c: ContainerTarget): Exec {
  return x.withTransform((spec) => toContainerExec(spec, c));
}

/**
 * Runs `fn` with a runner whose processes (other than the engine's own) execute in the container, and stops the
 * container afterwards with `x` itself, however fn ends (an interrupt included).
 */
export async function withContainerExecutor<T>(c: ContainerTarget, x: Exec, fn: (inContainer: Exec) => Promise<T>): Promise<T> {
  try {
    return await fn(containerExec(x, c));
  } finally {
    await stopBuildContainer(c, x);
  }
}
