/**
 * `tfbuild docker VERSION [--gpu]`: build (or reuse) the recipe's toolchain image and run the build headless inside
 * it, with tfbuild's runtime, the work dir and the output dir mounted from the host and files written as the host
 * user. The image holds the toolchain only; GPU builds need no GPU (only the optional verify run gets one, and only
 * where the host has one). `dryRun` returns the engine commands without running them.
 */
import { chownSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { EnvironmentError, InterruptedError, UsageError } from '../errors.js';
import { formatCommand } from '../exec/index.js';
import { getCacheDir } from '../plan/paths.js';
import { probeNvidia } from '../probe/nvidia.js';
import { resolveRecipe } from '../recipes/index.js';
import type { Recipe } from '../recipes/schema.js';
import { readBazelReleaseTable } from '../tools/bazel-release.js';
import { buildImage, describeEngines, hasImage, runContainer, stopContainer, waitContainer } from '../tools/container.js';
import { writeBuildContext } from './context.js';
import { renderDockerfile, IMAGE_PATHS } from './dockerfile.js';
import { chooseEngine, type EngineChoice, type EngineName } from './engine.js';
import { chooseGeneration, choosePython, type Generation } from './generations.js';
import { buildBuildArgs, buildRunArgs, formatContainerName, type Mount } from './run-args.js';
import { writeRuntime } from './runtime.js';
import { getHostUserIds, hasFlag, interruptSignal, listFiles, pickComputeCapabilities, recordImage } from './run-support.js';
import { formatImageTag } from './tag.js';
import { mirrorBuildArg } from './trust.js';

export interface DockerOptions {
  version: string;
  gpu?: boolean;
  engine?: EngineName;
  baseImage?: string;
  output?: string;
  workdir?: string;
  printDockerfile?: boolean;
  /** Print the engine commands (image build, run) and run nothing. */
  dryRun?: boolean;
  recipeFile?: string;
  /** `--repo` of the build: a local path is mounted read-only at /in/repo; a URL is passed as is. */
  repo?: string;
  /** Owner of the files the container writes (default: the caller, or SUDO_UID:SUDO_GID under sudo). */
  userIds?: { uid: number; gid: number };
  /** bazel in the image: release, bazelisk-X, or apt:PACKAGE (default: the recipe's tested bazel). */
  imageBazel?: string;
  imageBazelSha256?: string;
  /** CUDA runfile, cuDNN archive copied into the context's local/. */
  installers?: string[];
  /** Extra `--build-arg K=V` for the image build. */
  buildArgs?: string[];
  /** Read NVIDIA's, LLVM's and Bazel's downloads from MIRROR/<host>/<path>. */
  mirror?: string;
  /** CUDA compute capabilities for a GPU build (default: the host's GPUs, else the recipe's default). */
  computeCapabilities?: string;
  /** The node binary whose runtime is mounted (default: this one). */
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

export { getHostUserIds, parseProvenance } from './run-support.js';

export interface DockerResult {
  engine: EngineName | null;
  engineReason: string | null;
  generation: string;
  image: string | null;
  built: boolean;
  dockerfile: string;
  /** With dryRun: the engine commands, shell-quoted, in the order they would run. */
  commands: string[];
  exitCode: number | null;
  output: string | null;
  workdir: string | null;
  /** Files the run left in the output dir. */
  outputs: string[];
  notes: string[];
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
    if (i <= 0) throw new UsageError(`--image-build-arg ${a}: expected NAME=VALUE.`, { hint: 'For example --image-build-arg BASE_IMAGE=ubuntu:16.04.' });
    out[a.slice(0, i)] = a.slice(i + 1);
  }
  return out;
}

/** The engine to use and whether it runs rootless, both from one `info` call per engine. */
async function pickEngine(requested: EngineName | undefined): Promise<EngineChoice & { rootless: boolean; gpuPassthrough: boolean }> {
  const engines = await describeEngines();
  const choice = chooseEngine(engines, requested);
  const e = engines.find((x) => x.name === choice.name);
  const gpuPassthrough = choice.name === 'docker' ? e?.nvidia.runtime === true : e?.nvidia.cdi === true;
  return { ...choice, rootless: e?.rootless ?? false, gpuPassthrough };
}

export async function dockerBuild(o: DockerOptions): Promise<DockerResult> {
  const { recipe, tag } = resolveRecipe(o.version, o.recipeFile === undefined ? {} : { recipeFile: o.recipeFile });
  const gpu = o.gpu ?? false;
  const generation = chooseGeneration(recipe.containers, gpu, o.version, recipe.gpu);
  const dockerfile = renderFor(recipe, generation, o);
  const notes: string[] = [];
  const base: DockerResult = { engine: null, engineReason: null, generation: generation.name, image: null, built: false, dockerfile, commands: [], exitCode: null, output: null, workdir: null, outputs: [], notes };
  if (o.printDockerfile) return base;

  const engine = await pickEngine(o.engine).catch((e: unknown) => {
    // A dry run only shows the commands: on a host with no working engine, show them for the one asked for (or docker).
    if (!o.dryRun || !(e instanceof EnvironmentError)) throw e;
    const name: EngineName = o.engine ?? 'docker';
    return { name, path: name, reason: `no working engine here; commands shown for ${name}`, rootless: false, gpuPassthrough: false };
  });
  const cache = getCacheDir({ home: homedir(), cwd: process.cwd(), xdgCacheHome: process.env.XDG_CACHE_HOME });
  const buildArgs = { ...mirrorBuildArg(o.mirror), ...parseBuildArgs(o.buildArgs ?? []), ...(o.baseImage ? { BASE_IMAGE: o.baseImage } : {}) };
  const ctx = writeBuildContext({ dir: join(cache, 'docker-context', generation.name), dockerfile, localFiles: o.installers ?? [], buildArgs });
  const image = formatImageTag(recipe.line, generation.name, ctx.hash);
  const say = (s: string) => o.onLine?.(s);
  const buildArgv = buildBuildArgs({
    engine: engine.name,
    tag: image,
    contextDir: ctx.dir,
    buildArgs,
    ...(o.buildIsolation ? { isolation: o.buildIsolation } : {}),
    ...(o.containerRuntime ? { runtime: o.containerRuntime } : {}),
  });

  const output = resolve(o.output ?? './dist');
  const workdir = resolve(o.workdir ?? join(cache, 'docker-work', `${recipe.line}-${gpu ? 'gpu' : 'cpu'}`));
  const name = formatContainerName(recipe.line, process.pid, Date.now());
  const runtimeDir = join(cache, 'docker-runtime', name);
  const mounts: Mount[] = [
    { host: runtimeDir, container: IMAGE_PATHS.runtime, readOnly: true },
    { host: workdir, container: IMAGE_PATHS.work },
    { host: output, container: IMAGE_PATHS.output },
  ];
  const pass = o.passthrough ?? [];
  const inner = ['build', o.version, '--yes', '--workdir', `${IMAGE_PATHS.work}/build`, '--output', IMAGE_PATHS.output];
  const python = choosePython(generation, recipe);
  // Another base image has its own pythons; python3 is still python3 there.
  if (python !== null && !hasFlag(pass, '--python') && (o.baseImage === undefined || python === '/usr/bin/python3')) inner.push('--python', python);
  if (gpu) {
    inner.push('--gpu');
    const caps = await pickComputeCapabilities(recipe, o, notes);
    if (caps !== null) inner.push('--compute-capabilities', caps);
  }
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
  inner.push(...pass);
  const { uid, gid } = o.userIds ?? getHostUserIds(process.env);
  const runArgs = (command: string[], containerName: string, gpuAccess: boolean) => buildRunArgs({
    engine: engine.name,
    image,
    name: containerName,
    gpuAccess,
    uid,
    gid,
    engineIsRoot: engine.name === 'docker' ? true : !engine.rootless,
    mounts,
    command,
    env: { TFBUILD_TAG: tag },
    ...(o.containerRuntime ? { runtime: o.containerRuntime } : {}),
  });
  const buildRun = runArgs(inner, name, false);
  const installs = !hasFlag(pass, '--no-install') && !hasFlag(pass, '--install-into');
  const verifyArgv = ['verify', '--python', `${IMAGE_PATHS.work}/build/venv/bin/python`, '--gpu'];

  if (o.dryRun) {
    const commands = [formatCommand([engine.path, ...buildArgv]), formatCommand([engine.path, ...buildRun])];
    if (gpu && installs) {
      commands.push(`# only where this host has a GPU${engine.gpuPassthrough ? '' : ` and ${engine.name} can pass it through`}:`);
      commands.push(formatCommand([engine.path, ...runArgs(verifyArgv, `${name}-verify`, true)]));
    }
    return { ...base, engine: engine.name, engineReason: engine.reason, image, commands };
  }

  say(`engine: ${engine.name} (${engine.reason}); image ${image}`);
  for (const n of notes) say(`note: ${n}`);
  const { signal, dispose } = interruptSignal(o.signal);
  try {
    let built = false;
    if (o.rebuild || !(await hasImage(engine.name, image, engine.path))) {
      say(`building ${image} from ${o.baseImage ?? generation.baseImage} (context ${ctx.dir}, ${ctx.files} files)`);
      await buildImage(engine.name, buildArgv, { signal, logFile: join(cache, 'docker-context', `${generation.name}.build.log`), ...(o.onLine ? { onLine: (l) => say(l) } : {}) }, engine.path);
      built = true;
    } else {
      say(`reusing ${image}`);
    }
    if (o.imageOnly) return { ...base, engine: engine.name, engineReason: engine.reason, image, built };

    // Made by us (maybe as root) but written by the container as the host user: hand them over.
    for (const d of [output, workdir, join(workdir, '.home')]) {
      if (!existsSync(d)) {
        mkdirSync(d, { recursive: true });
        if (process.getuid?.() === 0) chownSync(d, uid, gid);
      }
    }
    writeRuntime({ dir: runtimeDir, node: o.node ?? process.execPath });
    const before = new Set(listFiles(output));
    say(`running tfbuild ${inner.join(' ')} in ${name}`);
    let exitCode: number | null;
    try {
      const r = await runContainer(engine.name, buildRun, { signal, logFile: join(workdir, 'container.log'), ...(o.onLine ? { onLine: (l) => say(l) } : {}) }, engine.path);
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
    if (exitCode === 0) {
      await recordImage(engine.name, engine.path, image, generation.name, o.containerRuntime, output, before);
      if (gpu && installs) {
        const { gpus } = await probeNvidia(process.env, { timeoutMs: 15_000 });
        if (gpus.length === 0) notes.push('verify with a GPU skipped: this host has none (the wheel was verified without one inside the build)');
        else if (!engine.gpuPassthrough) notes.push(`verify with a GPU skipped: ${engine.name} cannot pass GPUs through here (tfbuild doctor says how to set it up)`);
        else {
          say('verifying the wheel with the host\'s GPUs');
          const v = await runContainer(engine.name, runArgs(verifyArgv, `${name}-verify`, true), { signal, logFile: join(workdir, 'container-verify.log'), ...(o.onLine ? { onLine: (l) => say(l) } : {}) }, engine.path);
          if (v.exitCode !== 0) exitCode = v.exitCode;
        }
      }
    }
    for (const n of notes) say(`note: ${n}`);
    return { ...base, engine: engine.name, engineReason: engine.reason, image, built, exitCode, output, workdir, outputs: listFiles(output) };
  } finally {
    rmSync(runtimeDir, { recursive: true, force: true });
    dispose();
  }
}
