/**
 * `tfbuild install` with a real wheel (a zip with its dist-info, written here), real pip and a real venv; the CPU
 * is faked with TFBUILD_CPUINFO pointing at recorded /proc/cpuinfo files of other machines.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo } from '../helpers/fixture.js';
import { runCli, stopBazelServers } from './build-cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const CPUINFO = resolve('test/fixtures/probe/cpuinfo');
const AVX2_CPU = join(CPUINFO, 'intel-i7-8700-avx2.txt');
const AVX512_CPU = join(CPUINFO, 'amd-epyc-avx512-this-machine.txt');
const AVX_ONLY_CPU = join(CPUINFO, 'intel-xeon-e5-2670-avx.txt');
const tmp = makeTempDir('tfb-install-');
const venv = join(tmp, 'venv');
const py = join(venv, 'bin', 'python');
let tag: string;

/** A minimal real wheel: one module and its dist-info (METADATA, WHEEL, RECORD), as pip expects. */
function writeWheel(dir: string, pyTag: string, cpuFlags: string[]): string {
  const name = `tensorflow-1.4.1-${pyTag}-${pyTag}-linux_x86_64.whl`;
  const file = join(dir, name);
  execFileSync('python3', ['-c', `
import sys, zipfile
f, tag = sys.argv[1], sys.argv[2]
di = 'tensorflow-1.4.1.dist-info/'
with zipfile.ZipFile(f, 'w') as z:
    z.writestr('tensorflow/__init__.py', "__version__ = '1.4.1'\\n")
    z.writestr(di + 'METADATA', 'Metadata-Version: 2.1\\nName: tensorflow\\nVersion: 1.4.1\\n')
    z.writestr(di + 'WHEEL', 'Wheel-Version: 1.0\\nGenerator: tfbuild-test\\nRoot-Is-Purelib: false\\nTag: %s-%s-linux_x86_64\\n' % (tag, tag))
    z.writestr(di + 'RECORD', 'tensorflow/__init__.py,,\\n' + di + 'METADATA,,\\n' + di + 'WHEEL,,\\n' + di + 'RECORD,,\\n')
`, file, pyTag]);
  writeFileSync(`${file}.tfbuild.json`, JSON.stringify({ tfbuild: 1, wheel: name, cpuFlags, copts: cpuFlags.map((f) => `-m${f}`), gpu: false }));
  return file;
}

function installedVersion(): string | null {
  try {
    return execFileSync(py, ['-c', 'import tensorflow; print(tensorflow.__version__)'], { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

beforeAll(() => {
  execFileSync('python3', ['-m', 'venv', venv]);
  tag = execFileSync(py, ['-c', 'import sys; print("cp%d%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
}, 120_000);

describe('tfbuild install', () => {
  it('refuses (exit 3, Illegal instruction) a wheel built for AVX-512 on an AVX2-only CPU, installing nothing', async () => {
    const wheel = writeWheel(makeTempDir('tfb-w1-'), tag, ['avx2', 'fma', 'avx512f']);
    const r = await runCli(['install', wheel, '--python', py], { env: { TFBUILD_CPUINFO: AVX2_CPU } });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/Refusing to install tensorflow-1\.4\.1-.*: it was compiled for avx512f, which this CPU lacks: import tensorflow would die with "Illegal instruction"/);
    expect(r.stderr).toContain('--force');
    expect(installedVersion()).toBeNull();
  });

  it('installs the same wheel where the CPU has AVX-512F, and with --force on the AVX2 CPU (saying so)', async () => {
    const wheel = writeWheel(makeTempDir('tfb-w2-'), tag, ['avx2', 'fma', 'avx512f']);
    const ok = await runCli(['install', wheel, '--python', py, '--json'], { env: { TFBUILD_CPUINFO: AVX512_CPU } });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ installed: true, forced: false, lacking: [] });
    expect(installedVersion()).toBe('1.4.1');
    execFileSync(py, ['-m', 'pip', 'uninstall', '-y', '-q', 'tensorflow']);
    const forced = await runCli(['install', wheel, '--python', py, '--force'], { env: { TFBUILD_CPUINFO: AVX2_CPU } });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/warning \(--force\): it was compiled for avx512f, which this CPU lacks/);
    expect(installedVersion()).toBe('1.4.1');
    execFileSync(py, ['-m', 'pip', 'uninstall', '-y', '-q', 'tensorflow']);
  });

  it('refuses a wheel whose python tag is not the target python\'s (exit 3) before pip runs', async () => {
    const wheel = writeWheel(makeTempDir('tfb-w3-'), 'cp36', ['avx2']);
    const r = await runCli(['install', wheel, '--python', py], { env: { TFBUILD_CPUINFO: AVX2_CPU } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`it is built for cp36, but .* needs ${tag}`));
    expect(existsSync(wheel)).toBe(true);
  });
});

describe('the build\'s install step runs the same check', () => {
  const root = makeTempDir('tfb-install-build-');
  const env = { XDG_CACHE_HOME: join(root, 'cache'), TFBUILD_CPUINFO: AVX_ONLY_CPU };
  afterAll(() => stopBazelServers(join(root, 'cache', 'tfbuild', 'bazel')));

  it('a build for AVX2 on an AVX-only CPU keeps the wheel but refuses to install it (exit 3)', async () => {
    const fx = makeFixtureRepo('r1.4', { tmp: root });
    const out = join(root, 'out');
    const r = await runCli(['r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', join(root, 'w'), '--output', out, '--cpu-flags', 'avx2'], { env });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/Refusing to install tensorflow-1\.4\.1-.*: it was compiled for avx2, which this CPU lacks: import tensorflow would die with "Illegal instruction"/);
    expect(r.stderr).toContain('--no-install');
    expect(readdirSync(out).filter((f) => f.endsWith('.whl'))).toHaveLength(1);
    expect(existsSync(join(root, 'w', 'venv', 'lib'))).toBe(true);
    expect(execFileSync(join(root, 'w', 'venv', 'bin', 'python'), ['-m', 'pip', 'list', '--format=freeze'], { encoding: 'utf8' })).not.toMatch(/^tensorflow==/m);
  }, 300_000);
});
