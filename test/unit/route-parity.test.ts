/**
 * One decision, one route: `tfbuild plan X`, `tfbuild X --dry-run` and `tfbuild X` go through the same prepare(),
 * so for the same host description and options they take the same route and end with the same exit code and
 * message. The hosts are saved `doctor --json` facts (test/fixtures/hosts); the native case, which really builds,
 * is in test/e2e/build-plan.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
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

  it('native-after-fixes with system packages (r2.8 on the laptop wants gcc 10): all three refuse (exit 3) naming the command, --yes or not', async () => {
    for (const yes of [[], ['--yes']]) {
      for (const args of ways('2.8', ['--host-facts', LAPTOP, '--no-install', '--workdir', '/nonexistent/w', ...yes])) {
        const r = await cli(args);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
        expect(r.stderr).toContain('r2.8 does not build on this host until these are done (tfbuild does not run them):');
        expect(r.stderr).toContain('sudo apt-get install -y gcc-10 g++-10');
        expect(r.stderr).toContain('tfbuild docker 2.8');
        // Refused before any plan is shown: no step, and no "before it runs" leftovers.
        expect(r.stdout + r.stderr).not.toContain('Clone v2.8.4');
        expect(r.stdout + r.stderr).not.toContain('before it runs');
      }
    }
  });

  it('native-after-fixes with python packages: refused headless without --yes (exit 3, the exact commands); with --yes plan and --dry-run show the build-python step', async () => {
    // The GTX 1080 box builds r1.4 natively; here its pythons have numpy 1.21 (r1.4 wants numpy<1.19) and no wheel.
    const host = JSON.parse(readFileSync(join(HOSTS, 'ubuntu1604-cuda8-gtx1080.json'), 'utf8')) as { pythons: Array<Record<string, unknown>> };
    for (const p of host.pythons) Object.assign(p, { numpy: '1.21.0', wheel: false });
    const file = join(makeTempDir('tfb-route-py-'), 'host.json');
    writeFileSync(file, JSON.stringify(host));
    const common = ['--host-facts', file, '--no-install', '--workdir', '/nonexistent/w'];
    const venv = "/usr/bin/python3 -m venv --system-site-packages /nonexistent/w/build-python";
    const pip = "/nonexistent/w/build-python/bin/python -m pip install --disable-pip-version-check --no-input 'numpy<1.19' wheel";
    for (const args of ways('r1.4', common)) {
      const r = await cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toContain("/usr/bin/python3 lacks numpy<1.19, wheel: the build would first install them into a build venv of tfbuild's own with:");
      expect(r.stderr).toContain(venv);
      expect(r.stderr).toContain(pip);
      expect(r.stderr).toContain('Pass --yes to let tfbuild run them, or run them yourself and rerun with --python /nonexistent/w/build-python/bin/python.');
    }
    const plan = await cli(['plan', 'r1.4', ...common, '--yes']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('1. [build-python] Make the build python: a venv with numpy<1.19, wheel');
    expect(plan.stdout).toContain(`$ ${venv}`);
    expect(plan.stdout).toContain(`$ ${pip}`);
    // configure and packaging run the venv's python; nothing is installed into /usr/bin/python3.
    expect(plan.stdout).toContain('PYTHON_BIN_PATH=/nonexistent/w/build-python/bin/python');
    expect(plan.stdout).toContain('PYTHON_LIB_PATH=/nonexistent/w/build-python/lib/python3.5/site-packages');
    const json = await cli(['plan', 'r1.4', ...common, '--yes', '--json']);
    const steps = (JSON.parse(json.stdout) as { steps: Array<{ kind: string; env: Record<string, string> }> }).steps;
    expect(steps.map((s) => s.kind)).toEqual(['build-python', 'source', 'patch', 'configure', 'bazel-build', 'package', 'install', 'verify']);
    expect(steps.find((s) => s.kind === 'package')?.env.PYTHON_BIN_PATH).toBe('/nonexistent/w/build-python/bin/python');
    // That plan saved and run later: without --yes refused the same way (a saved plan never prompts), --dry-run too.
    const saved = join(file, '..', 'plan.json');
    writeFileSync(saved, json.stdout);
    for (const extra of [[], ['--dry-run']]) {
      const r = await cli(['build', '--plan', saved, ...extra]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(pip);
      expect(r.stderr).toContain('Pass --yes to let tfbuild run them');
    }
    const dry = await cli(['build', 'r1.4', '--dry-run', ...common, '--yes']);
    expect(dry.stderr).toContain('1. Make the build python: a venv with numpy<1.19, wheel');
    expect(dry.stderr).toContain(`$ ${pip}`);
    expect(dry.stdout + dry.stderr).not.toContain('before it runs');
  });

  it('--python naming a python that has the build packages needs no venv, no consent', async () => {
    const host = JSON.parse(readFileSync(join(HOSTS, 'ubuntu1604-cuda8-gtx1080.json'), 'utf8')) as { pythons: Array<Record<string, unknown>> };
    Object.assign(host.pythons[0]!, { numpy: '1.21.0', wheel: false });
    const file = join(makeTempDir('tfb-route-py-'), 'host.json');
    writeFileSync(file, JSON.stringify(host));
    const r = await cli(['plan', 'r1.4', '--host-facts', file, '--no-install', '--workdir', '/nonexistent/w', '--python', '/usr/bin/python2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('build-python');
    expect(r.stdout).toContain('PYTHON_BIN_PATH=/usr/bin/python2');
  });

  it('a CUDA build on a host without CUDA is refused before the plan, naming the installs (never "the matching option")', async () => {
    // A host without clang builds 2.17 with gcc now (TF_NEED_CLANG=0); a GPU build on a host without CUDA lacks the toolkit.
    for (const args of ways('2.17', ['--host-facts', LAPTOP, '--no-install', '--gpu', '--compute-capabilities', '8.6', '--workdir', '/nonexistent/w'])) {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain('sudo apt-get install -y cuda-toolkit-12-3');
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

  it('--json: the error event of a refusal carries the commands it names (details), as the text does', async () => {
    const r = await cli(['plan', 'r1.4', '--host-facts', LAPTOP, '--json']);
    expect(r.code).toBe(3);
    const last = EventSchema.parse(JSON.parse(r.stdout.trim().split('\n').at(-1)!));
    if (last.type !== 'error') throw new Error(`not an error event: ${last.type}`);
    expect(last.error.details).toEqual(expect.arrayContaining([expect.stringMatching(/^not natively: needs gcc >=4\.8\.0 <8\.0\.0/)]));
    for (const d of last.error.details ?? []) expect(r.stderr).toContain(d);
  });

  it('a preferred python 3.6 without numpy, wheel or venv does not hide the complete python 3.5: r1.4 plans natively', async () => {
    const host = JSON.parse(readFileSync(join(HOSTS, 'ubuntu1604-cuda8-gtx1080.json'), 'utf8')) as { pythons: unknown[] };
    host.pythons.unshift({ path: '/usr/local/bin/python3.6', realPath: '/usr/local/bin/python3.6', version: '3.6.9', numpy: null, pip: '20.3.4', wheel: false, venv: false, headers: true, sitePackages: null });
    const file = join(makeTempDir('tfb-py36-'), 'host.json');
    writeFileSync(file, JSON.stringify(host));
    const r = await cli(['plan', 'r1.4', '--host-facts', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr + r.stdout).toContain('PYTHON_BIN_PATH=/usr/bin/python3');
    // Asked for by name, it is refused before step 1 with its fix, and the hint names the python that works.
    const named = await cli(['plan', 'r1.4', '--host-facts', file, '--python', '/usr/local/bin/python3.6']);
    expect(named.code).toBe(3);
    expect(named.stderr).toContain('sudo apt-get install -y python3.6-venv');
    expect(named.stderr).toContain('pass --python /usr/bin/python3 (python 3.5.2');
  });

  it('--no-install with --install-into is refused before anything runs (exit 2), in plan and build alike', async () => {
    for (const cmd of ['plan', 'build']) {
      const r = await cli([cmd, 'r1.4', '--host-facts', LAPTOP, '--no-install', '--install-into', '/usr/bin/python3']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--install-into and --no-install contradict each other');
    }
  });
});
