/**
 * The image side of `tfbuild docker VERSION [--gpu]`: the recipe's toolchain image, rendered, tagged by content
 * hash and built (or reused) with docker or podman. The image holds the toolchain only (no node, no tfbuild); the
 * build runs as the plan's steps executed in a container of it (src/commands/container-route.ts).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, UsageError } from '../errors.js';
import { createExec, formatCommand, type Exec } from '../exec/index.js';
import { getCacheDir } from '../plan/paths.js';
import { resolveRecipe } from '../recipes/index.js';
import type { Recipe } from '../recipes/schema.js';
import { readBazelReleaseTable } from '../tools/bazel-release.js';
import { buildImage, describeEngines, hasImage } from '../tools/container.js';
import { writeBuildContext } from './context.js';
import { renderDockerfile } from './dockerfile.js';
import { chooseEngine, type EngineChoice, type EngineName } from './engine.js';
import { chooseGeneration, type Generation } from './generations.js';
import { buildBuildArgs } from './run-args.js';
import { interruptSignal } from './run-support.js';
import { formatImageTag } from './tag.js';
import { mirrorBuildArg } from './trust.js';

export interface DockerOptions {
  version: string;
  gpu?: boolean;
  engine?: EngineName;
  baseImage?: string;
  printDockerfile?: boolean;
  /** Print the engine commands and run nothing. */
  dryRun?: boolean;
  recipeFile?: string;
  /** Owner of the files the build container writes (default: the caller, or SUDO_UID:SUDO_GID under sudo). */
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
  /** podman's OCI runtime (runc where crun cannot set cgroups/rlimits). */
  containerRuntime?: string;
  /** podman build isolation (chroot works without user namespaces or overlay). */
  buildIsolation?: 'chroot' | 'oci' | 'rootless';
  rebuild?: boolean;
  /** Build the image only. */
  imageOnly?: boolean;
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

/** The image of a run: engine, tag and the argv that builds it; `ensure` builds it unless present (or --rebuild). */
export interface ImageRef {
  engine: EngineChoice & { rootless: boolean; gpuPassthrough: boolean };
  recipe: Recipe;
  tag: string;
  generation: Generation;
  image: string;
  dockerfile: string;
  buildArgv: string[];
  ensure: (signal: AbortSignal, x: Exec) => Promise<boolean>;
}

export async function resolveImage(o: DockerOptions): Promise<ImageRef> {
  const { recipe, tag } = resolveRecipe(o.version, o.recipeFile === undefined ? {} : { recipeFile: o.recipeFile });
  const generation = chooseGeneration(recipe.containers, o.gpu ?? false, o.version, recipe.gpu);
  const dockerfile = renderFor(recipe, generation, o);
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
  const ensure = async (signal: AbortSignal, x: Exec): Promise<boolean> => {
    say(`engine: ${engine.name} (${engine.reason}); image ${image}`);
    if (!o.rebuild && (await hasImage(engine.name, image, engine.path))) {
      say(`reusing ${image}`);
      return false;
    }
    say(`building ${image} from ${o.baseImage ?? generation.baseImage} (context ${ctx.dir}, ${ctx.files} files)`);
    await buildImage(engine.name, buildArgv, x, { signal, logFile: join(cache, 'docker-context', `${generation.name}.build.log`), ...(o.onLine ? { onLine: (l) => say(l) } : {}) }, engine.path);
    return true;
  };
  return { engine, recipe, tag, generation, image, dockerfile, buildArgv, ensure };
}

/**
 * --print-dockerfile, and --image-only (build or reuse the image and stop). The build itself is the container
 * route of the plan (src/commands/container-route.ts).
 */
export async function dockerImage(o: DockerOptions): Promise<DockerResult> {
  const { recipe } = resolveRecipe(o.version, o.recipeFile === undefined ? {} : { recipeFile: o.recipeFile });
  const generation = chooseGeneration(recipe.containers, o.gpu ?? false, o.version, recipe.gpu);
  const base: DockerResult = { engine: null, engineReason: null, generation: generation.name, image: null, built: false, dockerfile: renderFor(recipe, generation, o), commands: [], notes: [] };
  if (o.printDockerfile) return base;
  const ref = await resolveImage(o);
  if (o.dryRun) return { ...base, engine: ref.engine.name, engineReason: ref.engine.reason, image: ref.image, commands: [formatCommand([ref.engine.path, ...ref.buildArgv])] };
  const { signal, dispose } = interruptSignal(o.signal);
  try {
    // --image-only: the image build is the command's only write; its own runner (no dry-run here, handled above).
    const built = await ref.ensure(signal, createExec());
    return { ...base, engine: ref.engine.name, engineReason: ref.engine.reason, image: ref.image, built };
  } finally {
    dispose();
  }
}
