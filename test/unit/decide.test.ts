import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DOWN, ENTER, SPACE, terminal } from '../helpers/terminal.js';
import { EnvironmentError, UsageError } from '../../src/errors.js';
import { RecipeSchema, type Recipe } from '../../src/recipes/schema.js';
import type { HostFacts } from '../../src/probe/types.js';
import { decide, formatContainerParagraph, type DecideInput, type VerdictLike } from '../../src/ui/decide.js';
import { makeTempDir } from '../helpers/tmp.js';

const recipe: Recipe = RecipeSchema.parse(parse(readFileSync(new URL('../../recipes/r1.4.yaml', import.meta.url), 'utf8')));

const py = (path: string, version: string) => ({
  path, realPath: path, version, numpy: null, pip: '9.0', wheel: true, venv: false, headers: true, sitePackages: null,
});
const gcc = (path: string, version: string) => ({ kind: 'gcc' as const, version, path, cxxPath: null });

function facts(over: Partial<HostFacts> = {}): HostFacts {
  return {
    schemaVersion: 1, probedAt: '2026-11-27T21:00:00Z', hostname: 'h',
    os: { platform: 'linux', arch: 'x64', kernel: '6.1', distro: null, packageManager: 'apt' },
    cpu: { model: 'x', cores: 2, flags: [], isa: ['sse4_2', 'avx', 'avx2', 'fma'], copts: [], source: '/proc/cpuinfo' },
    memory: { totalMiB: 8000, availableMiB: 6000 },
    disk: { path: '/w', measured: '/w', freeGiB: 12, fsType: 'ext4', risky: false },
    locale: { lang: 'C.UTF-8', lcAll: null, utf8: true },
    pythons: [py('/usr/bin/python3.11', '3.11.2'), py('/opt/py36/bin/python3', '3.6.15'), py('/opt/py35/bin/python3', '3.5.10')],
    compilers: [gcc('/usr/bin/gcc-12', '12.2.0'), gcc('/usr/bin/gcc-7', '7.5.0'), gcc('/usr/bin/gcc-5', '5.5.0')],
    bazel: null, bazelisk: null, java: null, git: null, containers: [],
    cuda: [{ version: '8.0', path: '/usr/local/cuda-8.0', source: 'version.txt', nvcc: null, cudart: true, cupti: true, cuptiPath: null }],
    cudnn: null, driver: null, gpus: [], problems: [],
    ...over,
  };
}

function base(over: Partial<DecideInput> = {}): DecideInput & { printed: string[] } {
  const printed: string[] = [];
  return { flags: {}, version: 'r1.4', tag: 'v1.4.1', facts: facts(), recipe, ctx: { interactive: false, reason: 'CI is set' }, print: (s) => printed.push(s), printed, ...over };
}

describe('decide: headless', () => {
  it('takes probed defaults: the preferred python, the compiler in range, auto CPU flags, venv', async () => {
    const i = base();
    const d = await decide(i);
    expect(d.action).toBe('build');
    expect(d.options).toMatchObject({ version: 'r1.4', python: '/opt/py36/bin/python3', cpuFlags: 'auto', output: './dist', install: { mode: 'venv' } });
    // gcc 7 and 5 are in range and there is no verdict choice: the newest in range is the default.
    expect(d.options.hostCompiler).toBe('/usr/bin/gcc-7');
    expect(d.origins.python).toBe('default');
    expect(i.printed.join('')).toContain('estimated: 20 GiB disk (12 GiB free at /w), about 3.0 h on 2 cores');
  });

  it('flags win over config, config over defaults; origins record which', async () => {
    const d = await decide(base({ config: { python: '/opt/py35/bin/python3', output: '/cfg/out' }, flags: { output: '/flag/out' } }));
    expect(d.options.python).toBe('/opt/py35/bin/python3');
    expect(d.options.output).toBe('/flag/out');
    expect(d.origins).toMatchObject({ python: 'config', output: 'flag', cpuFlags: 'default' });
  });

  it('a GPU build with no GPU detected and no --compute-capabilities exits 2 naming the flag', async () => {
    const e: unknown = await decide(base({ flags: { gpu: true }, facts: facts({ compilers: [gcc('/usr/bin/gcc-5', '5.5.0')] }) })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    expect((e as UsageError).hint).toContain('--compute-capabilities');
  });

  it('a GPU build takes the detected GPUs\' capabilities and the only gcc nvcc 8 accepts', async () => {
    const gpus = [{ index: 0, name: 'GeForce GTX 1080', computeCapability: '6.1', ccSource: 'nvidia-smi' as const, memoryMiB: 8192 }];
    const d = await decide(base({ flags: { gpu: true }, facts: facts({ gpus }) }));
    expect(d.options.computeCapabilities).toEqual(['6.1']);
    // gcc 7 is in the CPU range but outside gpuRange (<6): only gcc-5 qualifies, so nothing is asked.
    expect(d.options.hostCompiler).toBeUndefined();
  });

  it('several pythons qualify and none is preferred → exit 2 naming --python', async () => {
    const f = facts({ pythons: [py('/a/python3.5', '3.5.1'), py('/b/python3.4', '3.4.9')] });
    await expect(decide(base({ facts: f }))).rejects.toMatchObject({ exitCode: 2, hint: expect.stringContaining('--python') as string });
  });

  it('impossible verdict headless → EnvironmentError (exit 3) with the reasons', async () => {
    const verdict: VerdictLike = { kind: 'impossible', reasons: ['no x86-64'], fixes: [], choices: {} };
    const e: unknown = await decide(base({ verdict })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as EnvironmentError).details).toEqual(['no x86-64']);
  });

  it('container verdict headless → docker is the default answer, with the one-paragraph reason printed', async () => {
    const verdict: VerdictLike = { kind: 'container', reasons: [{ message: 'gcc 12 is too new for r1.4 (needs <8)' }], fixes: [], nextCommand: 'tfbuild docker r1.4' };
    const i = base({ verdict });
    const d = await decide(i);
    expect(d.action).toBe('docker');
    expect(d.dockerCommand).toBe('tfbuild docker r1.4');
    expect(i.printed.join('')).toContain('gcc 12 is too new for r1.4 (needs <8)');
    expect(formatContainerParagraph(verdict, recipe, 'tfbuild docker r1.4').split('\n')).toHaveLength(1);
  });
});

describe('decide: guided (real prompts on a fake terminal)', () => {
  it('asks only what is undecided, with probed defaults preselected, then confirms', async () => {
    const t = terminal();
    const gpus = [{ index: 0, name: 'GTX 1080', computeCapability: '6.1', ccSource: 'nvidia-smi' as const, memoryMiB: 8192 }];
    const i = base({ ctx: t.ctx, flags: { gpu: true, output: '/out' }, facts: facts({ gpus, compilers: [gcc('/usr/bin/gcc-5', '5.5.0'), gcc('/usr/bin/gcc-4.9', '4.9.4')] }) });
    const p = decide(i);
    await t.answer('Which python', DOWN, ENTER); // default 3.6 preselected; down → 3.5
    await t.answer('Which host compiler', ENTER);
    await t.answer('CPU instruction sets', DOWN, DOWN, DOWN, SPACE, ENTER); // uncheck fma
    await t.answer('compute capabilities', '\u0015', '6.1, 5.2', ENTER);
    await t.answer('TensorFlow sources', ENTER);
    await t.answer('Install the wheel where?', DOWN, DOWN, ENTER);
    await t.answer('Start the build?', ENTER);
    const d = await p;
    expect(d.action).toBe('build');
    expect(d.options).toMatchObject({
      gpu: true,
      python: '/opt/py35/bin/python3',
      hostCompiler: '/usr/bin/gcc-5',
      cpuFlags: ['sse4.2', 'avx', 'avx2'],
      computeCapabilities: ['6.1', '5.2'],
      output: '/out',
      install: { mode: 'none' },
    });
    expect(d.origins).toMatchObject({ python: 'prompt', output: 'flag', computeCapabilities: 'prompt' });
    expect(d.options.source).toBeUndefined();
    const summary = i.printed.join('');
    expect(summary).toContain('compute caps:  6.1,5.2 (prompt)');
    expect(summary).toContain('output:        /out (flag)');
  });

  it('"no" at the final confirmation aborts', async () => {
    const t = terminal();
    const p = decide(base({ ctx: t.ctx, flags: { python: '/opt/py36/bin/python3', hostCompiler: '/usr/bin/gcc-7', cpuFlags: 'auto', source: '/src', output: './dist', install: { mode: 'venv' } } }));
    await t.answer('Start the build?', 'n', ENTER);
    expect((await p).action).toBe('abort');
  });

  it('--yes on a terminal asks nothing', async () => {
    const t = terminal();
    const d = await decide(base({ ctx: t.ctx, yes: true }));
    expect(d.action).toBe('build');
    expect(t.screen()).toBe('');
  });

  it('container verdict: docker is preselected; choosing native continues to the questions', async () => {
    const t = terminal();
    const verdict: VerdictLike = { kind: 'container', reasons: ['gcc 12 is too new'], fixes: [], choices: { python: { path: '/opt/py35/bin/python3' } } };
    const i = base({ ctx: t.ctx, verdict, flags: { hostCompiler: '/usr/bin/gcc-7', cpuFlags: 'none', source: '/src', output: 'o', install: { mode: 'none' } } });
    const p = decide(i);
    await t.answer('What now?', DOWN, ENTER);
    await t.answer('Which python', ENTER); // the verdict's choice is preselected
    await t.answer('Start the build?', ENTER);
    const d = await p;
    expect(d.action).toBe('build');
    expect(d.options.python).toBe('/opt/py35/bin/python3');
    expect(i.printed[0]).toContain('tfbuild docker r1.4');
  });
});

describe('settleDecisions: config file, flags, --save-config', () => {
  it('reads tfbuild.config.yaml from the cwd, lets flags win, saves decisions that read back the same', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { settleDecisions } = await import('../../src/ui/decide.js');
    const { readConfigFile } = await import('../../src/config/index.js');
    const dir = makeTempDir('tfb-settle-');
    writeFileSync(join(dir, 'tfbuild.config.yaml'), 'python: /opt/py35/bin/python3\ncpuFlags: [avx]\noutput: cfg-out\n');
    const printed: string[] = [];
    const d = await settleDecisions({
      flags: { output: '/flag-out' }, version: 'r1.4', tag: 'v1.4.1', facts: facts(), recipe,
      decisionFlags: { nonInteractive: true, saveConfig: 'saved.json' }, cwd: dir, print: (s) => printed.push(s), env: {},
    });
    expect(d.configFile).toBe(join(dir, 'tfbuild.config.yaml'));
    expect(d.options).toMatchObject({ python: '/opt/py35/bin/python3', cpuFlags: ['avx'], output: '/flag-out' });
    expect(d.savedConfig).toBe(join(dir, 'saved.json'));
    expect(readConfigFile(join(dir, 'saved.json')).options).toMatchObject({
      version: 'r1.4', python: '/opt/py35/bin/python3', cpuFlags: ['avx'], output: '/flag-out', hostCompiler: '/usr/bin/gcc-7',
    });
    expect(printed.join('')).toContain('--config');
  });

  it('addDecisionOptions adds the five flags once and commander parses them', async () => {
    const { Command } = await import('commander');
    const { addDecisionOptions } = await import('../../src/ui/decide.js');
    const cmd = new Command('build').option('--json', 'theirs');
    addDecisionOptions(addDecisionOptions(cmd));
    expect(cmd.options.map((o) => o.long)).toEqual(['--json', '--yes', '--non-interactive', '--config', '--save-config']);
    cmd.parse(['-y', '--config', 'c.yaml', '--save-config', 's.json', '--non-interactive'], { from: 'user' });
    expect(cmd.opts()).toEqual({ yes: true, config: 'c.yaml', saveConfig: 's.json', nonInteractive: true });
  });
});

describe('decide with the real computeVerdict', () => {
  it('container verdict (no JDK 8 for bazel 0.5.4): docker is the headless answer, its command from the verdict', async () => {
    const { computeVerdict } = await import('../../src/plan/verdict.js');
    const v = computeVerdict(facts(), recipe, { gpu: false });
    const asLike: VerdictLike = v; // the real Verdict satisfies what decide reads
    expect(v.kind).toBe('container');
    const i = base({ verdict: asLike });
    const d = await decide(i);
    expect(d.action).toBe('docker');
    expect(d.dockerCommand).toMatch(/^tfbuild docker/);
    expect(i.printed.join('')).toContain('JDK 8');
  });

  it('native verdict: its python and compiler choices become the defaults', async () => {
    const { computeVerdict } = await import('../../src/plan/verdict.js');
    const f = facts({ java: { path: '/usr/bin/java', version: '1.8.0_392', major: 8 }, os: { platform: 'linux', arch: 'x64', kernel: '6.1', distro: { id: 'ubuntu', versionId: '16.04', name: 'Ubuntu', like: ['debian'] }, packageManager: 'apt' } });
    const v = computeVerdict(f, recipe, { gpu: false });
    expect(v.kind).toBe('native-after-fixes');
    const i = base({ facts: f, verdict: v });
    const d = await decide(i);
    // The verdict's fixes reach the screen as the plan's warnings (prepare adds them), not as a separate list.
    expect(i.printed.join('')).not.toContain('before it runs');
    expect(d.action).toBe('build');
    expect(d.options.python).toBe(v.choices.python?.path);
    expect(d.options.hostCompiler).toBe(v.choices.compiler?.path);
  });
});

describe('candidates agree with the verdict', () => {
  it('a GPU build offers only compilers both ranges accept (r2.9: gcc >=9.3 <13 and nvcc host >=5 <11), and toolkits with cudart', async () => {
    const { computeVerdict } = await import('../../src/plan/verdict.js');
    const { getCompilerCandidates, getCudaCandidates } = await import('../../src/ui/decide.js');
    const r29 = RecipeSchema.parse(parse(readFileSync(new URL('../../recipes/r2.9.yaml', import.meta.url), 'utf8')));
    const f = facts({
      compilers: [gcc('/usr/bin/gcc-12', '12.2.0'), gcc('/usr/bin/gcc-10', '10.3.0'), gcc('/usr/bin/gcc-7', '7.5.0')],
      cuda: [
        { version: '11.2', path: '/usr/local/cuda-11.2', source: 'version.json', nvcc: null, cudart: true, cupti: true, cuptiPath: null },
        { version: '11.2', path: '/opt/cuda-11.2-broken', source: 'version.json', nvcc: null, cudart: false, cupti: false, cuptiPath: null },
      ],
    });
    const usable = (cs: { value: string; unusable?: string }[]) => cs.filter((c) => c.unusable === undefined).map((c) => c.value);
    expect(usable(getCompilerCandidates(f, r29, true))).toEqual(['/usr/bin/gcc-10']);
    expect(computeVerdict(f, r29, { gpu: true }).choices.compiler?.path).toBe('/usr/bin/gcc-10');
    expect(usable(getCudaCandidates(f, r29))).toEqual(['/usr/local/cuda-11.2']);
  });
});

describe('python choices for a hermetic-python recipe (r2.17: bazel builds wheels for 3.9–3.12)', () => {
  const r217 = RecipeSchema.parse(parse(readFileSync(new URL('../../recipes/r2.17.yaml', import.meta.url), 'utf8')));
  const clang = { kind: 'clang' as const, version: '17.0.6', path: '/usr/bin/clang-17', cxxPath: null };
  const hermeticFacts = (pythons: ReturnType<typeof py>[]) => facts({ pythons: pythons.map((p) => ({ ...p, sitePackages: `${p.path}-site` })), compilers: [clang] });
  const input = (f: HostFacts, over: Partial<DecideInput> = {}) =>
    base({
      version: 'r2.17', tag: 'v2.17.1', recipe: r217, facts: f,
      makePlan: async (o) => {
        const { createPlan } = await import('../../src/plan/index.js');
        return createPlan({ facts: f, recipe: r217, recipeFile: null, tag: 'v2.17.1', options: o, pathEnv: { home: '/h', cwd: '/c' } });
      },
      ...over,
    });

  it('with the default venv, a host python 3.13 is not offered; the preferred 3.11 is taken and the summary names the wheel python', async () => {
    const i = input(hermeticFacts([py('/usr/bin/python3.13', '3.13.1'), py('/usr/bin/python3.11', '3.11.2'), py('/usr/bin/python3.10', '3.10.13')]));
    const d = await decide(i);
    expect(d.options.python).toBe('/usr/bin/python3.11');
    expect(i.printed.join('')).toContain("wheel python:  3.11 (bazel's hermetic python; cp311 wheel)");
    const { getPythonCandidates } = await import('../../src/ui/decide.js');
    expect(getPythonCandidates(i.facts, r217).find((c) => c.value === '/usr/bin/python3.13')?.unusable).toMatch(/bazel's own python \(3\.9, 3\.10, 3\.11, 3\.12\): a venv of python 3\.13 could not install one/);
  });

  it('only python 3.13 on the host: a venv build stops before anything runs, saying why', async () => {
    const e: unknown = await decide(input(hermeticFacts([py('/usr/bin/python3.13', '3.13.1')]))).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect((e as EnvironmentError).details?.join('\n')).toMatch(/python 3\.13\.1 \(\/usr\/bin\/python3\.13\): .*hermetic|bazel's own python/);
  });

  it('only python 3.13, --no-install: it runs configure, and the wheel is for the preferred 3.11, said in the summary', async () => {
    const i = input(hermeticFacts([py('/usr/bin/python3.13', '3.13.1')]), { flags: { install: { mode: 'none' } } });
    const d = await decide(i);
    expect(d.options.python).toBe('/usr/bin/python3.13');
    const out = i.printed.join('');
    expect(out).toContain('wheel python:  3.11');
    expect(out).toContain('warning: The wheel is built for python 3.11');
  });

  it('installing into an existing python: only those bazel can build a wheel for are offered', async () => {
    const { getInstallCandidates } = await import('../../src/ui/decide.js');
    const f = hermeticFacts([py('/usr/bin/python3.13', '3.13.1'), py('/usr/bin/python3.10', '3.10.13')]);
    const usable = (cs: { value: string; unusable?: string }[]) => cs.filter((c) => c.unusable === undefined).map((c) => c.value);
    expect(usable(getInstallCandidates(f, r217, '/usr/bin/python3.13'))).toEqual(['/usr/bin/python3.10']);
    // r1.4 builds for the configure python: only the same version can install it.
    expect(usable(getInstallCandidates(facts(), recipe, '/opt/py36/bin/python3'))).toEqual(['/opt/py36/bin/python3']);
  });
});
