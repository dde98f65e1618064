/**
 * `tfbuild docker VERSION [--gpu]`: flags only; the typed core is `dockerBuild(opts)` in src/docker/build.ts.
 */
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../errors.js';
import { dockerBuild, type DockerOptions } from '../docker/build.js';
import type { EngineName } from '../docker/engine.js';
import { toJson } from '../ui/output.js';

export { dockerBuild, getHostUserIds, type DockerOptions, type DockerResult } from '../docker/build.js';

function parseUserIds(s: string): { uid: number; gid: number } {
  const m = /^(\d+):(\d+)$/.exec(s);
  if (!m) throw new UsageError(`--user-ids ${s}: expected UID:GID.`, { hint: 'For example --user-ids 1000:1000 (see: id -u; id -g).' });
  return { uid: Number(m[1]), gid: Number(m[2]) };
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

export function register(program: Command, io: CliIO): Command {
  return program
    .command('docker')
    .description('build TensorFlow inside a container with the toolchain the release was built with (docker or podman)')
    .argument('<version>', 'release: r1.4, 1.4, 1.4.1 or v1.4.1')
    .argument('[build-args...]', 'after --: extra arguments for tfbuild build inside the container')
    .option('--gpu', 'GPU build: CUDA/cuDNN image; building needs no GPU (only the verify run gets one, where the host has one)')
    .option('--compute-capabilities <list>', 'CUDA compute capabilities (default: this host\'s GPUs, else the recipe\'s default)')
    .option('--dry-run', 'print the engine commands (image build, run) and run nothing')
    .option('--mirror <url>', 'read NVIDIA\'s, LLVM\'s and Bazel\'s downloads from URL/<host>/<path> (keys still checked)')
    .option('--engine <engine>', 'docker or podman (default: docker when its daemon answers, else podman)')
    .option('--base-image <image>', 'FROM this image instead of the generation\'s ubuntu release')
    .option('--output <dir>', 'host directory for the wheel and build-info', './dist')
    .option('--workdir <dir>', 'host directory mounted as the work dir (clone, venv, bazel cache, state)')
    .option('--print-dockerfile', 'print the image definition and exit (for building images your own way)')
    .option('--recipe <file>', 'a custom recipe instead of the catalog (mounted read-only)')
    .option('--repo <url|path>', 'repository to clone the tag from (a local path is mounted read-only)')
    .option('--user-ids <uid:gid>', 'owner of the files the container writes (default: you; under sudo, SUDO_UID:SUDO_GID)')
    .option('--source <dir>', 'an existing TensorFlow checkout, mounted and built in place')
    .option('--image-bazel <spec>', 'bazel in the image: VERSION, bazelisk-VERSION or apt:PACKAGE (default: the recipe\'s tested bazel)')
    .option('--image-bazel-sha256 <sha256>', 'pin the bazel download to this sha256 (default: its release signature)')
    .option('--installer <file>', 'CUDA runfile or cuDNN archive for the image (repeatable)', collect, [])
    .option('--image-build-arg <name=value>', 'extra --build-arg for the image (repeatable)', collect, [])
    .option('--node <path>', 'node binary mounted to run tfbuild in the container (default: this one)')
    .option('--container-runtime <name>', 'podman OCI runtime, e.g. runc')
    .option('--build-isolation <mode>', 'podman build isolation: chroot, oci or rootless')
    .option('--rebuild', 'build the image even when one with the same content hash exists')
    .option('--image-only', 'build the image and stop')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nImages, CUDA/cuDNN installers and offline use: docker/README.md.')
    .action(async (version: string, buildArgs: string[], f: Record<string, unknown>) => {
      const engine = f.engine as string | undefined;
      if (engine !== undefined && engine !== 'docker' && engine !== 'podman') {
        throw new UsageError(`--engine ${engine}: expected docker or podman.`, { hint: 'Use --engine docker or --engine podman.' });
      }
      const iso = f.buildIsolation as string | undefined;
      if (iso !== undefined && !['chroot', 'oci', 'rootless'].includes(iso)) {
        throw new UsageError(`--build-isolation ${iso}: expected chroot, oci or rootless.`, { hint: 'chroot works where user namespaces or overlayfs do not.' });
      }
      const json = f.json === true;
      const opts: DockerOptions = {
        version,
        gpu: f.gpu === true,
        printDockerfile: f.printDockerfile === true,
        dryRun: f.dryRun === true,
        rebuild: f.rebuild === true,
        imageOnly: f.imageOnly === true,
        output: f.output as string,
        installers: f.installer as string[],
        buildArgs: f.imageBuildArg as string[],
        passthrough: buildArgs,
        ...(engine ? { engine: engine as EngineName } : {}),
        ...(iso ? { buildIsolation: iso as 'chroot' | 'oci' | 'rootless' } : {}),
        ...(typeof f.baseImage === 'string' ? { baseImage: f.baseImage } : {}),
        ...(typeof f.workdir === 'string' ? { workdir: f.workdir } : {}),
        ...(typeof f.recipe === 'string' ? { recipeFile: f.recipe } : {}),
        ...(typeof f.repo === 'string' ? { repo: f.repo } : {}),
        ...(typeof f.userIds === 'string' ? { userIds: parseUserIds(f.userIds) } : {}),
        ...(typeof f.source === 'string' ? { source: f.source } : {}),
        ...(typeof f.imageBazel === 'string' ? { imageBazel: f.imageBazel } : {}),
        ...(typeof f.imageBazelSha256 === 'string' ? { imageBazelSha256: f.imageBazelSha256 } : {}),
        ...(typeof f.node === 'string' ? { node: f.node } : {}),
        ...(typeof f.mirror === 'string' ? { mirror: f.mirror } : {}),
        ...(typeof f.computeCapabilities === 'string' ? { computeCapabilities: f.computeCapabilities } : {}),
        ...(typeof f.containerRuntime === 'string' ? { containerRuntime: f.containerRuntime } : {}),
        ...(json ? {} : { onLine: (l: string) => io.stderr(l + '\n') }),
      };
      const r = await dockerBuild(opts);
      if (opts.printDockerfile) {
        io.stdout(json ? toJson({ generation: r.generation, dockerfile: r.dockerfile }) : r.dockerfile);
        return;
      }
      if (opts.dryRun) {
        io.stdout(json ? toJson({ ...r, dockerfile: undefined }) : `${r.notes.map((n) => `# note: ${n}\n`).join('')}${r.commands.join('\n')}\n`);
        return;
      }
      if (json) io.stdout(toJson({ ...r, dockerfile: undefined }));
      else if (r.exitCode !== null) {
        io.stdout(r.exitCode === 0 ? `Built in ${r.image}; output in ${r.output}: ${r.outputs.join(', ') || '(empty)'}\n` : `The build inside ${r.image} failed (exit ${r.exitCode}); log: ${r.workdir}/container.log\n`);
      } else {
        io.stdout(`Image ${r.image} ${r.built ? 'built' : 'already present'}.\n`);
      }
      // tfbuild inside uses the same exit codes (4 config, 5 tool, …): pass them through.
      if (r.exitCode !== null && r.exitCode !== 0) process.exitCode = r.exitCode;
    });
}
