/**
 * source: use the user's checkout (it must be the recipe's tag; dirty refused unless --allow-dirty; never reset,
 * clean or stash), or a shallow clone of the tag into the work dir, reusing an earlier clone of the same tag.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConflictError, EnvironmentError } from '../errors.js';
import { getExecContext } from '../exec/index.js';
import { formatCommand } from '../exec/format.js';
import type { SourceStep } from '../plan/index.js';
import { verifyTagName } from '../plan/paths.js';
import { makeOwnedDir, removeOwnedDir } from '../state/owned.js';
import { cloneTag, dirtyFiles, headCommit, isGitRepo, readHeadAndTag, tagsAtHead } from '../tools/git.js';
import type { StepContext, StepOutputs } from './context.js';

async function verifyCheckout(step: SourceStep, ctx: StepContext, existing: boolean): Promise<StepOutputs> {
  // Outputs feed the next step's input hash: only stable facts (the patched clone is dirty by design).
  const dir = step.dir;
  if (!(await isGitRepo(dir))) {
    throw new EnvironmentError(`${dir} is not a git checkout.`, {
      hint: existing ? 'Pass the root of a TensorFlow git clone with --source, or leave --source out to clone the tag.' : `Remove ${dir} and run again to clone it afresh.`,
    });
  }
  const tags = await tagsAtHead(dir);
  if (!tags.includes(step.tag)) {
    throw new ConflictError(`${dir} is not at ${step.tag} (HEAD is ${tags.length > 0 ? `tagged ${tags.join(', ')}` : 'not at any tag'}).`, {
      hint: `Check out the release yourself (${formatCommand(['git', '-C', dir, 'checkout', step.tag])}) or name the version that is checked out; tfbuild never moves your tree.`,
    });
  }
  const dirty = await dirtyFiles(dir);
  if (dirty.length > 0 && !step.allowDirty) {
    throw new ConflictError(`${dir} has ${dirty.length} uncommitted change${dirty.length > 1 ? 's' : ''}; refusing to build over them.`, {
      details: dirty.slice(0, 10).concat(dirty.length > 10 ? [`… and ${dirty.length - 10} more`] : []),
      hint: 'Commit or stash them yourself, or pass --allow-dirty to build the tree as it is (tfbuild never resets, cleans or stashes).',
    });
  }
  if (dirty.length > 0 && existing) ctx.emit({ type: 'warning', message: `Building ${dir} with ${dirty.length} uncommitted change(s) (--allow-dirty).` });
  return { commit: await headCommit(dir), srcDir: dir };
}

export async function runSourceStep(step: SourceStep, ctx: StepContext): Promise<StepOutputs> {
  verifyTagName(step.tag);
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
  if (!getExecContext().dryRun) {
    mkdirSync(dirname(step.dir), { recursive: true });
    makeOwnedDir(holder, 'The clone dir');
  }
  await cloneTag({ url: step.repo, tag: step.tag, dest: partial, logFile: join(ctx.logDir, `${ctx.runId}-clone.log`), signal: ctx.signal });
  if (getExecContext().dryRun) return { commit: '(dry-run)', srcDir: step.dir };
  // Just cloned, so clean and a git tree: one rev-parse confirms HEAD is the tag (not a branch of that name).
  const { head, tagCommit } = await readHeadAndTag(partial, step.tag);
  if (tagCommit !== head) {
    throw new ConflictError(`${step.repo} has no tag ${step.tag} at the commit it cloned (${tagCommit === null ? `${step.tag} is a branch there, not a tag` : `the tag is ${tagCommit.slice(0, 12)}, HEAD is ${head.slice(0, 12)}`}).`, {
      hint: `Pass the release tag with --tag (${formatCommand(['git', 'ls-remote', '--tags', step.repo])}), or a --repo that has it. The clone is kept in ${partial} for a look.`,
    });
  }
  if (existsSync(step.dir)) rmdirSync(step.dir); // empty (checked above); rename needs it gone
  renameSync(partial, step.dir);
  removeOwnedDir(holder, 'The clone dir');
  return { commit: head, srcDir: step.dir };
}
