/**
 * probeHost: every fact family runs concurrently with its own time limit; a family that fails or hangs becomes an
 * entry in `facts.problems` and an empty/null value, never a crash.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { HOST_FACTS_SCHEMA_VERSION, type ContainerEngineFacts, type HostFacts, type ProbeProblem, type SkippableFamily } from './types.js';
import { probeCpu } from './cpu.js';
import { probeOs } from './os.js';
import { probeMemory } from './memory.js';
import { probeDisk } from './disk.js';
import { probeLocale } from './locale.js';
import { probePythons } from './python.js';
import { probeCompilers } from './compilers.js';
import { probeBazel, probeBazelisk, probeGit, probeJava } from './tools-version.js';
import { probeContainers } from './containers.js';
import { probeCuda } from './cuda.js';
import { probeCudnn } from './cudnn.js';
import { probeNvidia } from './nvidia.js';
import type { ProbeRunOptions } from '../tools/probe-run.js';

export interface ProbeOptions {
  /** An extra CUDA toolkit root to consider first (`--cuda-path`). */
  cudaPath?: string;
  /** Where cuDNN is unpacked (`--cudnn-path`). */
  cudnnPath?: string;
  /** Build/cache directory whose disk is measured (default: the current directory). */
  workdir?: string;
  /** Environment to probe with (PATH, CUDA_HOME, LANG, TFBUILD_CPUINFO, TFBUILD_PROC_DRIVER…); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Time limit per fact family, ms (default 3000). */
  timeoutMs?: number;
  /** Families the caller does not need (listed in `facts.skipped`); doctor probes everything. */
  skip?: readonly SkippableFamily[];
}

export const DEFAULT_FAMILY_TIMEOUT_MS = 3_000;

export { HOST_FACTS_SCHEMA_VERSION };
export type { HostFacts };

class FamilyTimeout extends Error {}

/** Run one family with its own deadline; on timeout its children are stopped through `signal`. */
async function family<T>(name: string, timeoutMs: number, problems: ProbeProblem[], fallback: T, fn: (o: ProbeRunOptions) => Promise<T> | T): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new FamilyTimeout(`${name} probe did not finish within ${timeoutMs} ms and was stopped`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => fn({ timeoutMs, signal: ac.signal })), deadline]);
  } catch (e) {
    const message = e instanceof FamilyTimeout ? e.message : e instanceof Error ? e.message : String(e);
    problems.push({ probe: name, message });
    return fallback;
  } finally {
    clearTimeout(timer);
  }
}

export async function probeHost(opts: ProbeOptions = {}): Promise<HostFacts> {
  const env = opts.env ?? process.env;
  const t = opts.timeoutMs ?? DEFAULT_FAMILY_TIMEOUT_MS;
  const workdir = resolve(opts.workdir ?? process.cwd());
  const problems: ProbeProblem[] = [];
  const runEnv = opts.env ? { env } : {};
  const withEnv = (o: ProbeRunOptions): ProbeRunOptions => ({ ...o, ...runEnv });
  const collect = <T extends { problems: Array<string | ProbeProblem> }>(name: string, r: T): T => {
    for (const p of r.problems) problems.push(typeof p === 'string' ? { probe: name, message: p } : p);
    return r;
  };

  const skipped = new Set(opts.skip ?? []);
  const gpu = !skipped.has('gpu');
  const cudaPromise = gpu
    ? family('cuda', t, problems, { cuda: [], problems: [] }, (o) =>
        probeCuda({ env, ...(opts.cudaPath ? { cudaPath: opts.cudaPath } : {}) }, withEnv(o)).then((r) => collect('cuda', r)),
      )
    : { cuda: [], problems: [] };
  const [os, cpu, memory, disk, pythons, compilers, bazel, java, git, containers, cuda, nvidia] = await Promise.all([
    family('os', t, problems, { platform: process.platform, arch: process.arch, kernel: '', distro: null, packageManager: null }, () => probeOs()),
    family('cpu', t, problems, { model: 'unknown', cores: 0, flags: [], isa: [], copts: [], source: env.TFBUILD_CPUINFO || '/proc/cpuinfo' }, () => probeCpu(env)),
    family('memory', t, problems, { totalMiB: 0, availableMiB: 0 }, () => probeMemory()),
    family('disk', t, problems, null, () => probeDisk(workdir)),
    family('python', t, problems, [], (o) => probePythons(env, workdir, withEnv(o)).then((r) => collect('python', r).pythons)),
    family('compilers', t, problems, [], (o) => probeCompilers(env, withEnv(o)).then((r) => collect('compilers', r).compilers)),
    family('bazel', t, problems, null, (o) => probeBazel(env, workdir, withEnv(o))),
    family('java', t, problems, null, (o) => probeJava(env, withEnv(o))),
    family('git', t, problems, null, (o) => probeGit(env, withEnv(o))),
    skipped.has('containers') ? [] : family('containers', t, problems, [], (o) => probeContainers(env, withEnv(o))),
    cudaPromise,
    gpu ? family('nvidia', t, problems, { driver: null, gpus: [], problems: [] }, (o) => probeNvidia(env, withEnv(o)).then((r) => collect('nvidia', r))) : { driver: null, gpus: [] },
  ]);
  // cuDNN is looked for under each CUDA root found, so it waits for CUDA (file reads only, a few ms).
  const cudnn = gpu
    ? await family('cudnn', t, problems, { cudnn: null, problems: [] }, () =>
        collect('cudnn', probeCudnn({ cudaRoots: cuda.cuda.map((c) => c.path), ...(opts.cudnnPath ? { cudnnPath: opts.cudnnPath } : {}) })),
      )
    : { cudnn: null };

  return {
    schemaVersion: HOST_FACTS_SCHEMA_VERSION,
    probedAt: new Date().toISOString(),
    hostname: hostname(),
    os,
    cpu,
    memory,
    disk,
    locale: probeLocale(env),
    pythons,
    compilers,
    bazel,
    bazelisk: probeBazelisk(env, workdir),
    java,
    git,
    containers,
    cuda: cuda.cuda,
    cudnn: cudnn.cudnn,
    driver: nvidia.driver,
    gpus: nvidia.gpus,
    problems,
    ...(skipped.size > 0 ? { skipped: [...skipped].sort() } : {}),
  };
}

/**
 * The container engines, for facts probed without them (a build asks only when the verdict points at a container).
 * Returns the facts with `containers` filled and `containers` gone from `skipped`.
 */
export async function addContainerFacts(facts: HostFacts, opts: Pick<ProbeOptions, 'env' | 'timeoutMs'> = {}): Promise<HostFacts> {
  if (!facts.skipped?.includes('containers')) return facts;
  const problems: ProbeProblem[] = [];
  const t = opts.timeoutMs ?? DEFAULT_FAMILY_TIMEOUT_MS;
  const env = opts.env ?? process.env;
  const containers = await family<ContainerEngineFacts[]>('containers', t, problems, [], (o) => probeContainers(env, { ...o, ...(opts.env ? { env } : {}) }));
  const skipped = facts.skipped.filter((f) => f !== 'containers');
  const { skipped: _, ...rest } = facts;
  return { ...rest, containers, problems: [...facts.problems, ...problems], ...(skipped.length > 0 ? { skipped } : {}) };
}

/** What a build needs probed: no container engines (asked later if the verdict needs them), no GPU stack without --gpu. */
export function buildProbeSkips(gpu: boolean): SkippableFamily[] {
  return gpu ? ['containers'] : ['containers', 'gpu'];
}
