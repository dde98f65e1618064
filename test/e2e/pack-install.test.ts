/**
 * Installing as users do. The tarball `npm pack` makes carries a built dist/ and no install-time script (prepare,
 * preinstall, install, postinstall), and installing it into a fresh prefix gives a working `tfbuild`. A source
 * checkout without dist/ (what `npm ci` leaves now that nothing builds on install) builds it on its first run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/tmp.js';
import { REPO_ROOT } from './build-cli.js';

const version = (JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: REPO_ROOT, encoding: 'utf8' })) as { version: string }).version;

describe('the packed package', () => {
  it('has dist/ and no install scripts; installed into a fresh prefix, tfbuild runs', () => {
    const tmp = makeTempDir('tfb-pack-');
    const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: REPO_ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
    const tarball = join(tmp, name);
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    expect(listing).toContain('package/dist/bundle/main.js');
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as { scripts: Record<string, string> };
    for (const s of ['prepare', 'preinstall', 'install', 'postinstall']) expect([s, pkg.scripts[s]]).toEqual([s, undefined]);
    const prefix = join(tmp, 'prefix');
    const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { encoding: 'utf8', timeout: 300_000 });
    expect(install.status, install.stderr).toBe(0);
    const r = spawnSync(join(prefix, 'bin', 'tfbuild'), ['--version'], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(version);
  }, 400_000);
});

describe('a source checkout without dist/', () => {
  it('builds dist/ on its first run, then runs', () => {
    const dir = makeTempDir('tfb-checkout-');
    for (const f of ['package.json', 'bin', 'src', 'tsconfig.json', 'tsconfig.build.json', 'recipes', 'patches', 'docker', 'schema']) {
      if (existsSync(join(REPO_ROOT, f))) cpSync(join(REPO_ROOT, f), join(dir, f), { recursive: true });
    }
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'tfbuild.js'), '--version'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/first run in a source checkout: building dist/);
    expect(r.stdout.trim()).toBe(version);
    expect(readdirSync(join(dir, 'dist'))).toContain('bundle');
  }, 400_000);
});
