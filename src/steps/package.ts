/**
 * package: the era's packaging (build_pip_package DIR, or the :wheel rule's wheel_house), then the wheel goes to
 * --output without ever overwriting a wheel of the same name, with <wheel>.tfbuild.json (what was built and how)
 * beside it (publishWheel: both or neither).
 */
import { accessSync, constants, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { classifyFsError, ConflictError, EnvironmentError, ToolError, withFsErrors } from '../errors.js';
import type { PackageStep } from '../plan/index.js';
import { makeOwnedDir } from '../state/owned.js';
import { runBuildPipPackage } from '../tools/tf-scripts.js';
import { getLogFile, withPath, type StepContext, type StepOutputs } from './context.js';
import { sha256File } from '../util/sha256.js';

/** --output must be creatable and writable: checked before the build starts (hours before packaging). */
export function verifyOutputDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new EnvironmentError(`The output directory ${dir} is not writable (${(e as NodeJS.ErrnoException).code ?? String(e)}).`, {
      hint: 'Pass a writable directory with --output DIR.',
    });
  }
}

/**
 * A wheel of this build's name and version already in --output: the package step would refuse it (never
 * overwritten) after the whole build, so it is refused before the first step. Wheel file names normalise the
 * project name's '-' to '_' (PEP 427).
 */
export function verifyWheelNameFree(step: PackageStep): void {
  if (!existsSync(step.outputDir)) return;
  const prefix = `${step.wheelName.replace(/-/g, '_')}-${step.wheelVersion}-`;
  const taken = readdirSync(step.outputDir).filter((f) => f.endsWith('.whl') && f.startsWith(prefix));
  if (taken.length > 0) {
    throw new ConflictError(`${join(step.outputDir, taken[0]!)} already exists; tfbuild never overwrites a wheel, so this build is refused before it starts.`, {
      hint: `Move it away, or pass another --output DIR.`,
    });
  }
}

function newestWheel(dir: string): string | null {
  if (!existsSync(dir)) return null;
  const wheels = readdirSync(dir).filter((f) => f.endsWith('.whl')).map((f) => join(dir, f));
  wheels.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return wheels[0] ?? null;
}

/** The command that should have left the wheel: build_pip_package, or (wheel-rule era) the bazel build itself. */
function producerCommand(step: PackageStep, ctx: StepContext): string[] {
  if (step.packaging === 'build_pip_package') return [step.cmd, ...step.args];
  const bazel = ctx.plan.steps.find((s) => s.kind === 'bazel-build');
  return bazel ? [bazel.cmd, ...bazel.args] : [];
}

/**
 * Publish the wheel and its build-info so that either both are there or neither: both are first written in full to
 * temp names in --output (a full disk fails here and the temp files are removed), then hard-linked to their names
 * (a link fails if the name exists, so nothing is overwritten): build-info first, then the wheel; a wheel that
 * cannot be linked takes its build-info back out.
 */
export function publishWheel(built: string, target: string, metaText: string): void {
  const dir = dirname(target);
  const tag = `${process.pid}.${Date.now()}`;
  const tmpWheel = join(dir, `.${basename(target)}.${tag}.tmp`);
  const tmpMeta = join(dir, `.${basename(target)}.tfbuild.json.${tag}.tmp`);
  const metaPath = `${target}.tfbuild.json`;
  let metaLinked = false;
  try {
    withFsErrors(dir, () => {
      writeFileSync(tmpMeta, metaText, { flag: 'wx' });
      copyFileSync(built, tmpWheel, constants.COPYFILE_EXCL);
    });
    try {
      linkSync(tmpMeta, metaPath);
      metaLinked = true;
      linkSync(tmpWheel, target);
    } catch (e) {
      if (metaLinked) rmSync(metaPath, { force: true });
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new ConflictError(`${metaLinked ? target : metaPath} appeared while packaging; tfbuild never overwrites a wheel.`, {
          hint: `Move it away, or pass another --output. The new wheel is still at ${built}.`,
        });
      }
      throw classifyFsError(e, dir) ?? e;
    }
  } finally {
    rmSync(tmpWheel, { force: true });
    rmSync(tmpMeta, { force: true });
  }
}

export async function runPackageStep(step: PackageStep, ctx: StepContext): Promise<StepOutputs> {
  if (!ctx.exec.dryRun) verifyOutputDir(step.outputDir);
  if (step.packaging === 'build_pip_package') {
    // A fresh staging dir: an older wheel left there must not be mistaken for this build's.
    if (!ctx.exec.dryRun) {
      makeOwnedDir(step.stagingDir, 'The wheel staging dir');
    }
    const logFile = getLogFile(ctx, 'package');
    ctx.currentLog = logFile;
    await runBuildPipPackage({ cmd: step.cmd, args: step.args, cwd: step.cwd, env: withPath(step, step.env), logFile, signal: ctx.signal }, ctx.exec);
  }
  if (ctx.exec.dryRun) return {};
  const built = newestWheel(step.stagingDir);
  if (!built) {
    throw new ToolError(`No wheel was produced in ${step.stagingDir}.`, {
      command: producerCommand(step, ctx),
      hint: 'Check the package log; the bazel target may not have produced the wheel.',
    });
  }
  const name = basename(built);
  const target = join(step.outputDir, name);
  const sha256 = await sha256File(built);
  if (existsSync(target)) {
    throw new ConflictError(`${target} already exists; tfbuild never overwrites a wheel.`, {
      hint: `Move it away, or pass another --output. The new wheel is still at ${built}.`,
    });
  }
  const meta = {
    tfbuild: 1,
    wheel: name,
    sha256,
    builtAt: new Date().toISOString(),
    commit: ctx.outputs.commit ?? null,
    ...step.metadata,
  };
  publishWheel(built, target, JSON.stringify(meta, null, 2) + '\n');
  ctx.setStatus(target);
  return { wheel: target, sha256 };
}
