/**
 * Writes an image's build context: Dockerfile, docker/scripts and the user's CUDA/cuDNN installers (local/). The
 * image holds the toolchain only: tfbuild stays on the host and runs the plan's steps in a container of it
 * (src/tools/container-exec.ts), so no image depends on node or on the tfbuild version. File-system work only.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { hashContext, type ContextEntry } from './tag.js';

/** The installed tfbuild package (the folder holding package.json). */
export function getPackageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** Plain recursive copy (files, dirs, symlinks); fs.cpSync with a filter is several times slower on many small files. */
function copyTree(src: string, dest: string): void {
  const st = lstatSync(src);
  if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(src), dest);
    return;
  }
  if (!st.isDirectory()) {
    copyFileSync(src, dest);
    chmodSync(dest, st.mode & 0o777);
    return;
  }
  mkdirSync(dest, { recursive: true });
  for (const entry of readdirSync(src, { withFileTypes: true })) {
    copyTree(join(src, entry.name), join(dest, entry.name));
  }
}

export interface ContextInput {
  dir: string;
  dockerfile: string;
  /** CUDA runfile, cuDNN archive: copied into local/. */
  localFiles: string[];
  /** The image build's --build-arg values: part of the tag, since they change what the image holds. */
  buildArgs?: Readonly<Record<string, string>>;
  packageRoot?: string;
}

function listEntries(dir: string): ContextEntry[] {
  const out: ContextEntry[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      const rel = relative(dir, p).split(sep).join('/');
      if (st.isDirectory()) walk(p);
      else if (st.isSymbolicLink()) out.push({ path: rel, sha256: createHash('sha256').update(readlinkSync(p)).digest('hex'), mode: 0 });
      else out.push({ path: rel, sha256: createHash('sha256').update(readFileSync(p)).digest('hex'), mode: st.mode });
    }
  };
  walk(dir);
  return out;
}

/** Writes the context (replacing an older one in `dir`) and returns its content hash. */
export function writeBuildContext(input: ContextInput): { dir: string; hash: string; files: number } {
  const root = resolve(input.packageRoot ?? getPackageRoot());
  rmSync(input.dir, { recursive: true, force: true });
  mkdirSync(input.dir, { recursive: true });
  writeFileSync(join(input.dir, 'Dockerfile'), input.dockerfile);
  copyTree(join(root, 'docker', 'scripts'), join(input.dir, 'scripts'));
  const local = join(input.dir, 'local');
  mkdirSync(local);
  // COPY of an empty folder is fine for docker and buildah, but a marker keeps the layer explicit.
  writeFileSync(join(local, '.keep'), '');
  for (const f of input.localFiles) {
    if (!existsSync(f) || !statSync(f).isFile()) {
      throw new UsageError(`Installer file not found: ${f}.`, { hint: 'Pass the path of a CUDA runfile or a cuDNN archive.' });
    }
    copyFileSync(f, join(local, basename(f)));
  }
  const entries = listEntries(input.dir);
  const args = Object.entries(input.buildArgs ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const argEntries = args.map(([k, v]) => ({ path: `--build-arg ${k}`, sha256: createHash('sha256').update(v).digest('hex'), mode: 0 }));
  return { dir: input.dir, hash: hashContext([...entries, ...argEntries]), files: entries.length };
}
