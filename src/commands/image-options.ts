/**
 * The image flags of the container route, shared by `tfbuild docker` and the guided build (`tfbuild VERSION`, whose
 * verdict may take the container route): one definition, so both commands build the same image (same content hash,
 * so an image one of them built is reused by the other) from the same flags.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { DockerOptions } from '../docker/build.js';
import type { EngineName } from '../docker/engine.js';

/** What the container route's image and container take from flags (docker/README.md). */
export type ImageFlagOptions = Pick<DockerOptions,
  'engine' | 'baseImage' | 'userIds' | 'imageBazel' | 'imageBazelSha256' | 'installers' | 'buildArgs' | 'mirror' | 'containerRuntime' | 'buildIsolation' | 'rebuild'>;

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** The image flags (without --recipe, --output, --workdir, --repo, --source: those are build options too). */
export function addImageOptions(cmd: Command): Command {
  return cmd
    .option('--mirror <url>', 'read NVIDIA\'s, LLVM\'s and Bazel\'s downloads from URL/<host>/<path> (keys still checked)')
    .option('--engine <engine>', 'docker or podman (default: docker when its daemon answers, else podman)')
    .option('--base-image <image>', 'FROM this image instead of the generation\'s ubuntu release')
    .option('--user-ids <uid:gid>', 'owner of the files the container writes (default: you; under sudo, SUDO_UID:SUDO_GID)')
    .option('--image-bazel <spec>', 'bazel in the image: VERSION, bazelisk-VERSION or apt:PACKAGE (default: the recipe\'s tested bazel)')
    .option('--image-bazel-sha256 <sha256>', 'pin the bazel download to this sha256 (default: its release signature)')
    .option('--installer <file>', 'CUDA runfile or cuDNN archive for the image (repeatable)', collect, [])
    .option('--image-build-arg <name=value>', 'extra --build-arg for the image (repeatable)', collect, [])
    .option('--container-runtime <name>', 'podman OCI runtime, e.g. runc')
    .option('--build-isolation <mode>', 'podman build isolation: chroot, oci or rootless')
    .option('--rebuild', 'build the image even when one with the same content hash exists');
}

function parseUserIds(s: string): { uid: number; gid: number } {
  const m = /^(\d+):(\d+)$/.exec(s);
  if (!m) throw new UsageError(`--user-ids ${s}: expected UID:GID.`, { hint: 'For example --user-ids 1000:1000 (see: id -u; id -g).' });
  return { uid: Number(m[1]), gid: Number(m[2]) };
}

/** The image flags commander parsed, checked (usage errors exit 2). */
export function readImageOptions(f: Record<string, unknown>): ImageFlagOptions {
  const engine = f.engine as string | undefined;
  if (engine !== undefined && engine !== 'docker' && engine !== 'podman') {
    throw new UsageError(`--engine ${engine}: expected docker or podman.`, { hint: 'Use --engine docker or --engine podman.' });
  }
  const iso = f.buildIsolation as string | undefined;
  if (iso !== undefined && !['chroot', 'oci', 'rootless'].includes(iso)) {
    throw new UsageError(`--build-isolation ${iso}: expected chroot, oci or rootless.`, { hint: 'chroot works where user namespaces or overlayfs do not.' });
  }
  return {
    rebuild: f.rebuild === true,
    installers: (f.installer as string[] | undefined) ?? [],
    buildArgs: (f.imageBuildArg as string[] | undefined) ?? [],
    ...(engine ? { engine: engine as EngineName } : {}),
    ...(iso ? { buildIsolation: iso as 'chroot' | 'oci' | 'rootless' } : {}),
    ...(typeof f.baseImage === 'string' ? { baseImage: f.baseImage } : {}),
    ...(typeof f.userIds === 'string' ? { userIds: parseUserIds(f.userIds) } : {}),
    ...(typeof f.imageBazel === 'string' ? { imageBazel: f.imageBazel } : {}),
    ...(typeof f.imageBazelSha256 === 'string' ? { imageBazelSha256: f.imageBazelSha256 } : {}),
    ...(typeof f.mirror === 'string' ? { mirror: f.mirror } : {}),
    ...(typeof f.containerRuntime === 'string' ? { containerRuntime: f.containerRuntime } : {}),
  };
}

/** The image flags a command line gave (a native build ignores them and says so). */
export function givenImageFlags(o: ImageFlagOptions): string[] {
  const names: Record<keyof ImageFlagOptions, string> = {
    engine: '--engine', baseImage: '--base-image', userIds: '--user-ids', imageBazel: '--image-bazel', imageBazelSha256: '--image-bazel-sha256',
    installers: '--installer', buildArgs: '--image-build-arg', mirror: '--mirror', containerRuntime: '--container-runtime', buildIsolation: '--build-isolation', rebuild: '--rebuild',
  };
  return (Object.keys(names) as (keyof ImageFlagOptions)[]).filter((k) => {
    const v = o[k];
    return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== false;
  }).map((k) => names[k]);
}

/** Flags that make the image's toolchain differ from its generation's declaration (known once probed). */
export function hasImageOverrides(o: ImageFlagOptions): boolean {
  return o.baseImage !== undefined || o.imageBazel !== undefined;
}
