/**
 * `tfbuild docker VERSION [--gpu]`: flags only. The image side is src/docker/build.ts (`dockerImage`,
 * `resolveImage`); the build is the plan prepare() makes for the image, executed in a build container
 * (container-route.ts). Build options for the plan go after `--` (e.g. `-- --cpu-flags avx2,fma`).
 */
import { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../errors.js';
import { shellQuote } from '../exec/index.js';
import { dockerImage, type DockerOptions } from '../docker/build.js';
import { addDecisionOptions, type DecisionFlags } from '../ui/decide.js';
import { toJson } from '../ui/output.js';
import { addBuildOptions, type BuildFlags } from './build-options.js';
import { prepare } from './prepare.js';
import { addImageOptions, hasImageOverrides, readImageOptions } from './image-options.js';

export { dockerImage, resolveImage, getHostUserIds, type DockerOptions, type DockerResult } from '../docker/build.js';

/** The build options given after `--`, parsed as `tfbuild build` parses them (usage errors exit 2). */
function parsePassthrough(args: string[]): BuildFlags & DecisionFlags {
  const cmd = addDecisionOptions(addBuildOptions(new Command('docker --').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined })));
  try {
    cmd.parse(args, { from: 'user' });
  } catch (e) {
    throw new UsageError(`After --: ${(e as Error).message.replace(/^error: /, '')}`, { hint: 'Pass tfbuild build options after --, e.g. -- --cpu-flags avx2,fma.' });
  }
  if (cmd.args.length > 0) throw new UsageError(`After --: unexpected ${cmd.args.join(' ')}.`, { hint: 'Only tfbuild build options go after --.' });
  return cmd.opts();
}

export function register(program: Command, io: CliIO): Command {
  const cmd = program
    .command('docker')
    .description('build TensorFlow inside a container with the toolchain the release was built with (docker or podman)')
    .argument('<version>', 'release: r1.4, 1.4, 1.4.1 or v1.4.1')
    .argument('[build-args...]', 'after --: tfbuild build options for the plan (e.g. --cpu-flags, --python, --no-install)')
    .option('--gpu', 'GPU build: CUDA/cuDNN image; building needs no GPU (only the verify run gets one, where the host has one)')
    .option('--compute-capabilities <list>', 'CUDA compute capabilities (default: this host\'s GPUs, else the recipe\'s default)')
    .option('--dry-run', 'print the engine commands (image build, container start) and the plan, and run nothing')
    .option('--output <dir>', 'host directory for the wheel and build-info', './dist')
    .option('--workdir <dir>', 'host directory mounted as the work dir (clone, venv, bazel cache, state)')
    .option('--print-dockerfile', 'print the image definition and exit (for building images your own way)')
    .option('--recipe <file>', 'a custom recipe instead of the catalog (mounted read-only)')
    .option('--repo <url|path>', 'repository to clone the tag from (a local path is mounted read-only)')
    .option('--source <dir>', 'an existing TensorFlow checkout, mounted and built in place')
    .option('--fresh', 'ignore earlier progress in the work dir and run every step')
    .option('--image-only', 'build the image and stop')
    .option('--json', 'print the result as JSON');
  return addImageOptions(cmd)
    .addHelpText('after', '\nImages, CUDA/cuDNN installers and offline use: docker/README.md.')
    .action(async (version: string, buildArgs: string[], f: Record<string, unknown>) => {
      const json = f.json === true;
      const opts: DockerOptions = {
        version,
        gpu: f.gpu === true,
        printDockerfile: f.printDockerfile === true,
        dryRun: f.dryRun === true,
        imageOnly: f.imageOnly === true,
        ...readImageOptions(f),
        ...(typeof f.recipe === 'string' ? { recipeFile: f.recipe } : {}),
        ...(json ? {} : { onLine: (l: string) => io.stderr(l + '\n') }),
      };
      if (opts.printDockerfile || opts.imageOnly) {
        const r = await dockerImage(opts);
        if (opts.printDockerfile) io.stdout(json ? toJson({ generation: r.generation, dockerfile: r.dockerfile }) : r.dockerfile);
        else if (json) io.stdout(toJson({ ...r, dockerfile: undefined }));
        else if (opts.dryRun) io.stdout(`${r.commands.join('\n')}\n`);
        else io.stdout(`Image ${r.image} ${r.built ? 'built' : 'already present'}.\n`);
        return;
      }
      const extra = parsePassthrough(buildArgs);
      const flags: BuildFlags & DecisionFlags = {
        ...extra,
        gpu: f.gpu === true,
        output: f.output as string,
        yes: true,
        json,
        ...(typeof f.workdir === 'string' ? { workdir: f.workdir } : {}),
        ...(typeof f.recipe === 'string' ? { recipe: f.recipe } : {}),
        ...(typeof f.repo === 'string' ? { repo: f.repo } : {}),
        ...(typeof f.source === 'string' ? { source: f.source } : {}),
        ...(typeof f.computeCapabilities === 'string' ? { computeCapabilities: f.computeCapabilities } : {}),
      };
      const p = await prepare({ version, flags, mode: opts.dryRun ? 'dry-run' : 'build', print: io.stderr, container: true, imageOverrides: hasImageOverrides(opts) });
      if (p.route === 'abort') return;
      const argv = process.argv.slice(2).filter((a) => a !== '--fresh');
      const { runContainerPlan } = await import('./container-route.js');
      const { version: _v, gpu: _g, recipeFile: _r, ...image } = opts;
      await runContainerPlan({
        prepared: p, image, io, dryRun: opts.dryRun ?? false, json,
        resume: f.fresh === true ? 'fresh' : 'auto', resumeCommand: `tfbuild ${argv.map(shellQuote).join(' ')}`,
      });
    });
}
