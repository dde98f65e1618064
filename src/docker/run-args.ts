/**
 * Argument lists for `ENGINE run` and `ENGINE build`. Pure, so docker and podman differences are tested as tables:
 * - GPUs: compiling CUDA code needs no GPU and no driver, so a build run never asks for one. Only the optional
 *   verify run gets GPU access, and only where the host has a GPU: docker through the NVIDIA runtime hook
 *   (`--gpus all`), podman through CDI (`--device nvidia.com/gpu=all`, after `nvidia-ctk cdi generate` once).
 * - Ownership of files written to the mounts: `--user UID:GID`; rootless podman maps container root to the
 *   host user, so there `--userns keep-id` keeps the host uid inside as well.
 */
import type { EngineName } from './engine.js';
import { IMAGE_PATHS } from './dockerfile.js';

export interface Mount {
  host: string;
  container: string;
  readOnly?: boolean;
}

export interface RunArgsInput {
  engine: EngineName;
  image: string;
  name: string;
  /** Pass the host's GPUs through (the verify run on a host with a GPU; never a build). */
  gpuAccess: boolean;
  /** Host user whose ids the container writes files as. */
  uid: number;
  gid: number;
  /** The engine itself runs as root (rootful podman, or docker). */
  engineIsRoot: boolean;
  mounts: Mount[];
  env?: Record<string, string>;
  /** OCI runtime for podman (e.g. runc where crun cannot set cgroups/rlimits). */
  runtime?: string;
  /** Arguments for the entry point (the build container's: `sleep infinity`). */
  command: string[];
}

function volume(m: Mount, engine: EngineName): string {
  // :z relabels for SELinux hosts; harmless elsewhere, and podman and docker both accept it.
  const opts = [m.readOnly ? 'ro' : 'rw', ...(engine === 'podman' ? ['z'] : [])];
  return `${m.host}:${m.container}:${opts.join(',')}`;
}

export function buildRunArgs(i: RunArgsInput): string[] {
  const args: string[] = [];
  if (i.engine === 'podman' && i.runtime) args.push('--runtime', i.runtime);
  args.push('run', '--rm', '--name', i.name, '--network', 'host');
  if (i.engine === 'podman') {
    // Host limits: bazel opens many files; podman's default container ulimits are lower than a host's.
    args.push('--ulimit', 'host');
    if (!i.engineIsRoot) args.push('--userns', 'keep-id');
  }
  args.push('--user', `${i.uid}:${i.gid}`);
  if (i.gpuAccess) {
    if (i.engine === 'docker') args.push('--gpus', 'all');
    else args.push('--device', 'nvidia.com/gpu=all', '--security-opt', 'label=disable');
  }
  for (const m of i.mounts) args.push('--volume', volume(m, i.engine));
  const env = { HOME: `${IMAGE_PATHS.work}/.home`, ...(i.env ?? {}) };
  for (const [k, v] of Object.entries(env)) args.push('--env', `${k}=${v}`);
  args.push(i.image, ...i.command);
  return args;
}

export interface BuildArgsInput {
  engine: EngineName;
  tag: string;
  contextDir: string;
  buildArgs: Record<string, string>;
  /** podman on hosts without a working overlay/userns: chroot isolation builds everywhere. */
  isolation?: 'chroot' | 'oci' | 'rootless';
  runtime?: string;
}

export function buildBuildArgs(i: BuildArgsInput): string[] {
  const args: string[] = [];
  if (i.engine === 'podman' && i.runtime) args.push('--runtime', i.runtime);
  args.push('build', '--network', 'host', '--tag', i.tag);
  if (i.engine === 'podman' && i.isolation) args.push('--isolation', i.isolation);
  for (const [k, v] of Object.entries(i.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  args.push('--file', `${i.contextDir}/Dockerfile`, i.contextDir);
  return args;
}

/** The container name for one run: unique enough to stop it on Ctrl-C. */
export function formatContainerName(line: string, pid: number, now: number): string {
  return `tfbuild-${line.replace(/[^a-zA-Z0-9_.-]/g, '-')}-${pid}-${now.toString(36)}`;
}
