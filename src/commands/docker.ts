/**
 * `tfbuild docker VERSION [--gpu]`: build (or reuse) the recipe's toolchain image and run the build headless inside
 * it, with the work dir and output dir mounted from the host and files written as the host user. The typed core is
 * `dockerBuild(opts)`; register() only maps flags.
 */
import type { Command } from 'commander';
import { chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { CliIO } from '../cli/io.js';
import { InterruptedError, UsageError } from '../errors.js';
import { chooseGeneration, type Generation } from '../docker/generations.js';
import { renderDockerfile, IMAGE_PATHS } from '../docker/dockerfile.js';
import { chooseEngine, type EngineChoice, type EngineName } from '../docker/engine.js';
import { buildBuildArgs, buildRunArgs, formatContainerName, type Mount } from '../docker/run-args.js';
import { formatImageTag } from '../docker/tag.js';
import { writeBuildContext } from '../docker/context.js';
import { getCacheDir } from '../plan/paths.js';
import { resolveRecipe } from '../recipes/index.js';
import type { Recipe } from '../recipes/schema.js';
import { buildImage, describeEngines, hasImage, runContainer, stopContainer, waitContainer } from '../tools/container.js';
import { readBazelReleaseTable } from '../tools/bazel-release.js';
import { toJson } from '../ui/output.js';

export interface DockerOptions {
  version: string;
  gpu?: boolean;
  engine?: EngineName;
  baseImage?: string;
  output?: string;
  workdir?: string;
  printDockerfile?: boolean;
  recipeFile?: string;
  /** `--repo` of the build: a local path is mounted read-only at /in/repo; a URL is passed as is. */
  repo?: string;
  /** Owner of the files the container writes (default: the caller, or SUDO_UID:SUDO_GID under sudo). */
  userIds?: { uid: number; gid: number };
  /** bazel in the image: release, bazelisk-X, or apt:PACKAGE (default: the recipe's tested bazel). */
  imageBazel?: string;
  imageBazelSha256?: string;
  /** CUDA runfile, cuDNN archive, cuda-keyring .deb copied into the context's local/. */
  installers?: string[];
  /** Extra `--build-arg K=V` for the image build (e.g. CUDA_KEYRING_SHA256). */
  buildArgs?: string[];
  node?: string;
  /** podman's OCI runtime (runc where crun cannot set cgroups/rlimits). */
  containerRuntime?: string;
  /** podman build isolation (chroot works without user namespaces or overlay). */
  buildIsolation?: 'chroot' | 'oci' | 'rootless';
  rebuild?: boolean;
  /** Build the image only. */
  imageOnly?: boolean;
  /** `--source DIR` of the build: mounted at /src. */
  source?: string;
  /** Arguments appended to `tfbuild build` inside. */
  passthrough?: string[];
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

export interface DockerResult {
  engine: EngineName | null;
  engineReason: string | null;
  generation: string;
  image: string | null;
  built: boolean;
  dockerfile: string;
  exitCode: number | null;
  output: string | null;
  workdir: string | null;
  /** Files the run left in the output dir. */
  outputs: string[];
}

function renderFor(recipe: Recipe, generation: Generation, o: DockerOptions): string {
  const table = readBazelReleaseTable();
  const binaries: Record<string, string | null> = {};
  for (const [v, assets] of Object.entries(table.releases)) binaries[v] = assets['linux-x86_64']?.sha256 ?? null;
  return renderDockerfile({
    generation,
    bazel: o.imageBazel ?? recipe.bazel.tested,
    bazelReleaseBinaries: binaries,
    recipeLine: recipe.line,
    ...(o.imageBazelSha256 === undefined ? {} : { bazelSha256: o.imageBazelSha256 }),
  });
}

function parseBuildArgs(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i <= 0) throw new UsageError(`--image-build-arg ${a}: expected NAME=VALUE.`, { hint: 'For example --image-build-arg CUDA_KEYRING_SHA256=<sha256>.' });
    out[a.slice(0, i)] = a.slice(i + 1);
  }
  return out;
}

/** The engine to use and whether it runs rootless, both from one `info` call per engine. */
async function pickEngine(requested: EngineName | undefined): Promise<EngineChoice & { rootless: boolean }> {
  const engines = await describeEngines();
  const choice = chooseEngine(engines, requested);
  return { ...choice, rootless: engines.find((e) => e.name === choice.name)?.rootless ?? false };
}

/** Stop the container when the user interrupts; the work dir keeps the resumable state. */
function interruptSignal(outer: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  outer?.addEventListener('abort', onSig, { once: true });
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
      outer?.removeEventListener('abort', onSig);
    },
  };
}

/** Whose files the container writes: the caller; under sudo, the user who ran sudo. */
export function getHostUserIds(env: NodeJS.ProcessEnv): { uid: number; gid: number } {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  if (uid === 0 && env.SUDO_UID && env.SUDO_GID && /^\d+$/.test(env.SUDO_UID) && /^\d+$/.test(env.SUDO_GID)) {
    return { uid: Number(env.SUDO_UID), gid: Number(env.SUDO_GID) };
  }
  return { uid, gid };
}

function parseUserIds(s: string): { uid: number; gid: number } {
  const m = /^(\d+):(\d+)$/.exec(s);
  if (!m) throw new UsageError(`--user-ids ${s}: expected UID:GID.`, { hint: 'For example --user-ids 1000:1000 (see: id -u; id -g).' });
  return { uid: Number(m[1]), gid: Number(m[2]) };
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

export async function dockerBuild(o: DockerOptions): Promise<DockerResult> {
  const { recipe, tag } = resolveRecipe(o.version, o.recipeFile === undefined ? {} : { recipeFile: o.recipeFile });
  const generation = chooseGeneration(recipe.containers, o.gpu ?? false, o.version);
  const dockerfile = renderFor(recipe, generation, o);
  const base: DockerResult = { engine: null, engineReason: null, generation: generation.name, image: null, built: false, dockerfile, exitCode: null, output: null, workdir: null, outputs: [] };
  if (o.printDockerfile) return base;

  const engine = await pickEngine(o.engine);
  const cache = getCacheDir({ home: homedir(), cwd: process.cwd(), xdgCacheHome: process.env.XDG_CACHE_HOME });
  const ctx = writeBuildContext({
    dir: join(cache, 'docker-context', generation.name),
    dockerfile,
    node: o.node ?? process.execPath,
    localFiles: o.installers ?? [],
  });
  const image = formatImageTag(recipe.line, generation.name, ctx.hash);
  const say = (s: string) => o.onLine?.(s);
  say(`engine: ${engine.name} (${engine.reason}); image ${image}`);
  const { signal, dispose } = interruptSignal(o.signal);
  try {
    let built = false;
    if (o.rebuild || !(await hasImage(engine.name, image, engine.path))) {
      const buildArgs = { ...parseBuildArgs(o.buildArgs ?? []), ...(o.baseImage ? { BASE_IMAGE: o.baseImage } : {}) };
      say(`building ${image} from ${o.baseImage ?? generation.baseImage} (context ${ctx.dir}, ${ctx.files} files)`);
      await buildImage(
        engine.name,
        buildBuildArgs({
          engine: engine.name,
          tag: image,
          contextDir: ctx.dir,
          buildArgs,
          ...(o.buildIsolation ? { isolation: o.buildIsolation } : {}),
          ...(o.containerRuntime ? { runtime: o.containerRuntime } : {}),
        }),
        { signal, logFile: join(cache, 'docker-context', `${generation.name}.build.log`), ...(o.onLine ? { onLine: (l) => say(l) } : {}) },
        engine.path,
      );
      built = true;
    } else {
      say(`reusing ${image}`);
    }
    if (o.imageOnly) return { ...base, engine: engine.name, engineReason: engine.reason, image, built };

    const output = resolve(o.output ?? './dist');
    const workdir = resolve(o.workdir ?? join(cache, 'docker-work', `${recipe.line}-${o.gpu ? 'gpu' : 'cpu'}`));
    const ids = o.userIds ?? getHostUserIds(process.env);
    // Made by us (maybe as root) but written by the container as the host user: hand them over.
    for (const d of [output, workdir, join(workdir, '.home')]) {
      if (!existsSync(d)) {
        mkdirSync(d, { recursive: true });
        if (process.getuid?.() === 0) chownSync(d, ids.uid, ids.gid);
      }
    }
    const mounts: Mount[] = [
      { host: workdir, container: IMAGE_PATHS.work },
      { host: output, container: IMAGE_PATHS.output },
    ];
    const inner = ['build', o.version, '--yes', '--workdir', `${IMAGE_PATHS.work}/build`, '--output', IMAGE_PATHS.output];
    if (o.gpu) inner.push('--gpu');
    if (o.recipeFile !== undefined) {
      const abs = resolve(o.recipeFile);
      mounts.push({ host: dirname(abs), container: '/in/recipe', readOnly: true });
      inner.push('--recipe', `/in/recipe/${basename(abs)}`);
    }
    if (o.repo !== undefined) {
      if (existsSync(o.repo)) {
        const abs = resolve(o.repo);
        mounts.push({ host: dirname(abs), container: '/in/repo', readOnly: true });
        inner.push('--repo', `/in/repo/${basename(abs)}`);
      } else {
        inner.push('--repo', o.repo);
      }
    }
    if (o.source !== undefined) {
      mounts.push({ host: resolve(o.source), container: '/src' });
      inner.push('--source', '/src');
    }
    inner.push(...(o.passthrough ?? []));
    const { uid, gid } = o.userIds ?? getHostUserIds(process.env);
    const name = formatContainerName(recipe.line, process.pid, Date.now());
    const engineIsRoot = engine.name === 'docker' ? true : !engine.rootless;
    const args = buildRunArgs({
      engine: engine.name,
      image,
      name,
      gpu: o.gpu ?? false,
      uid,
      gid,
      engineIsRoot,
      mounts,
      command: inner,
      env: { TFBUILD_TAG: tag },
      ...(o.containerRuntime ? { runtime: o.containerRuntime } : {}),
    });
    say(`running tfbuild ${inner.join(' ')} in ${name}`);
    let exitCode: number | null;
    try {
      const r = await runContainer(engine.name, args, { signal, logFile: join(workdir, 'container.log'), ...(o.onLine ? { onLine: (l) => say(l) } : {}) }, engine.path);
      exitCode = r.exitCode;
    } catch (e) {
      if (e instanceof InterruptedError) {
        // The run client forwarded the SIGTERM to tfbuild inside, which is saving its state; a second signal
        // would force it, so give it time first and stop the container only if it is still running.
        say(`waiting for ${name} to save its state…`);
        if (!(await waitContainer(engine.name, name, 60_000, engine.path))) await stopContainer(engine.name, name, 20, engine.path);
        throw new InterruptedError('SIGINT', `Stopped the container ${name}.`, `The work dir ${workdir} keeps the build state: rerun the same tfbuild docker command to resume.`);
      }
      throw e;
    }
    return { ...base, engine: engine.name, engineReason: engine.reason, image, built, exitCode, output, workdir, outputs: listFiles(output) };
  } finally {
    dispose();
  }
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
    .option('--gpu', 'GPU build: CUDA/cuDNN image, GPUs passed through (--gpus all / CDI nvidia.com/gpu=all)')
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
    .option('--image-bazel-sha256 <sha256>', 'sha256 of that bazel download when tfbuild knows none')
    .option('--installer <file>', 'CUDA runfile, cuDNN archive or cuda-keyring .deb for the image (repeatable)', collect, [])
    .option('--image-build-arg <name=value>', 'extra --build-arg for the image (repeatable)', collect, [])
    .option('--node <path>', 'node binary to put in the image (default: this one)')
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
        ...(typeof f.containerRuntime === 'string' ? { containerRuntime: f.containerRuntime } : {}),
        ...(json ? {} : { onLine: (l: string) => io.stderr(l + '\n') }),
      };
      const r = await dockerBuild(opts);
      if (opts.printDockerfile) {
        io.stdout(json ? toJson({ generation: r.generation, dockerfile: r.dockerfile }) : r.dockerfile);
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
