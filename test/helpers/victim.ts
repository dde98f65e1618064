/**
 * A "victim" tree: files a careless tfbuild could destroy (a project, a home dir). Tests take `snapshot()` before
 * and after a hostile input and compare: every path, its kind and its content checksum must be unchanged.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { makeTempDir } from './tmp.js';

export interface Victim {
  dir: string;
  snapshot(): Record<string, string>;
}

/** path (relative to `root`) → kind and sha256 of the content, for every entry under `root` (links not followed). */
export function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const rel = relative(root, p);
      if (st.isSymbolicLink()) out[rel] = `link:${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[rel] = 'dir';
        walk(p);
      } else out[rel] = `file:${createHash('sha256').update(readFileSync(p)).digest('hex')}:${st.mode & 0o777}`;
    }
  };
  walk(root);
  return out;
}

/** A small project-like tree under a fresh temp dir (or inside `parent/name`). */
export function makeVictim(prefix = 'victim-', at?: string): Victim {
  const dir = at ?? makeTempDir(prefix);
  mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
  writeFileSync(join(dir, 'README.md'), '# my project\n');
  writeFileSync(join(dir, 'src', 'main.c'), 'int main(void) { return 0; }\n');
  writeFileSync(join(dir, 'src', 'deep', 'data.bin'), Buffer.alloc(4096, 7));
  writeFileSync(join(dir, '.bashrc'), 'export PS1=x\n');
  return { dir, snapshot: () => snapshotTree(dir) };
}
