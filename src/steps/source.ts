/**
 * source: use the user's checkout (it must be the recipe's tag; dirty refused unless --allow-dirty; never reset,
 * clean or stash), or a shallow clone of the tag into the work dir, reusing an earlier clone of the same tag.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, ConflictError, EnvironmentError } from '../errors.js';
import { formatCommand } from '../exec/format.js';
import { applyPatches } from '../patches/index.js';
import type { SourceStep } from '../plan/index.js';
import { verifyTagName } from '../plan/paths.js';
import { makeOwnedDir, removeOwnedDir } from '../state/owned.js';
import { cloneTag, dirtyFiles, headCommit, isGitRepo, readHeadAndTag, tagsAtHead } from '../tools/git.js';
import type { StepContext, StepOutputs } from './context.js';

async function verifyCheckout(step: SourceStep, ctx: StepContext, existing: boolean): Promise<StepOutputs> {
  // Outputs feed the next step's input hash: only stable facts (the patched clone is dirty by design).
  const dir = step.dir;
  if (!(await isGitRepo(dir, ctx.exec))) {
    throw new EnvironmentError(`${dir} is not a git checkout.`, {
      hint: existing ? 'Pass the root of a TensorFlow git clone with --source, or leave --source out to clone the tag.' : `Remove ${dir} and run again to clone it afresh.`,
    });
  }
  const tags = await tagsAtHead(dir, ctx.exec);
  if (!tags.includes(step.tag)) {
    throw new ConflictError(`${dir} is not at ${step.tag} (HEAD is ${tags.length > 0 ? `tagged ${tags.join(', ')}` : 'not at any tag'}).`, {
      hint: `Check out the release yourself (${formatCommand(['git', '-C', dir, 'checkout', step.tag])}) or name the version that is checked out; tfbuild never moves your tree.`,
    });
  }
  const dirty = await dirtyFiles(dir, ctx.exec);
  const own = dirty.length > 0 && existing && !step.allowDirty ? await ownPatchesExplain(dirty, dir, ctx) : null;
  if (dirty.length > 0 && !step.allowDirty && own === null) {
    throw new ConflictError(`${dir} has ${dirty.length} uncommitted change${dirty.length > 1 ? 's' : ''}; refusing to build over them.`, {
      details: dirty.slice(0, 10).concat(dirty.length > 10 ? [`… and ${dirty.length - 10} more`] : []),
      hint: 'Commit or stash them yourself, or pass --allow-dirty to build the tree as it is (tfbuild never resets, cleans or stashes).',
    });
  }
  if (own !== null) ctx.setStatus(`${dir} differs from ${step.tag} only by tfbuild's own patches (${own})`);
  else if (dirty.length > 0 && existing) ctx.emit({ type: 'warning', message: `Building ${dir} with ${dirty.length} uncommitted change(s) (--allow-dirty).` });
  return { commit: await headCommit(dir, ctx.exec), srcDir: dir, ...(own === null ? {} : { ownPatches: own }), ...(existing ? {} : { clone: readCloneId(dir, ctx.exec.dryRun) }) };
}

/**
 * A --source tree that tfbuild itself patched (an earlier run of the same build) is dirty only in the files of the
 * plan's patches, each of which is fully applied: that is tfbuild's own change, recorded in the state as
 * `ownPatches`, not the user's. Returns the patch ids, or null when any change is someone else's.
 */
async function ownPatchesExplain(dirty: readonly string[], dir: string, ctx: StepContext): Promise<string | null> {
  const patchStep = (ctx.plan as StepContext['plan'] | undefined)?.steps.find((s) => s.kind === 'patch');
  if (!patchStep || patchStep.kind !== 'patch' || patchStep.patches.length === 0) return null;
  const outcomes = await applyPatches(patchStep.patches, dir, ctx.exec, { checkOnly: true }).catch(() => null);
  if (outcomes === null || !outcomes.every((o) => o.status === 'already-applied')) return null;
  const files = new Set(outcomes.flatMap((o) => o.files));
  return dirty.every((f) => files.has(f)) ? patchStep.patches.join(',') : null;
}

/**
 * Each clone tfbuild makes gets an id (in its .git dir). It is part of the source step's outputs, so a fresh clone
 * (the work dir's src/ deleted) changes every later step's inputs: patch and configure run again on it.
 */
const CLONE_ID = 'tfbuild-clone-id';

function readCloneId(dir: string, dryRun: boolean): string {
  const p = join(dir, '.git', CLONE_ID);
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    // A clone made before clone ids existed gets one now (its later steps run once more); dry runs write nothing.
    if (dryRun) return '(dry-run)';
    const id = randomUUID();
    writeFileSync(p, id + '\n');
    return id;
  }
}


export async function runSourceStep(step: SourceStep, ctx: StepContext): Promise<StepOutputs> {
  verifyTagName(step.tag);
  // bazel 0.x–6 encodes paths as Latin-1 inside its server and mangles other characters (a "No such file" for a
  // file that is there), and its output base is keyed by the workspace path: refuse before cloning, not mid-build.
  for (const [what, p] of [['source dir', step.dir], ['work dir', ctx.plan?.workdir ?? '']] as const) {
    if (/[^\x20-\x7e]/.test(p)) {
      throw new EnvironmentError(`bazel cannot build with a non-ASCII ${what}: ${JSON.stringify(p)}.`, {
        hint: 'Use a path of plain ASCII characters (--workdir, --source), e.g. under /tmp or your home dir.',
      });
    }
  }
  if (/\s/.test(step.dir)) {
    throw new EnvironmentError(`bazel cannot build in a path with spaces: ${step.dir}.`, {
      hint: 'Move or clone the tree to a path without spaces (or leave --source out: tfbuild then clones to its cache dir).',
    });
  }
  if (step.mode === 'existing') return verifyCheckout(step, ctx, true);
  if (existsSync(step.dir) && readdirSync(step.dir).length > 0) {
    ctx.setStatus(`reusing the clone of ${step.tag} in ${step.dir}`);
    // Our own clone: patches we applied make it dirty, which is expected.
    return verifyCheckout({ ...step, allowDirty: true }, ctx, false);
  }
  ctx.setStatus(`cloning ${step.tag} from ${step.repo}`);
  // Clone next to the target and rename, so an interrupted clone never looks like a finished one. The clone goes
  // into <dir>.partial/tree, and <dir>.partial carries tfbuild's marker: a leftover is removed only when it has it.
  const holder = `${step.dir}.partial`;
  const partial = join(holder, 'tree');
  if (step.args.at(-1) !== partial) {
    throw new ConfigError(`The plan's clone command writes to ${step.args.at(-1) ?? '(nothing)'}, not ${partial}.`, {
      hint: 'Regenerate the plan with this tfbuild: tfbuild plan VERSION --json > plan.json',
    });
  }
  if (!ctx.exec.dryRun) {
    mkdirSync(dirname(step.dir), { recursive: true });
    makeOwnedDir(holder, 'The clone dir');
  }
  await cloneTag({ url: step.repo, tag: step.tag, cmd: step.cmd, args: step.args, env: step.env, cwd: step.cwd, logFile: join(ctx.logDir, `${ctx.runId}-clone.log`), signal: ctx.signal }, ctx.exec);
  if (ctx.exec.dryRun) return { commit: '(dry-run)', srcDir: step.dir };
  // Just cloned, so clean and a git tree: one rev-parse confirms HEAD is the tag (not a branch of that name).
  const { head, tagCommit } = await readHeadAndTag(partial, step.tag, ctx.exec);
  if (tagCommit !== head) {
    throw new ConflictError(`${step.repo} has no tag ${step.tag} at the commit it cloned (${tagCommit === null ? `${step.tag} is a branch there, not a tag` : `the tag is ${tagCommit.slice(0, 12)}, HEAD is ${head.slice(0, 12)}`}).`, {
      hint: `Pass the release tag with --tag (${formatCommand(['git', 'ls-remote', '--tags', step.repo])}), or a --repo that has it. The clone is kept in ${partial} for a look.`,
    });
  }
  writeFileSync(join(partial, '.git', CLONE_ID), randomUUID() + '\n');
  if (existsSync(step.dir)) rmdirSync(step.dir); // empty (checked above); rename needs it gone
  renameSync(partial, step.dir);
  removeOwnedDir(holder, 'The clone dir');
  return { commit: head, srcDir: step.dir, clone: readCloneId(step.dir, false) };
}
