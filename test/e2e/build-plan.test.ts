/**
 * Plans through the real CLI: for another host from its saved facts (no probing of this machine shows through),
 * saved as JSON and run later with `tfbuild build --plan FILE`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo } from '../helpers/fixture.js';
import { REPO_ROOT, runCli, stopBazelServers } from './build-cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const root = makeTempDir('tfb-e2e-plan-');
const cache = join(root, 'cache');
const env = { XDG_CACHE_HOME: cache };
afterAll(() => stopBazelServers(join(cache, 'tfbuild', 'bazel')));

describe('tfbuild plan', () => {
  it('--host-facts plans a GPU build for a saved Ubuntu 16.04 + CUDA 8 + GTX 1080 host (bazel 0.5.4)', async () => {
    const facts = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/hosts/ubuntu1604-cuda8-gtx1080.json'), 'utf8'));
    // `doctor --json` nests the facts under `host`.
    const saved = join(root, 'doctor.json');
    writeFileSync(saved, JSON.stringify({ host: facts }));
    const r = await runCli(['plan', 'r1.4', '--gpu', '--host-facts', saved, '--workdir', join(root, 'w'), '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    const step = (k: string) => plan.steps.find((s: { kind: string }) => s.kind === k);
    expect(plan.steps.map((s: { kind: string }) => s.kind)).toEqual(['source', 'patch', 'configure', 'bazel-build', 'package', 'install', 'verify']);
    expect(step('configure').env).toMatchObject({
      TF_NEED_CUDA: '1', TF_CUDA_VERSION: '8.0', CUDA_TOOLKIT_PATH: '/usr/local/cuda-8.0', TF_CUDA_COMPUTE_CAPABILITIES: '6.1',
      PYTHON_BIN_PATH: '/usr/bin/python3', LC_ALL: 'C.UTF-8',
    });
    const b = step('bazel-build');
    expect(b.cmd).toBe('/usr/local/bin/bazel');
    expect(b.args).toEqual(expect.arrayContaining(['--config=opt', '--config=cuda', '--copt=-mavx2', '--copt=-mfma']));
    // The verdict picks r1.4's tested gcc 4.8, which has no -mavx512f (gcc 4.9 added it): left out, with a note.
    expect(step('configure').env.GCC_HOST_COMPILER_PATH).toBe('/usr/bin/gcc-4.8');
    expect(b.args).not.toContain('--copt=-mavx512f');
    expect(plan.warnings).toContain('avx512f left out: gcc 4.8.5 does not know -mavx512f (added in gcc 4.9.0).');
    // bazel 0.5.4: the old resource flag and no --disk_cache, with a warning saying so.
    expect(b.args.some((a: string) => a.startsWith('--local_resources='))).toBe(true);
    expect(b.args.some((a: string) => a.startsWith('--disk_cache'))).toBe(false);
    expect(plan.warnings.join('\n')).toMatch(/no --disk_cache/);
  });

  it('--json plan saved to a file runs with tfbuild build --plan FILE', async () => {
    const fx = makeFixtureRepo('r1.4', { tmp: root });
    const w = join(root, 'w-run');
    const out = join(root, 'out');
    const p = await runCli(['plan', 'r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', w, '--output', out, '--no-install', '--cpu-flags', 'avx2', '--json'], { env });
    expect(p.code, p.stderr).toBe(0);
    const file = join(root, 'plan.json');
    writeFileSync(file, p.stdout);
    const r = await runCli(['build', '--plan', file], { env });
    expect(r.code, r.stderr).toBe(0);
    const wheels = readdirSync(out).filter((f) => f.endsWith('.whl'));
    expect(wheels).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(out, `${wheels[0]}.tfbuild.json`), 'utf8')).cpuFlags).toEqual(['avx2']);
  });
});
