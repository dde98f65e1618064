import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBuildContext, getPackageRoot } from '../../../src/docker/context.js';
import { makeTempDir } from '../../helpers/tmp.js';


function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

/** A tiny package laid out like tfbuild's (hoisted deps, one nested copy, a devDependency), so the copy is quick. */
function makePackage(): string {
  const p = makeTempDir('tfb-pkg-');
  write(join(p, 'package.json'), JSON.stringify({ name: 'tfbuild', files: ['bin', 'dist', 'recipes'], dependencies: { a: '1', b: '1' }, devDependencies: { dev: '1' } }));
  write(join(p, 'bin', 'tfbuild.js'), '#!/usr/bin/env node\n');
  write(join(p, 'dist', 'cli', 'main.js'), 'export {};\n');
  write(join(p, 'recipes', 'r1.4.yaml'), 'line: r1.4\n');
  write(join(p, 'src', 'x.ts'), 'source, not shipped\n');
  write(join(p, 'docker', 'scripts', 'entrypoint.sh'), '#!/bin/sh\n');
  write(join(p, 'node_modules', 'a', 'package.json'), JSON.stringify({ name: 'a', dependencies: { c: '2' } }));
  // a needs c@2, nested under a; the hoisted c is c@1 for b.
  write(join(p, 'node_modules', 'a', 'node_modules', 'c', 'package.json'), JSON.stringify({ name: 'c', version: '2.0.0' }));
  write(join(p, 'node_modules', 'b', 'package.json'), JSON.stringify({ name: 'b', dependencies: { c: '1' }, optionalDependencies: { gone: '1' } }));
  write(join(p, 'node_modules', 'c', 'package.json'), JSON.stringify({ name: 'c', version: '1.0.0' }));
  write(join(p, 'node_modules', 'dev', 'package.json'), JSON.stringify({ name: 'dev' }));
  return p;
}

describe('build context', () => {
  it('holds the Dockerfile, scripts and installers only (no node, no tfbuild); the hash is stable and follows content and build-args', () => {
    const p = makePackage();
    const tmp = makeTempDir('tfb-ctx-');
    const dir = join(tmp, 'ctx');
    const first = writeBuildContext({ dir, dockerfile: 'FROM x:1\n', localFiles: [], packageRoot: p });
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM x:1\n');
    expect(existsSync(join(dir, 'scripts', 'entrypoint.sh'))).toBe(true);
    expect(existsSync(join(dir, 'node'))).toBe(false);
    expect(existsSync(join(dir, 'tfbuild'))).toBe(false);
    expect(first.files).toBe(3);

    const again = writeBuildContext({ dir, dockerfile: 'FROM x:1\n', localFiles: [], packageRoot: p });
    expect(again.hash).toBe(first.hash);
    // tfbuild's own files are not in the image: changing them keeps the tag.
    writeFileSync(join(p, 'dist', 'cli', 'main.js'), 'export const changed = 1;\n');
    expect(writeBuildContext({ dir, dockerfile: 'FROM x:1\n', localFiles: [], packageRoot: p }).hash).toBe(first.hash);
    const runfile = join(tmp, 'cuda_8.0.61_375.26_linux.run');
    writeFileSync(runfile, 'not really a runfile');
    const withInstaller = writeBuildContext({ dir, dockerfile: 'FROM x:1\n', localFiles: [runfile], packageRoot: p });
    expect(existsSync(join(dir, 'local', 'cuda_8.0.61_375.26_linux.run'))).toBe(true);
    expect(withInstaller.hash).not.toBe(first.hash);
    expect(writeBuildContext({ dir, dockerfile: 'FROM x:2\n', localFiles: [], packageRoot: p }).hash).not.toBe(first.hash);
    // A mirror or another pinned key makes another image.
    expect(writeBuildContext({ dir, dockerfile: 'FROM x:1\n', localFiles: [], packageRoot: p, buildArgs: { MIRROR: 'http://127.0.0.1:1' } }).hash).not.toBe(first.hash);
    expect(() => writeBuildContext({ dir, dockerfile: '', localFiles: [join(tmp, 'missing.tgz')], packageRoot: p })).toThrow(/Installer file not found/);
  });

  it('package root is the folder with package.json', () => {
    expect(existsSync(join(getPackageRoot(), 'package.json'))).toBe(true);
  });
});
