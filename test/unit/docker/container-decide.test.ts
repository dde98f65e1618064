/**
 * The guided build on the container route asks the native questions against the image's facts (the host's CPU
 * with the image's declared toolchain): the image's python (when it has several), CPU flags with this host's ISA
 * preselected, compute capabilities with the recipe's default (no GPU in a build container), sources, and where on
 * THIS host the wheel goes; the plan it returns is the image's, and the host's install and verify are planned with it.
 */
import { describe, expect, it } from 'vitest';
import { DOWN, ENTER, terminal } from '../../helpers/terminal.js';
import { decideForContainer, type ContainerDecisionInput } from '../../../src/commands/prepare-container.js';
import { EnvironmentError } from '../../../src/errors.js';
import type { HostFacts, PythonFacts } from '../../../src/probe/types.js';
import { loadCatalog } from '../../../src/recipes/index.js';
import { sampleFacts } from '../plan/samples.js';

const recipe = loadCatalog().find((r) => r.line === 'r1.4')!;
const host = sampleFacts({});

describe('decideForContainer', () => {
  it('asks CPU flags (host ISA preselected), compute capabilities, sources and install; plans for the image', async () => {
    const t = terminal();
    const printed: string[] = [];
    const p = decideForContainer({
      version: 'r1.4', tag: 'v1.4.1', hostFacts: { ...host, cpu: { ...host.cpu, isa: ['sse4_2', 'avx', 'avx2', 'fma'] } }, recipe,
      given: { gpu: true, output: '/out', workdir: '/w' }, config: undefined, ctx: t.ctx, yes: false, print: (s) => printed.push(s), env: {}, cwd: '/',
    });
    await t.answer('CPU instruction sets', ENTER);
    expect(t.screen()).not.toContain('Which python');
    await t.answer('compute capabilities', '\u0015', '6.1', ENTER);
    await t.answer('TensorFlow sources', ENTER);
    await t.answer('Install the wheel on this host where?', ENTER);
    await t.answer('Start the build?', ENTER);
    const { decision, plan, side } = await p;
    expect(decision.action).toBe('build');
    expect(decision.options).toMatchObject({ gpu: true, python: '/usr/bin/python3', cpuFlags: 'auto', computeCapabilities: ['6.1'], cudaPath: '/usr/local/cuda-8.0' });
    expect(side.generation.name).toBe('cuda8-ubuntu16.04');
    const configure = plan!.steps.find((s) => s.kind === 'configure')!;
    expect(configure.env).toMatchObject({ PYTHON_BIN_PATH: '/usr/bin/python3', CUDA_TOOLKIT_PATH: '/usr/local/cuda-8.0', TF_CUDA_COMPUTE_CAPABILITIES: '6.1', CC_OPT_FLAGS: '-msse4.2 -mavx -mavx2 -mfma' });
    expect(plan!.workdir).toBe('/w');
  });

  it('headless: this host\'s GPUs\' compute capabilities; without a GPU the recipe\'s default, said in a note; neither is a flag', async () => {
    const run = async (hostFacts: HostFacts) => {
      const printed: string[] = [];
      const { decision } = await decideForContainer({
        version: 'r1.4', tag: 'v1.4.1', hostFacts, recipe, given: { gpu: true, output: '/out', workdir: '/w', cpuFlags: 'none' }, config: undefined,
        ctx: { interactive: false, reason: 'CI' }, yes: true, print: (s) => printed.push(s), env: {}, cwd: '/',
      });
      return { decision, printed: printed.join('') };
    };
    const gtx = await run(host);
    expect(gtx.decision.options.computeCapabilities).toEqual(['6.1']);
    expect(gtx.decision.origins.computeCapabilities).toBe('default');
    expect(gtx.printed).not.toMatch(/the recipe's default/);
    const none = await run({ ...host, gpus: [] });
    expect(none.decision.options.computeCapabilities).toEqual(['3.5', '5.2']);
    expect(none.decision.origins.computeCapabilities).toBe('default');
    expect(none.printed).toMatch(/compute capabilities 3\.5,5\.2: the recipe's default/);
  });

  const py = (path: string, version: string): PythonFacts => ({ path, realPath: path, version, numpy: null, pip: '23', wheel: true, venv: true, headers: true, sitePackages: '/x' });
  const r25 = loadCatalog().find((r) => r.line === 'r2.5')!;
  const headless = (over: Partial<ContainerDecisionInput> & { given?: ContainerDecisionInput['given'] }) => decideForContainer({
    version: 'r1.4', tag: 'v1.4.1', hostFacts: host, recipe, config: undefined, ctx: { interactive: false, reason: '--yes' }, yes: true,
    print: () => undefined, env: {}, cwd: '/', ...over, given: { gpu: true, output: '/out', workdir: '/w', cpuFlags: 'none', ...over.given },
  });

  it('asks the image\'s python (its pythons, default the one the image is set up for), then where on this host the wheel goes', async () => {
    const t = terminal();
    // The CUDA 11 runtime and cuDNN 8 the image's GPU wheel links against are on this host too: it can import it.
    const hostFacts = {
      ...host, pythons: [py('/usr/bin/python3', '3.11.2'), py('/opt/py39/bin/python3', '3.9.18')],
      cuda: [{ ...host.cuda[0]!, version: '11.2', path: '/usr/local/cuda-11.2' }], cudnn: { ...host.cudnn!, version: '8.1.1', major: 8 },
    };
    const p = decideForContainer({
      version: '2.5', tag: 'v2.5.0', hostFacts, recipe: r25, given: { gpu: true, output: '/out', workdir: '/w' }, config: undefined,
      ctx: t.ctx, yes: false, print: () => undefined, env: {}, cwd: '/',
    });
    const question = 'Which python of the build image builds TensorFlow?';
    for (let n = 0; n < 200 && !t.screen().includes(question); n++) await new Promise((r) => setTimeout(r, 10));
    // The cuda11 image's two pythons; the one with numpy (the image's python3) is the default.
    expect(t.screen()).toMatch(/❯ python 3\.8\.10 \(\/usr\/bin\/python3\)/);
    expect(t.screen()).toContain('python 3.9.5 (/usr/bin/python3.9)');
    await t.answer(question, DOWN, ENTER);
    await t.answer('CPU instruction sets', ENTER);
    await t.answer('compute capabilities', ENTER);
    await t.answer('TensorFlow sources', ENTER);
    await t.answer('Install the wheel on this host where?', DOWN, ENTER);
    // One python of this host can take a cp39 wheel: it is the answer (python 3.11 is offered as unusable).
    await t.answer('Start the build?', ENTER);
    const { decision, plan, side } = await p;
    expect(decision.origins).toMatchObject({ python: 'prompt', install: 'prompt' });
    expect(decision.options).toMatchObject({ python: '/usr/bin/python3.9', install: { mode: 'into', python: '/opt/py39/bin/python3' } });
    // The build container builds with the chosen image python and installs into its own venv in the work dir.
    // The image's python 3.9 has no numpy (only its python3 has): the plan first makes its build venv in the work
    // dir, from that python, and configure builds with the venv's python (the wheel stays cp39).
    expect(plan!.steps[0]).toMatchObject({ kind: 'build-python', basePython: '/usr/bin/python3.9', python: '/w/build-python/bin/python' });
    expect(plan!.steps.find((s) => s.kind === 'configure')!.env).toMatchObject({ PYTHON_BIN_PATH: '/w/build-python/bin/python' });
    expect(plan!.steps.find((s) => s.kind === 'install')).toMatchObject({ mode: 'venv', cmd: '/usr/bin/python3.9', args: ['-m', 'venv', '/w/venv'] });
    // Then on this host: pip install into the chosen python, and verify there, with the plan's expectations.
    expect(side.host).toMatchObject({ strict: true, wheelPython: '3.9', target: { mode: 'into', python: '/opt/py39/bin/python3' } });
    const [install, verify] = side.host!.steps!;
    expect(install).toMatchObject({ id: 'host-install', kind: 'install', mode: 'into', cmd: '/opt/py39/bin/python3', args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '{wheel}'] });
    expect(verify).toMatchObject({ id: 'host-verify', kind: 'verify', python: '/opt/py39/bin/python3', expectVersion: '2.5.0', gpu: true, era: 'eager' });
  });

  it('--python answers the image\'s python; --yes takes the image\'s default', async () => {
    const given = await headless({ version: '2.5', tag: 'v2.5.0', recipe: r25, given: { python: '/usr/bin/python3.9', install: { mode: 'none' } } });
    expect(given.decision.options.python).toBe('/usr/bin/python3.9');
    expect(given.decision.origins.python).toBe('flag');
    const dflt = await headless({ version: '2.5', tag: 'v2.5.0', recipe: r25, given: { install: { mode: 'none' } } });
    expect(dflt.decision.options.python).toBe('/usr/bin/python3');
    expect(dflt.decision.origins.python).toBe('default');
  });

  it('--install-into a host python of another version than the wheel\'s is refused (exit 3) before anything runs', async () => {
    const e = await headless({ given: { install: { mode: 'into', python: '/usr/bin/python3' } } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e).toMatchObject({
      exitCode: 3,
      message: '--install-into /usr/bin/python3 is python 3.11, but the wheel the image builds is for python 3.5 (cp35): pip would refuse it.',
      hint: expect.stringMatching(/Pick a python 3\.5 of this host .*this host has 3\.11.*--no-install/) as string,
    });
  });

  it('--venv DIR needs a host python of the wheel\'s version; the default venv without one installs nowhere on the host, and says so', async () => {
    await expect(headless({ given: { install: { mode: 'venv', venvDir: '/mine' } } })).rejects.toMatchObject({ exitCode: 3, message: expect.stringContaining('this host has no python 3.5') as string });
    const lenient = await headless({});
    expect(lenient.side.host).toMatchObject({ strict: false, steps: null });
    expect(lenient.plan!.warnings).toContain('the wheel will not be installed on this host: this host has no python 3.5 (the wheel\'s cp35) to make the venv with');
    // With one, --venv DIR is made from it, and the default venv is <workdir>/host-venv.
    const hostFacts = { ...host, pythons: [...host.pythons, py('/opt/py35/bin/python3.5', '3.5.10')] };
    const chosen = await headless({ hostFacts, given: { install: { mode: 'venv', venvDir: '/mine' } } });
    expect(chosen.side.host!.steps![0]).toMatchObject({ id: 'host-install', cmd: '/opt/py35/bin/python3.5', args: ['-m', 'venv', '/mine'], targetPython: '/mine/bin/python' });
    const dflt = await headless({ hostFacts });
    expect(dflt.side.host!.steps![0]).toMatchObject({ cmd: '/opt/py35/bin/python3.5', args: ['-m', 'venv', '/w/host-venv'] });
    expect(dflt.side.host!.steps![1]).toMatchObject({ id: 'host-verify', python: '/w/host-venv/bin/python', hostIsa: host.cpu.isa });
  });

  it('--base-image: the check waits for the image\'s probe; --no-install installs neither in the container nor here', async () => {
    const deferred = await headless({ imageOverrides: true, given: { install: { mode: 'venv', venvDir: '/mine' } } });
    expect(deferred.side.host).toMatchObject({ strict: true, steps: null, deferred: true });
    const none = await headless({ given: { install: { mode: 'none' } } });
    expect(none.plan!.steps.find((s) => s.kind === 'install')).toMatchObject({ mode: 'none' });
    expect(none.side.host).toMatchObject({ steps: null, reason: '--no-install' });
  });

  it('a chosen target is refused before anything runs when this CPU lacks the ISA compiled in, or its python has no venv module', async () => {
    const py35 = py('/opt/py35/bin/python3.5', '3.5.10');
    const hostFacts = { ...host, cpu: { ...host.cpu, isa: ['sse4_2', 'avx'] as HostFacts['cpu']['isa'] }, pythons: [py35] };
    await expect(headless({ hostFacts, given: { cpuFlags: ['avx512f'], install: { mode: 'into', python: py35.path } } })).rejects.toMatchObject({
      exitCode: 3, message: 'Cannot install the wheel on this host: the wheel is built with avx512f, which this CPU lacks (it would die with "Illegal instruction" here).',
    });
    // The default target: nothing installed here, said in the plan.
    const lenient = await headless({ hostFacts, given: { cpuFlags: ['avx512f'] } });
    expect(lenient.side.host).toMatchObject({ steps: null, reason: expect.stringContaining('which this CPU lacks') as string });
    const noVenv = { ...hostFacts, pythons: [{ ...py35, venv: false }] };
    await expect(headless({ hostFacts: noVenv, given: { install: { mode: 'venv', venvDir: '/mine' } } })).rejects.toMatchObject({
      exitCode: 3, message: expect.stringContaining('(/opt/py35/bin/python3.5) has no venv module') as string,
    });
  });
});
