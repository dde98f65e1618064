/**
 * The patch engine: load patches/<id>.yaml, check each one (applies | already-applied | conflict) before touching
 * anything, then apply. A conflict anywhere stops the run with the files named and the tree untouched.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ConfigError, ConflictError } from '../errors.js';
import { plainExec, type Exec } from '../exec/index.js';
import { gitApply, gitApplyCheck, readDiffFiles } from '../tools/git-apply.js';
import { editArchiveUrls } from './archive-urls.js';
import { PatchSchema, type PatchCheck, type PatchDef } from './schema.js';

export * from './schema.js';
export { editArchiveUrls } from './archive-urls.js';

/** The package's patches/ folder (works from src/ under vitest and from dist/src/ when installed). */
export function getPatchesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'patches'))) return join(dir, 'patches');
    dir = dirname(dir);
  }
  throw new ConfigError('Cannot find the patches/ folder of this tfbuild installation.', { hint: 'Reinstall tfbuild.' });
}

export interface LoadedPatch {
  def: PatchDef;
  file: string;
  /** The unified diff text (diff kind). */
  diffText?: string;
}

export function loadPatch(id: string, patchesDir = getPatchesDir()): LoadedPatch {
  const file = join(patchesDir, `${id}.yaml`);
  if (!existsSync(file)) {
    throw new ConfigError(`The recipe names patch "${id}", but ${file} does not exist.`, { hint: `Add ${file} or remove "${id}" from the recipe's patches.` });
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file} is not valid YAML: ${(e as Error).message}`, { hint: 'Fix the YAML syntax.' });
  }
  const parsed = PatchSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${file} is not a valid patch.`, {
      details: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      hint: 'Compare it with patches/nasm-mirror.yaml.',
    });
  }
  const def = parsed.data;
  if (def.kind === 'diff') {
    const diffText = def.diff ?? readFileSync(resolve(dirname(file), def.diffFile ?? ''), 'utf8');
    return { def, file, diffText };
  }
  return { def, file };
}

function withDiffFile<T>(text: string, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tfbuild-patch-'));
  const p = join(dir, 'change.diff');
  writeFileSync(p, text);
  return fn(p).finally(() => rmSync(dir, { recursive: true, force: true }));
}

export async function checkPatch(p: LoadedPatch, srcDir: string, x: Exec = plainExec): Promise<PatchCheck> {
  const def = p.def;
  if (def.kind === 'archive-urls') {
    const target = join(srcDir, def.file);
    if (!existsSync(target)) return { status: 'conflict', files: [def.file], reason: `${def.file} does not exist in ${srcDir}` };
    const r = editArchiveUrls(readFileSync(target, 'utf8'), def.archive, def.addUrls);
    return r.status === 'conflict' ? { status: 'conflict', files: [def.file], reason: r.reason } : { status: r.status, files: [def.file] };
  }
  const diff = p.diffText ?? '';
  const files = readDiffFiles(diff);
  return withDiffFile(diff, async (f) => {
    if ((await gitApplyCheck(srcDir, f, false, x)).ok) return { status: 'applies', files };
    if ((await gitApplyCheck(srcDir, f, true, x)).ok) return { status: 'already-applied', files };
    const why = await gitApplyCheck(srcDir, f, false, x);
    return { status: 'conflict', files, reason: why.messages.join('; ') || 'git apply --check failed' };
  });
}

/** Write a file atomically (temp + rename), keeping the tree consistent if tfbuild is killed mid-write. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tfbuild-${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

async function applyOne(p: LoadedPatch, srcDir: string, x: Exec): Promise<void> {
  const def = p.def;
  if (def.kind === 'archive-urls') {
    const target = join(srcDir, def.file);
    const r = editArchiveUrls(readFileSync(target, 'utf8'), def.archive, def.addUrls);
    if (r.status !== 'applies') return;
    if (x.dryRun) {
      x.printDryRun(`# add ${def.addUrls.join(' ')} to the "${def.archive}" urls in ${target} (patch ${def.id})`);
      return;
    }
    writeAtomic(target, r.text);
    return;
  }
  await withDiffFile(p.diffText ?? '', (f) => gitApply(srcDir, f, x));
}

export interface PatchOutcome {
  id: string;
  status: PatchCheck['status'];
  files: string[];
  applied: boolean;
  reason?: string;
}

/**
 * Check every patch, then (unless checkOnly) apply those that apply, with `x` (its dry-run prints the writes). Any
 * conflict throws ConflictError before a single file is written.
 */
export async function applyPatches(ids: readonly string[], srcDir: string, x: Exec, opts: { checkOnly?: boolean; patchesDir?: string } = {}): Promise<PatchOutcome[]> {
  const loaded = ids.map((id) => loadPatch(id, opts.patchesDir));
  const checks: PatchOutcome[] = [];
  for (const p of loaded) {
    const c = await checkPatch(p, srcDir, x);
    checks.push({ id: p.def.id, status: c.status, files: c.files, applied: false, ...(c.status === 'conflict' ? { reason: c.reason } : {}) });
  }
  const conflicts = checks.filter((c) => c.status === 'conflict');
  if (conflicts.length > 0 && !opts.checkOnly) {
    throw new ConflictError(`Patch${conflicts.length > 1 ? 'es' : ''} ${conflicts.map((c) => c.id).join(', ')} cannot be applied to ${srcDir}; nothing was changed.`, {
      details: conflicts.map((c) => `${c.id}: ${c.files.join(', ')}: ${c.reason ?? ''}`),
      hint: 'The tree differs from the release the patch was written for: check the tag (git describe --tags), or fix the named files by hand.',
    });
  }
  if (opts.checkOnly) return checks;
  for (let n = 0; n < loaded.length; n++) {
    const c = checks[n]!;
    if (c.status !== 'applies') continue;
    await applyOne(loaded[n]!, srcDir, x);
    c.applied = true;
  }
  return checks;
}

export function formatPatchOutcomes(outcomes: readonly PatchOutcome[], checkOnly: boolean): string {
  return outcomes
    .map((o) => {
      const verb = o.status === 'applies' ? (checkOnly ? 'would apply' : 'applied') : o.status === 'already-applied' ? 'already applied' : 'CONFLICT';
      return `${o.id}: ${verb} (${o.files.join(', ')})${o.reason ? ` — ${o.reason}` : ''}`;
    })
    .join('\n') + '\n';
}
