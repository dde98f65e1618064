/** docker and podman facts, concurrently. */
import type { ContainerEngineFacts } from './types.js';
import { findOnPath, readHead } from './path-scan.js';
import { daemonJsonHasNvidia, dockerInfo, dockerSocketPath, hasNvidiaCdiSpec, readEngineVersion } from '../tools/containers.js';
import { readFileOrNull } from './cuda.js';
import type { ProbeRunOptions } from '../tools/probe-run.js';

async function probeDocker(path: string, env: NodeJS.ProcessEnv, o: ProbeRunOptions): Promise<ContainerEngineFacts> {
  const socket = dockerSocketPath(env);
  const [version, info] = await Promise.allSettled([
    readEngineVersion(path, o),
    socket ? dockerInfo(socket, Math.min(o.timeoutMs, 2000)) : Promise.reject(new Error(`DOCKER_HOST=${env.DOCKER_HOST} is not a unix socket; not contacted`)),
  ]);
  const runtimes = info.status === 'fulfilled' ? Object.keys((info.value.Runtimes as Record<string, unknown> | undefined) ?? {}) : [];
  const daemonJson = readFileOrNull('/etc/docker/daemon.json');
  return {
    name: 'docker',
    path,
    version: version.status === 'fulfilled' ? version.value : null,
    works: info.status === 'fulfilled',
    nvidia: { runtime: runtimes.some((r) => r.includes('nvidia')) || (daemonJson !== null && daemonJsonHasNvidia(daemonJson)), cdi: hasNvidiaCdiSpec() },
    problem: info.status === 'rejected' ? `docker client only: ${info.reason instanceof Error ? info.reason.message : String(info.reason)}` : null,
  };
}

async function probePodman(path: string, env: NodeJS.ProcessEnv, o: ProbeRunOptions): Promise<ContainerEngineFacts> {
  let version: string | null = null;
  let problem: string | null = null;
  try {
    version = await readEngineVersion(path, o);
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  const runtime = findOnPath('crun', env) ?? findOnPath('runc', env);
  if (!runtime && !problem) problem = 'no OCI runtime (crun or runc) on PATH';
  return {
    name: 'podman',
    path,
    version,
    works: version !== null && runtime !== null,
    nvidia: { runtime: findOnPath('nvidia-container-runtime', env) !== null || findOnPath('nvidia-container-runtime-hook', env) !== null, cdi: hasNvidiaCdiSpec() },
    problem,
  };
}

export async function probeContainers(env: NodeJS.ProcessEnv, o: ProbeRunOptions): Promise<ContainerEngineFacts[]> {
  const jobs: Array<Promise<ContainerEngineFacts>> = [];
  const docker = findOnPath('docker', env);
  const podman = findOnPath('podman', env);
  // podman-docker installs a `docker` script that runs podman: report it once, as podman.
  const dockerIsPodmanScript = docker !== null && podman !== null && /^#![\s\S]*podman/.test(readHead(docker));
  if (docker && !dockerIsPodmanScript) jobs.push(probeDocker(docker, env, o));
  if (podman) jobs.push(probePodman(podman, env, o));
  return Promise.all(jobs);
}
