/**
 * One decision, one route: `tfbuild plan X`, `tfbuild X --dry-run` and `tfbuild X` go through the same prepare(),
 * so for the same host description and options they take the same route and end with the same exit code and
 * message. The hosts are saved `doctor --json` facts (test/fixtures/hosts); the native case, which really builds,
 * is in test/e2e/build-plan.test.ts.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { EventSchema } from '../../src/ui/events.js';
import { makeTempDir } from '../helpers/tmp.js';

const HOSTS = join(import.meta.dirname, '..', 'fixtures', 'hosts');
const LAPTOP = join(HOSTS, 'ubuntu2204-cpu-laptop.json');

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The three ways to ask for the same build. */
const ways = (version: string, extra: string[]) => [
  ['plan', version, ...extra],
  ['build', version, '--dry-run', ...extra],
  ['build', version, ...extra],
];

beforeEach(() => vi.stubEnv('CI', '1'));
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('plan, --dry-run and the real run take the same route', () => {
  it('container verdict (r1.4 on an Ubuntu 22.04 laptop): all three refuse with exit 3 and the same message', async () => {
    const runs = [];
    for (const args of ways('r1.4', ['--host-facts', LAPTOP, '--no-install'])) runs.push(await cli(args));
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain('A native build of r1.4 is not practical on this host.');
      expect(r.stderr).toContain('tfbuild docker r1.4');
    }
  });

  it('container verdict with --yes: plan and --dry-run show the container route (exit 0) and the plan the build container runs', async () => {
    const runs = [];
    // --dry-run writes the image's build context (its hash is the tag): into a temporary cache.
    vi.stubEnv('XDG_CACHE_HOME', makeTempDir('tfb-route-cache-'));
    for (const args of ways('r1.4', ['--host-facts', LAPTOP, '--no-install', '--yes', '--workdir', '/nonexistent/w']).slice(0, 2)) {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(0);
      // The same plan, made for the image's toolchain (CUDA-era gcc and python 3 of the cpu-cuda8 image).
      expect(r.stdout).toContain('Plan for TensorFlow v1.4.1 (r1.4, CPU) in /nonexistent/w');
      expect(r.stdout).toContain('PYTHON_BIN_PATH=/usr/bin/python3');
      expect(r.stdout).toMatch(/\$ \/usr\/local\/bin\/bazel --output_user_root=\/nonexistent\/w\/\.cache\/tfbuild\/bazel --max_idle_secs=900 build /);
      runs.push(r.stdout);
    }
    expect(runs[0]).toContain('tfbuild build r1.4 --yes runs: tfbuild docker r1.4');
    expect(runs[1]).toMatch(/# The container route: image localhost\/tfbuild:r1\.4-cpu-cuda8-ubuntu16\.04-[0-9a-f]{12}/);
    const j = await cli(['plan', 'r1.4', '--host-facts', LAPTOP, '--no-install', '--yes', '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ route: 'container', command: 'tfbuild docker r1.4', generation: 'cpu-cuda8-ubuntu16.04', plan: { line: 'r1.4' } });
  });

  it('native-after-fixes (r2.8 on the laptop, gcc 11 where 10 is wanted): plan and --dry-run show the same plan and the fix to do first', async () => {
    const plan = await cli(['plan', '2.8', '--host-facts', LAPTOP, '--no-install', '--workdir', '/nonexistent/w']);
    const dry = await cli(['build', '2.8', '--dry-run', '--host-facts', LAPTOP, '--no-install', '--workdir', '/nonexistent/w']);
    expect(plan.code, plan.stderr).toBe(0);
    const fix = 'the verdict asks for this first: sudo apt-get install -y gcc-10 g++-10';
    expect(plan.stdout).toContain(fix);
    // The dry run shows the same plan on its summary screen (its preflight then runs on this host, not the laptop).
    expect(dry.stderr).toContain(fix);
    for (const kind of ['Clone v2.8.4', 'Configure', 'bazel build //tensorflow/tools/pip_package:build_pip_package']) {
      expect(plan.stdout).toContain(kind);
      expect(dry.stderr).toContain(kind);
    }
    expect(plan.stdout + dry.stdout + dry.stderr).not.toContain('before it runs:');
  });

  it('a template value missing on the host is exit 3 naming the real flag or install, never "the matching option"', async () => {
    // A host without clang builds 2.17 with gcc now (TF_NEED_CLANG=0); a GPU build on a host without CUDA lacks {cudaVersion}.
    for (const args of ways('2.17', ['--host-facts', LAPTOP, '--no-install', '--gpu', '--compute-capabilities', '8.6', '--workdir', '/nonexistent/w']).slice(0, 2)) {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain('{cudaVersion} has no value on this host');
      expect(r.stderr).toContain('Pass --cuda-path, or install the CUDA toolkit');
      expect(r.stderr).not.toContain('matching option');
    }
  });

  it('--json: a run refused before its first step still ends with an error event carrying exit code, message and hint', async () => {
    for (const args of [...ways('r1.4', ['--host-facts', LAPTOP, '--json']), ['build', 'r1.4', '--json', '--no-install', '--install-into', '/usr/bin/python3'], ['plan', 'r1.4', '--json', '--jobs', 'x']]) {
      const r = await cli(args);
      const lines = r.stdout.trim().split('\n').filter((l) => l !== '');
      expect(lines.length, `${args.join(' ')}: ${r.stderr}`).toBeGreaterThan(0);
      const last = EventSchema.parse(JSON.parse(lines.at(-1)!));
      expect(last.type).toBe('error');
      if (last.type !== 'error') continue;
      expect(last.error.exitCode).toBe(r.code);
      expect(last.error.message.length).toBeGreaterThan(0);
      expect(last.error.hint?.length ?? 0).toBeGreaterThan(0);
    }
  });

  it('--no-install with --install-into is refused before anything runs (exit 2), in plan and build alike', async () => {
    for (const cmd of ['plan', 'build']) {
      const r = await cli([cmd, 'r1.4', '--host-facts', LAPTOP, '--no-install', '--install-into', '/usr/bin/python3']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--install-into and --no-install contradict each other');
    }
  });
});
