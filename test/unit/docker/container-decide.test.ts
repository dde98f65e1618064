/**
 * The guided build on the container route asks the native questions against the image's facts (the host's CPU
 * with the image's declared toolchain): CPU flags with this host's ISA preselected, compute capabilities with the
 * recipe's default (no GPU in a build container), sources, where to install; the plan it returns is the image's.
 */
import { describe, expect, it } from 'vitest';
import { ENTER, terminal } from '../../helpers/terminal.js';
import { decideForContainer } from '../../../src/commands/prepare-container.js';
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
    await t.answer('Install the wheel where?', ENTER);
    await t.answer('Start the build?', ENTER);
    const { decision, plan, side } = await p;
    expect(decision.action).toBe('build');
    expect(decision.options).toMatchObject({ gpu: true, python: '/usr/bin/python3', cpuFlags: 'auto', computeCapabilities: ['6.1'], cudaPath: '/usr/local/cuda-8.0' });
    expect(side.generation.name).toBe('cuda8-ubuntu16.04');
    const configure = plan!.steps.find((s) => s.kind === 'configure')!;
    expect(configure.env).toMatchObject({ PYTHON_BIN_PATH: '/usr/bin/python3', CUDA_TOOLKIT_PATH: '/usr/local/cuda-8.0', TF_CUDA_COMPUTE_CAPABILITIES: '6.1', CC_OPT_FLAGS: '-msse4.2 -mavx -mavx2 -mfma' });
    expect(plan!.workdir).toBe('/w');
  });

  it('headless: the recipe\'s default compute capabilities, said in a note', async () => {
    const printed: string[] = [];
    const { decision } = await decideForContainer({
      version: 'r1.4', tag: 'v1.4.1', hostFacts: host, recipe, given: { gpu: true, output: '/out', workdir: '/w', cpuFlags: 'none' }, config: undefined,
      ctx: { interactive: false, reason: 'CI' }, yes: true, print: (s) => printed.push(s), env: {}, cwd: '/',
    });
    expect(decision.options.computeCapabilities).toEqual(['3.5', '5.2']);
    expect(printed.join('')).toMatch(/compute capabilities 3\.5,5\.2: the recipe's default/);
  });
});
