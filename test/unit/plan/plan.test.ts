import { describe, expect, it } from 'vitest';
import { createPlan, formatPlan, getTagVersion, PlanSchema, type BazelStep, type ConfigureStep, type Plan } from '../../../src/plan/index.js';
import { resolveCpuFlags } from '../../../src/plan/cpu-flags.js';
import { computeResources, reduceResources } from '../../../src/plan/resources.js';
import { PATH_ENV, sampleFacts, sampleOptions, sampleRecipe } from './samples.js';

function plan(opts: Parameters<typeof sampleOptions>[0] = {}, facts = sampleFacts(), env = PATH_ENV): Plan {
  return createPlan({ facts, recipe: sampleRecipe(), recipeFile: null, tag: 'v1.4.1', options: sampleOptions(opts), pathEnv: env });
}
const step = <K extends Plan['steps'][number]['kind']>(p: Plan, kind: K) => p.steps.find((s) => s.kind === kind) as Extract<Plan['steps'][number], { kind: K }>;

describe('createPlan', () => {
  it('orders the steps source → patch → configure → bazel-build → package → install → verify and validates', () => {
    const p = plan();
    expect(p.steps.map((s) => s.kind)).toEqual(['source', 'patch', 'configure', 'bazel-build', 'package', 'install', 'verify']);
    expect(PlanSchema.parse(JSON.parse(JSON.stringify(p)))).toEqual(p);
  });

  it('gives r1.4 configure its complete env with 0/1 booleans, a UTF-8 locale and no GPU variables for a CPU build', () => {
    const env = (step(plan(), 'configure') as ConfigureStep).env;
    expect(env).toEqual({
      CC_OPT_FLAGS: '-msse4.2 -mavx -mavx2 -mfma',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      PYTHON_BIN_PATH: '/usr/bin/python3',
      TF_NEED_CUDA: '0',
      TF_NEED_GCP: '0',
      TF_NEED_JEMALLOC: '1',
      USE_DEFAULT_PYTHON_LIB_PATH: '1',
    });
    expect(Object.keys(env)).toEqual([...Object.keys(env)].sort());
  });

  it('adds the CUDA answers and --config=cuda for --gpu, with probed compute capabilities', () => {
    const p = plan({ gpu: true });
    const env = step(p, 'configure').env;
    expect(env).toMatchObject({ TF_NEED_CUDA: '1', TF_CUDA_VERSION: '8.0', CUDA_TOOLKIT_PATH: '/usr/local/cuda-8.0', TF_CUDA_COMPUTE_CAPABILITIES: '6.1', GCC_HOST_COMPILER_PATH: '/usr/bin/gcc' });
    // r1.4's configure.py requires libcudnn.so.$TF_CUDNN_VERSION: the major only.
    expect(env.TF_CUDNN_VERSION).toBe('6');
    expect(step(p, 'bazel-build').args).toContain('--config=cuda');
    expect(step(p, 'package').metadata).toMatchObject({ cuda: '8.0', cudnn: '6.0.21', computeCapabilities: ['6.1'] });
  });

  it('builds the bazel args: opt, copts, jobs/RAM from the host, output root and disk cache under XDG_CACHE_HOME', () => {
    // Debian's bazel-bootstrap says `no_version`; its package database says 4.2.3: flags follow that release.
    const debian = sampleFacts({ bazel: { path: '/usr/bin/bazel', version: null, kind: 'bazel', unknownRelease: true, packageRelease: '4.2.3' } });
    const p = plan({}, debian, { ...PATH_ENV, xdgCacheHome: '/xdg' });
    const b = step(p, 'bazel-build') as BazelStep;
    expect(b.args).toEqual([
      '--output_user_root=/xdg/tfbuild/bazel', '--max_idle_secs=900', 'build', '--color=no', '--curses=no', '--config=opt', '--incompatible_x=false',
      '--copt=-msse4.2', '--copt=-mavx', '--copt=-mavx2', '--copt=-mfma',
      '--jobs=4', '--local_ram_resources=6553', '--disk_cache=/xdg/tfbuild/disk-cache',
      '//tensorflow/tools/pip_package:build_pip_package',
    ]);
    expect(b.env).toEqual({ LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' });
    expect(b.cwd).toBe('/w/src/v1.4.1');
  });

  it('an unknown bazel release is never assumed modern: r1.4 gets --local_resources and no --disk_cache, with a note', () => {
    const p = plan();
    const b = step(p, 'bazel-build') as BazelStep;
    expect(b.args).toContain('--local_resources=6553,4,1.0');
    expect(b.args.some((a) => a.startsWith('--local_ram_resources') || a.startsWith('--disk_cache'))).toBe(false);
    expect(p.warnings.join('\n')).toMatch(/does not report its release: flags are spelled for the oldest release r1\.4 admits \(0\.5\.4\): no --local_ram_resources \(--local_resources instead\), no --disk_cache/);
  });

  it('is deterministic: the same inputs give byte-identical plans (an unchanged rebuild re-executes nothing)', () => {
    expect(JSON.stringify(plan())).toBe(JSON.stringify(plan()));
  });

  it('uses bazelisk with USE_BAZEL_VERSION and the flag rules of the tested bazel', () => {
    const p = plan({}, sampleFacts({ bazelisk: { path: '/opt/bazelisk', version: '1.19' } }));
    const b = step(p, 'bazel-build');
    expect(b.cmd).toBe('/opt/bazelisk');
    expect(b.env.USE_BAZEL_VERSION).toBe('0.5.4');
    // bazel 0.5.4 has neither --local_ram_resources nor --disk_cache.
    expect(b.args).toContain('--local_resources=6553,4,1.0');
    expect(b.args.some((a) => a.startsWith('--disk_cache'))).toBe(false);
    expect(b.args).not.toContain('--incompatible_x=false');
    const newer = createPlan({ facts: sampleFacts({ bazel: { path: '/b/bazel', version: '0.9.0', kind: 'bazel', unknownRelease: false } }), recipe: sampleRecipe(), recipeFile: null, tag: 'v1.4.1', options: sampleOptions(), pathEnv: PATH_ENV });
    expect(step(newer, 'bazel-build').args).toContain('--incompatible_x=false');
  });

  it('honours overrides: --jobs, --local-ram, --no disk cache, --source, --install-into, extra flags', () => {
    const p = plan({ jobs: 1, localRamMiB: 3000, diskCache: false, source: 'tf', install: { mode: 'into', python: '/py' }, extraBazelFlags: ['--verbose_failures'] });
    const b = step(p, 'bazel-build');
    // bazel reports no release here: r1.4's flags are spelled for its oldest bazel (0.5.4).
    expect(b.args).toEqual(expect.arrayContaining(['--jobs=1', '--local_resources=3000,1,1.0', '--verbose_failures']));
    expect(b.args.some((a) => a.startsWith('--disk_cache'))).toBe(false);
    expect(step(p, 'source')).toMatchObject({ mode: 'existing', dir: '/cwd/tf' });
    expect(step(p, 'install')).toMatchObject({ mode: 'into', targetPython: '/py' });
    expect(step(p, 'verify').python).toBe('/py');
  });

  it('warns when building flags the host lacks, and expects exactly the chosen flags at verify', () => {
    const p = plan({ cpuFlags: ['avx512f'] });
    expect(p.warnings.join('\n')).toMatch(/avx512f.*lacks/);
    expect(step(p, 'verify').expectFlags).toEqual(['avx512f']);
    expect(plan({ cpuFlags: 'none' }).steps.find((s) => s.kind === 'configure')?.env.CC_OPT_FLAGS).toBe('-O2');
  });

  it('formatPlan shows each step, its cwd, env and a copy-pasteable command', () => {
    const text = formatPlan(plan());
    expect(text).toContain('3. [configure]');
    expect(text).toContain('TF_NEED_CUDA=0');
    expect(text).toContain('$ bazel'.replace('bazel', '/usr/bin/bazel --output_user_root=/home/u/.cache/tfbuild/bazel --max_idle_secs=900 build --color=no --curses=no --config=opt'));
  });

  it('wheel-rule era: the package step runs no command; the plan says tfbuild copies the wheel', () => {
    const r = sampleRecipe();
    const recipe = { ...r, build: { ...r.build, packaging: { kind: 'wheel-rule' as const, dir: 'bazel-bin/tensorflow/tools/pip_package/wheel_house' } } };
    const p = createPlan({ facts: sampleFacts(), recipe, recipeFile: null, tag: 'v1.4.1', options: sampleOptions(), pathEnv: PATH_ENV });
    expect(step(p, 'package')).toMatchObject({ packaging: 'wheel-rule', cmd: '', args: [] });
    const text = formatPlan(p);
    expect(text).not.toContain('cp -n');
    expect(text).toMatch(/newest \S+\/wheel_house\/\*\.whl \(from the :wheel rule\), copied by tfbuild → \S+ \(never overwritten\)/);
  });
});

describe('cpu flags, resources, tag version', () => {
  it.each([
    ['auto', ['sse4_2', 'avx2'], ['-msse4.2', '-mavx2'], []],
    ['none', ['avx2'], [], []],
    ['native', [], ['-march=native'], []],
    [['avx2', 'FMA'], ['avx2', 'fma'], ['-mavx2', '-mfma'], []],
    [['avx512_vnni'], ['avx512_vnni'], ['-mavx512vnni'], []],
    [['sse4_2'], [], ['-msse4.2'], ['sse4.2']],
  ] as const)('%j on %j → %j (foreign %j)', (spec, isa, copts, foreign) => {
    const r = resolveCpuFlags(spec as never, isa);
    expect(r.copts).toEqual(copts);
    expect(r.foreign).toEqual(foreign);
  });

  it('sizes jobs by ~2 GB each and halves them after an OOM', () => {
    expect(computeResources({ cores: 16, availableMiB: 8192 }, 2048, {})).toEqual({ jobs: 4, localRamMiB: 6553 });
    expect(computeResources({ cores: 2, availableMiB: 64000 }, 2048, {}).jobs).toBe(2);
    expect(computeResources({ cores: 8, availableMiB: 1000 }, 2048, {}).jobs).toBe(1);
    expect(reduceResources({ jobs: 4, localRamMiB: 8000 })).toEqual({ jobs: 2, localRamMiB: 6000 });
    expect(reduceResources({ jobs: 1, localRamMiB: 600 })).toEqual({ jobs: 1, localRamMiB: 512 });
  });

  it.each([['v1.4.1', '1.4.1'], ['v2.17.0-rc1', '2.17.0rc1'], ['2.17.0', '2.17.0']])('%s → %s', (t, v) => expect(getTagVersion(t)).toBe(v));
});
