import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listProductionPackages, writeBuildContext, getPackageRoot } from '../../../src/docker/context.js';
import { makeTempDir } from '../../helpers/tmp.js';

const root = new URL('../../../', import.meta.url).pathname;

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
  it('production dependencies of the real project follow package.json, not devDependencies', () => {
    const dirs = listProductionPackages(root).map((d) => d.slice(root.length).replace(/^\//, ''));
    expect(dirs).toContain('node_modules/zod');
    expect(dirs).toContain('node_modules/execa');
    expect(dirs).toContain('node_modules/commander');
    expect(dirs.some((d) => d.endsWith('node_modules/vitest'))).toBe(false);
    expect(dirs.some((d) => d.endsWith('node_modules/typescript'))).toBe(false);
  });

  it('resolves nested and hoisted copies the way Node does, skipping a missing optional dependency', () => {
    const p = makePackage();
    expect(listProductionPackages(p).map((d) => d.slice(p.length + 1))).toEqual([
      'node_modules/a', 'node_modules/a/node_modules/c', 'node_modules/b', 'node_modules/c',
    ]);
  });

  it('holds the Dockerfile, scripts, node and tfbuild; the hash is stable and follows content', () => {
    const p = makePackage();
    const tmp = makeTempDir('tfb-ctx-');
    const dir = join(tmp, 'ctx');
    const node = join(tmp, 'node');
    writeFileSync(node, '#!/bin/sh\necho v20.0.0\n');
    const first = writeBuildContext({ dir, dockerfile: 'FROM x:1\n', node, localFiles: [], packageRoot: p });
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM x:1\n');
    expect(existsSync(join(dir, 'scripts', 'entrypoint.sh'))).toBe(true);
    expect(statSync(join(dir, 'node', 'node')).mode & 0o111).not.toBe(0);
    expect(existsSync(join(dir, 'tfbuild', 'dist', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(dir, 'tfbuild', 'recipes', 'r1.4.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'tfbuild', 'src'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'tfbuild', 'node_modules', 'a', 'node_modules', 'c', 'package.json'), 'utf8')).version).toBe('2.0.0');
    expect(JSON.parse(readFileSync(join(dir, 'tfbuild', 'node_modules', 'c', 'package.json'), 'utf8')).version).toBe('1.0.0');
    expect(existsSync(join(dir, 'tfbuild', 'node_modules', 'dev'))).toBe(false);
    expect(first.files).toBe(12);

    const again = writeBuildContext({ dir, dockerfile: 'FROM x:1\n', node, localFiles: [], packageRoot: p });
    expect(again.hash).toBe(first.hash);
    const runfile = join(tmp, 'cuda_8.0.61_375.26_linux.run');
    writeFileSync(runfile, 'not really a runfile');
    const withInstaller = writeBuildContext({ dir, dockerfile: 'FROM x:1\n', node, localFiles: [runfile], packageRoot: p });
    expect(existsSync(join(dir, 'local', 'cuda_8.0.61_375.26_linux.run'))).toBe(true);
    expect(withInstaller.hash).not.toBe(first.hash);
    expect(writeBuildContext({ dir, dockerfile: 'FROM x:2\n', node, localFiles: [], packageRoot: p }).hash).not.toBe(first.hash);
    writeFileSync(join(p, 'dist', 'cli', 'main.js'), 'export const changed = 1;\n');
    expect(writeBuildContext({ dir, dockerfile: 'FROM x:1\n', node, localFiles: [], packageRoot: p }).hash).not.toBe(first.hash);
    expect(() => writeBuildContext({ dir, dockerfile: '', node, localFiles: [join(tmp, 'missing.tgz')], packageRoot: p })).toThrow(/Installer file not found/);
  });

  it('refuses an unbuilt package and an uninstalled dependency with the command that fixes it', () => {
    const p = makePackage();
    const tmp = makeTempDir('tfb-ctx-');
    write(join(p, 'package.json'), JSON.stringify({ name: 'tfbuild', files: ['bin'], dependencies: { a: '1' } }));
    expect(() => writeBuildContext({ dir: join(tmp, 'c'), dockerfile: '', node: join(p, 'bin', 'tfbuild.js'), localFiles: [], packageRoot: p })).toThrow(/not built/);
    write(join(p, 'package.json'), JSON.stringify({ name: 'tfbuild', dependencies: { missing: '1' } }));
    expect(() => listProductionPackages(p)).toThrow(/missing of tfbuild is not installed/);
  });

  it('package root is the folder with package.json', () => {
    expect(existsSync(join(getPackageRoot(), 'package.json'))).toBe(true);
  });
});
