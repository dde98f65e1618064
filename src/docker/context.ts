/**
 * Writes an image's build context: Dockerfile, docker/scripts and the user's CUDA/cuDNN installers (local/). The
 * image holds the toolchain only; tfbuild's own payload (the package's "files" plus its production dependencies,
 * resolved the way Node resolves them) goes into the runtime the run mounts (src/docker/runtime.ts), so no image
 * ever installs tfbuild from a registry or depends on the tfbuild version. File-system work only; no processes.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, UsageError } from '../errors.js';
import { hashContext, type ContextEntry } from './tag.js';

/** The installed tfbuild package (the folder holding package.json). */
export function getPackageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

interface PackageJson {
  name?: string;
  files?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Node's lookup: DIR/node_modules/NAME, then each parent's, up to and including the project root. */
function resolvePackageDir(name: string, fromDir: string, root: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root) return null;
    const up = dirname(dir);
    if (up === dir || !up.startsWith(root)) return null;
    dir = up;
  }
}

/** Every installed package dir that the project's runtime dependencies reach. */
export function listProductionPackages(projectRoot: string): string[] {
  const root = resolve(projectRoot);
  const seen = new Set<string>();
  const queue: Array<{ name: string; from: string; optional: boolean }> = [];
  const enqueue = (dir: string) => {
    const pkg = readPackageJson(dir);
    for (const name of Object.keys(pkg.dependencies ?? {})) queue.push({ name, from: dir, optional: false });
    for (const name of Object.keys(pkg.optionalDependencies ?? {})) queue.push({ name, from: dir, optional: true });
  };
  enqueue(root);
  while (queue.length > 0) {
    const next = queue.shift()!;
    const dir = resolvePackageDir(next.name, next.from, root);
    if (dir === null) {
      if (next.optional) continue;
      throw new ConfigError(`Dependency ${next.name} of ${relative(root, next.from) || 'tfbuild'} is not installed.`, {
        hint: `Run npm ci in ${root} before tfbuild docker.`,
      });
    }
    if (seen.has(dir)) continue;
    seen.add(dir);
    enqueue(dir);
  }
  return [...seen].sort();
}

/** Plain recursive copy (files, dirs, symlinks); fs.cpSync with a filter is several times slower on many small files. */
function copyTree(src: string, dest: string, skipNodeModules: boolean): void {
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
    // A package's own nested node_modules is copied only where resolution reaches it (listProductionPackages).
    if (skipNodeModules && entry.name === 'node_modules') continue;
    copyTree(join(src, entry.name), join(dest, entry.name), false);
  }
}

/** The package payload: what `npm pack` would ship (package.json "files") plus production node_modules. */
export function writeTfbuildPayload(root: string, dest: string): void {
  const pkg = readPackageJson(root);
  mkdirSync(dest, { recursive: true });
  copyFileSync(join(root, 'package.json'), join(dest, 'package.json'));
  for (const f of pkg.files ?? []) {
    if (existsSync(join(root, f))) copyTree(join(root, f), join(dest, f), false);
  }
  if (!existsSync(join(dest, 'dist', 'cli', 'main.js'))) {
    throw new ConfigError(`tfbuild is not built: ${join(root, 'dist', 'cli', 'main.js')} is missing.`, {
      hint: `Run npm run build in ${root}.`,
    });
  }
  for (const dir of listProductionPackages(root)) copyTree(dir, join(dest, relative(root, dir)), true);
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
  copyTree(join(root, 'docker', 'scripts'), join(input.dir, 'scripts'), false);
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
