// Tests leave nothing behind: test/helpers/tmp.ts removes its dirs (and the bazel servers in them), and no test
// makes a temp dir any other way.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeDirsWritable, makeTempDir, removeTree, stopBazelServersUnder, TEMP_MARKER } from '../helpers/tmp.js';

const TEST_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const fileScoped = makeTempDir('hygiene-file-');

function isAlive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A process whose command line looks like a bazel server's for `outputBase` (node ignores the extra argv). */
function fakeServer(outputBase: string, pidFileBase = outputBase): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', `--output_base=${outputBase}`], { stdio: 'ignore' });
  mkdirSync(join(pidFileBase, 'server'), { recursive: true });
  writeFileSync(join(pidFileBase, 'server', 'server.pid.txt'), String(child.pid));
  return child.pid!;
}

describe('makeTempDir', () => {
  let madeInTest = '';

  it('makes a fresh dir under os.tmpdir() named after the run and the prefix', () => {
    madeInTest = makeTempDir('hygiene-');
    expect(statSync(madeInTest).isDirectory()).toBe(true);
    expect(dirname(madeInTest)).toBe(tmpdir());
    expect(relative(tmpdir(), madeInTest)).toMatch(new RegExp(`^${TEMP_MARKER}hygiene-\\w{6}$`));
    writeFileSync(join(madeInTest, 'f'), 'x');
  });

  it('removes a dir made inside a test when that test finishes', () => {
    expect(madeInTest).not.toBe('');
    expect(existsSync(madeInTest)).toBe(false);
  });

  it('keeps a dir made outside a test (module scope, beforeAll) until the file is done', () => {
    expect(existsSync(fileScoped)).toBe(true);
  });
});

describe('removeTree', () => {
  it('removes read-only trees without following symlinks out of them', () => {
    const outside = makeTempDir('hygiene-outside-');
    writeFileSync(join(outside, 'keep'), 'keep');
    const dir = makeTempDir('hygiene-ro-');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'b', 'file'), 'x', { mode: 0o444 });
    symlinkSync(outside, join(dir, 'a', 'link'));
    chmodSync(join(dir, 'a', 'b'), 0o555);
    chmodSync(join(dir, 'a'), 0o555);
    removeTree(dir);
    expect(existsSync(dir)).toBe(false);
    expect(readFileSync(join(outside, 'keep'), 'utf8')).toBe('keep');
    removeTree(dir); // already gone: no error
  });

  it('makeDirsWritable gives directories back u+rwx (what a non-root rm needs) and leaves symlink targets alone', () => {
    const outside = makeTempDir('hygiene-outside-');
    chmodSync(outside, 0o555);
    const dir = makeTempDir('hygiene-chmod-');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    symlinkSync(outside, join(dir, 'a', 'link'));
    chmodSync(join(dir, 'a', 'b'), 0o500);
    chmodSync(join(dir, 'a'), 0o555);
    makeDirsWritable(dir);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
    expect(statSync(outside).mode & 0o777).toBe(0o555);
    chmodSync(outside, 0o755);
  });

  it('stops a bazel server whose output base is inside, before removing it, and spares a pid that is not that server', () => {
    const dir = makeTempDir('hygiene-bazel-');
    const server = fakeServer(join(dir, 'cache', 'tfbuild', 'bazel', 'abc123'));
    // A pid file naming a process that is not this output base's server (a recycled pid): left alone.
    const stranger = fakeServer(join(dir, 'elsewhere'), join(dir, 'root', 'def456'));
    try {
      expect(isAlive(server)).toBe(true);
      removeTree(dir);
      expect(existsSync(dir)).toBe(false);
      expect(isAlive(server)).toBe(false);
      expect(isAlive(stranger)).toBe(true);
    } finally {
      process.kill(server, 'SIGKILL');
      process.kill(stranger, 'SIGKILL');
    }
  });

  it('stopBazelServersUnder on a dir without servers kills nothing', () => {
    expect(stopBazelServersUnder(makeTempDir('hygiene-empty-'))).toEqual([]);
    expect(stopBazelServersUnder(join(tmpdir(), 'tfbt-does-not-exist'))).toEqual([]);
  });
});

describe('no test makes temp dirs behind the helper', () => {
  it('test/ has no mkdtemp and no hand-built TMPDIR paths outside test/helpers/tmp.ts', () => {
    const offenders: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) {
          if (e.name !== 'fixtures') walk(p);
        } else if (/\.(ts|mjs|js)$/.test(e.name) && p !== join(TEST_DIR, 'helpers', 'tmp.ts') && p !== fileURLToPath(import.meta.url)) {
          readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
            if (/\bmkdtemp(Sync)?\(|env\.TMPDIR\b/.test(line)) offenders.push(`${relative(TEST_DIR, p)}:${i + 1}: ${line.trim()}`);
          });
        }
      }
    };
    walk(TEST_DIR);
    expect(offenders).toEqual([]);
  });
});
