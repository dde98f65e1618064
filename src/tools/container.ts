/**
 * docker/podman adapter: typed verbs over src/exec (version, info, image exists, build, run, stop).
 * Both CLIs take the same build/run arguments for what tfbuild uses; the differences live in src/docker/run-args.ts.
 */
import { plainExec, which, type Exec, type RunResult } from '../exec/index.js';
import type { ContainerEngineFacts } from '../probe/types.js';
import type { EngineName } from '../docker/engine.js';
import { hasNvidiaCdiSpec, parseEngineVersion } from './containers.js';

export interface EngineInfo {
  works: boolean;
  problem: string | null;
  rootless: boolean;
  /** Runtimes the engine knows (docker: "nvidia" when the NVIDIA Container Toolkit is configured). */
  runtimes: string[];
}

/** Reads `docker info` / `podman info` JSON; a client without a daemon gives works=false and the reason. */
export function parseEngineInfo(engine: EngineName, exitCode: number | null, stdout: string, stderr: string): EngineInfo {
  const firstErr = stderr.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? null;
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    /* no JSON: the daemon did not answer */
  }
  if (engine === 'docker') {
    const serverErrors = Array.isArray(json.ServerErrors) ? (json.ServerErrors as string[]) : [];
    const works = exitCode === 0 && serverErrors.length === 0 && typeof json.ServerVersion === 'string' && json.ServerVersion !== '';
    const runtimes = json.Runtimes && typeof json.Runtimes === 'object' ? Object.keys(json.Runtimes) : [];
    const secopts = Array.isArray(json.SecurityOptions) ? (json.SecurityOptions as string[]) : [];
    return {
      works,
      problem: works ? null : (serverErrors[0] ?? firstErr ?? `docker info exited with ${exitCode}`),
      rootless: secopts.some((s) => s.includes('rootless')),
      runtimes,
    };
  }
  const host = (json.host ?? {}) as { security?: { rootless?: boolean }; ociRuntime?: { name?: string } };
  const works = exitCode === 0 && Object.keys(json).length > 0;
  return {
    works,
    problem: works ? null : (firstErr ?? `podman info exited with ${exitCode}`),
    rootless: host.security?.rootless === true,
    runtimes: host.ociRuntime?.name ? [host.ociRuntime.name] : [],
  };
}

export async function engineVersion(engine: EngineName, path: string = engine): Promise<string | null> {
  const r = await plainExec.run({ cmd: path, args: ['--version'], effect: 'read', timeout: 'versionProbe', reject: false });
  return r.exitCode === 0 ? parseEngineVersion(r.stdout) : null;
}

export async function engineInfo(engine: EngineName, path: string = engine): Promise<EngineInfo> {
  const r = await plainExec.run({ cmd: path, args: ['info', '--format', '{{json .}}'], effect: 'read', timeout: 'query', reject: false });
  if (r.spawnError) return { works: false, problem: r.spawnError, rootless: false, runtimes: [] };
  if (r.timedOut) return { works: false, problem: `${engine} info did not answer in time`, rootless: false, runtimes: [] };
  return parseEngineInfo(engine, r.exitCode, r.stdout, r.stderr);
}

/** HostFacts.containers entry plus what the same `info` call says about rootless mode (decides run-args' --user). */
export interface EngineReport extends ContainerEngineFacts {
  rootless: boolean;
}

/** One engine's report, or null when it is not on PATH. Never throws. */
export async function describeEngine(engine: EngineName): Promise<EngineReport | null> {
  const path = await which(engine);
  if (!path) return null;
  const [version, info] = await Promise.all([engineVersion(engine, path), engineInfo(engine, path)]);
  return {
    name: engine,
    path,
    version,
    works: info.works,
    nvidia: { runtime: info.runtimes.some((r) => r.includes('nvidia')), cdi: hasNvidiaCdiSpec() },
    problem: info.problem,
    rootless: info.rootless,
  };
}

export async function describeEngines(): Promise<EngineReport[]> {
  const all = await Promise.all([describeEngine('docker'), describeEngine('podman')]);
  return all.filter((e): e is EngineReport => e !== null);
}

export async function isRootlessEngine(engine: EngineName, path: string = engine): Promise<boolean> {
  return (await engineInfo(engine, path)).rootless;
}

/** True when the image is in the engine's local store. */
export async function hasImage(engine: EngineName, tag: string, path: string = engine): Promise<boolean> {
  const r = await plainExec.run({ cmd: path, args: ['image', 'inspect', '--format', '{{.Id}}', tag], effect: 'read', timeout: 'query', reject: false });
  return r.exitCode === 0 && r.stdout.trim().length > 0;
}

export interface StreamOptions {
  logFile?: string;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
}

/** `ENGINE build …` (args from buildBuildArgs). Hours for CUDA images; no wall limit, cancellable. */
export async function buildImage(engine: EngineName, args: string[], x: Exec, o: StreamOptions = {}, path: string = engine): Promise<RunResult> {
  return x.run({
    cmd: path,
    args,
    effect: 'write',
    timeout: 'build',
    capture: false,
    tailLines: 40,
    title: `${engine} build`,
    hint: 'Read the lines above: a download without a known sha256 names the --build-arg to pass; an apt failure usually means the base image cannot reach its archive (--network host is already used).',
    logFile: o.logFile,
    onLine: o.onLine,
    signal: o.signal,
  });
}

/**
 * A file of an image, read by `ENGINE run --rm --entrypoint cat IMAGE FILE` (the image's build records, such as how
 * its bazel was verified). null when the file is not there.
 */
export async function readImageFile(engine: EngineName, image: string, file: string, runtime?: string, path: string = engine): Promise<string | null> {
  const args = [...(engine === 'podman' && runtime ? ['--runtime', runtime] : []), 'run', '--rm', '--network', 'none', '--entrypoint', 'cat', image, file];
  const r = await plainExec.run({ cmd: path, args, effect: 'read', timeout: 120_000, reject: false, title: `${engine} run cat` });
  return r.exitCode === 0 ? r.stdout : null;
}
