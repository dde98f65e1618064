/**
 * The guided build, driven like a person would: the real CLI in a pseudo-terminal (tmux), prompts answered with
 * keys, on the TF-shaped fixture with real git and bazel. Checks that the answers reached the plan and the build
 * (the wheel's build-info and configure's output), that Ctrl-C at a prompt exits 130 without a stack trace, that
 * "no" at the final screen builds nothing, and that CI mode fails fast naming the flag, or completes with flags.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { makeFakeGpuHost } from '../helpers/fake-gpu.js';
import { KEYS, startTmux, type TmuxSession } from '../helpers/tmux.js';
import { BIN, runCli, stopBazelServers } from './build-cli.js';
import { readConfigFile } from '../../src/config/index.js';
import { makeTempDir } from '../helpers/tmp.js';

const root = makeTempDir('tfb-e2e-guided-');
const cache = join(root, 'cache');
const env = { XDG_CACHE_HOME: cache, NO_COLOR: '1' };
let repo: FixtureRepo;
const sessions: TmuxSession[] = [];

function guided(args: string[]): TmuxSession {
  const t = startTmux({ argv: [process.execPath, BIN, 'build', 'r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', repo.bareRepo, ...args], cwd: root, env });
  sessions.push(t);
  return t;
}

function wheelsIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.whl')) : [];
}

beforeAll(() => {
  repo = makeFixtureRepo('r1.4', { tmp: root });
});
afterAll(() => {
  for (const s of sessions) s.kill();
  stopBazelServers(join(cache, 'tfbuild', 'bazel'));
});

describe('guided build in a terminal', () => {
  const workdir = join(root, 'w-guided');
  const output = join(root, 'out-guided');
  const saved = join(root, 'saved.yaml');

  it('asks each open question with the probed default, shows the plan, and builds with the answers', async () => {
    const t = guided(['--workdir', workdir, '--save-config', saved]);
    // python: the verdict's pyenv python is preselected; pick Debian's instead.
    let screen = await t.waitFor('Which python builds and receives TensorFlow?');
    expect(screen).toMatch(/❯ python 3\.11\.7/);
    t.send(KEYS.down, KEYS.enter);
    await t.waitFor('Which host compiler?');
    t.send(KEYS.down, KEYS.enter); // gcc 12 preselected → gcc-11
    screen = await t.waitFor('CPU instruction sets');
    expect(screen).toContain('Illegal instruction');
    t.send(KEYS.down, KEYS.down, KEYS.down, KEYS.space, KEYS.down, KEYS.space, KEYS.enter); // uncheck fma, avx512f
    await t.waitFor('TensorFlow sources');
    t.send(KEYS.enter); // clone
    await t.waitFor('Where should the wheel go?');
    t.type(output);
    t.send(KEYS.enter);
    await t.waitFor('Install the wheel where?');
    t.send(KEYS.down, KEYS.down, KEYS.enter); // nowhere
    screen = await t.waitFor('Start the build?');
    // The final screen: steps, the key choices with where they came from, estimates; nothing has run yet.
    expect(screen).toContain('4. bazel build //tensorflow/tools/pip_package:build_pip_package');
    expect(screen).toMatch(/python: +\/usr\/bin\/python3 \(prompt\)/);
    expect(screen).toMatch(/compiler: +\/usr\/bin\/gcc-11 \(prompt\)/);
    expect(screen).toMatch(/CPU flags: +sse4\.2,avx,avx2 → -msse4\.2 -mavx -mavx2 \(prompt\)/);
    expect(screen).toMatch(/estimated: \d+ GiB disk .*about .* on \d+ cores?/);
    expect(existsSync(workdir)).toBe(false);
    t.send(KEYS.enter);
    const code = await t.waitExit(300_000);
    screen = t.capture();
    expect(code, screen).toBe(0);

    // The answers reached the build: the wheel's build-info and what configure wrote.
    const wheels = wheelsIn(output);
    expect(wheels).toHaveLength(1);
    const meta = JSON.parse(readFileSync(join(output, `${wheels[0]!}.tfbuild.json`), 'utf8'));
    expect(typeof meta.compiler === 'string' ? meta.compiler : meta.compiler.path).toBe('/usr/bin/gcc-11');
    expect(meta.cpuFlags).toEqual(['sse4.2', 'avx', 'avx2']);
    expect(meta.copts).toEqual(['-msse4.2', '-mavx', '-mavx2']);
    const bazelrc = readFileSync(join(workdir, 'src', repo.tag, '.tf_configure.bazelrc'), 'utf8');
    expect(bazelrc).toContain('/usr/bin/python3');
    expect(existsSync(join(workdir, 'venv'))).toBe(false); // install: nowhere

    // --save-config wrote the decisions to repeat the build headless.
    expect(readConfigFile(saved).options).toMatchObject({
      python: '/usr/bin/python3',
      hostCompiler: '/usr/bin/gcc-11',
      cpuFlags: ['sse4.2', 'avx', 'avx2'],
      output,
      install: { mode: 'none' },
    });
  });

  it('CI mode repeats it headless from the saved config (flags still win) and completes', async () => {
    const out2 = join(root, 'out-ci');
    const r = await runCli(['build', 'r1.4', '--config', saved, '--workdir', join(root, 'w-ci'), '--output', out2], { env: { ...env, CI: 'true' }, cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('?'); // never prompted
    expect(r.stdout + r.stderr).not.toContain('\u001b['); // line-oriented: no colours, spinners or cursor movement
    expect(r.stdout).toMatch(/^\[bazel-build\] \d+\/\d+ \(\d+%/m);
    expect(r.stderr).toMatch(/compiler: +\/usr\/bin\/gcc-11 \(config\)/);
    const wheels = wheelsIn(out2);
    expect(wheels).toHaveLength(1);
    const meta = JSON.parse(readFileSync(join(out2, `${wheels[0]!}.tfbuild.json`), 'utf8'));
    expect(meta.cpuFlags).toEqual(['sse4.2', 'avx', 'avx2']);
    expect(wheelsIn(output)).toHaveLength(1); // the guided run's output untouched
  });
});

describe('guided GPU build (fake nvidia-smi with two GPUs and a fake cuDNN: this host has neither)', () => {
  it('preselects the detected GPUs\' compute capabilities, refuses bad input, and shows the answer on the final screen', async () => {
    const fake = makeFakeGpuHost({ cudnn: { header: 'cudnn/cudnn_version-v9.h', libMajor: 9 } });
    const workdir = join(root, 'w-gpu');
    const t = startTmux({
      argv: [process.execPath, BIN, 'build', 'r1.4', '--gpu', '--recipe', fixtureRecipe('r1.4'), '--repo', repo.bareRepo, '--workdir', workdir,
        '--python', '/usr/bin/python3', '--host-compiler', '/usr/bin/gcc', '--cpu-flags', 'auto', '--source', repo.dir,
        '--output', join(root, 'out-gpu'), '--no-install', '--cudnn-path', fake.cudnnPath!],
      cwd: root,
      env: { ...env, PATH: fake.env.PATH!, TFBUILD_PROC_DRIVER: fake.procDriverPath },
    });
    sessions.push(t);
    try {
      let screen = await t.waitFor('CUDA compute capabilities');
      expect(screen).toContain('detected 7.0, 8.9');
      t.type('2.0');
      t.send(KEYS.enter);
      await t.waitFor('2.0 is below 3.0, the lowest this release accepts');
      t.send('BSpace', 'BSpace', 'BSpace', KEYS.enter); // empty line → the detected default
      screen = await t.waitFor('Start the build?');
      expect(screen).toMatch(/compute caps: +7\.0,8\.9 \(prompt\)/);
      t.type('n');
      t.send(KEYS.enter);
      expect(await t.waitExit()).toBe(0);
      expect(existsSync(workdir)).toBe(false);
    } finally {
      fake.cleanup();
    }
  });
});

describe('leaving early', () => {
  it('Ctrl-C at a prompt exits 130 with one line and no stack trace; nothing is created', async () => {
    const workdir = join(root, 'w-ctrlc');
    const t = guided(['--workdir', workdir, '--output', join(root, 'out-ctrlc')]);
    await t.waitFor('Which python builds and receives TensorFlow?');
    t.send(KEYS.ctrlC);
    expect(await t.waitExit()).toBe(130);
    const screen = t.capture();
    expect(screen).toContain('Interrupted at a prompt');
    expect(screen).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(screen).not.toMatch(/ExitPromptError|Internal error/);
    expect(existsSync(workdir)).toBe(false);
  });

  it('SIGTERM while a prompt waits exits 143, also without a stack trace', async () => {
    const t = guided(['--workdir', join(root, 'w-term')]);
    await t.waitFor('Which python builds and receives TensorFlow?');
    const pid = t.pid();
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGTERM');
    expect(await t.waitExit()).toBe(143);
    expect(t.capture()).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });

  it('"no" at the final confirmation builds nothing and exits 0', async () => {
    const workdir = join(root, 'w-no');
    const out = join(root, 'out-no');
    const t = guided(['--workdir', workdir, '--output', out, '--python', '/usr/bin/python3', '--host-compiler', '/usr/bin/gcc', '--cpu-flags', 'auto', '--source', repo.dir, '--no-install']);
    const screen = await t.waitFor('Start the build?');
    expect(screen).not.toContain('Which'); // every decision came from a flag
    t.type('n');
    t.send(KEYS.enter);
    expect(await t.waitExit()).toBe(0);
    expect(t.capture()).toContain('Nothing was built');
    expect(existsSync(workdir)).toBe(false);
    expect(wheelsIn(out)).toEqual([]);
  });
});

describe('a host where native is not practical (the real r1.4 recipe on Debian 12)', () => {
  it('in a terminal: one paragraph says why, tfbuild docker is the preselected answer; "stop here" exits 0', async () => {
    const workdir = join(root, 'w-real');
    const t = startTmux({ argv: [process.execPath, BIN, 'build', 'r1.4', '--workdir', workdir], cwd: root, env });
    sessions.push(t);
    const screen = await t.waitFor('What now?');
    expect(screen).toMatch(/A native build of TensorFlow r1\.4 is not practical here: .*python 2\.7, 3\.3-3\.6 is needed/s);
    expect(screen).toMatch(/❯ build in a container: tfbuild docker r1\.4/);
    t.send(KEYS.down, KEYS.down, KEYS.enter); // past "build natively anyway" to "stop here"
    expect(await t.waitFor("Nothing was built")).toBeTruthy();
    expect(await t.waitExit()).toBe(0);
    expect(existsSync(workdir)).toBe(false);
  });

  it('in CI: exit 3 with the paragraph and the tfbuild docker command, never starting a container on its own', async () => {
    const r = await runCli(['build', 'r1.4', '--workdir', join(root, 'w-real-ci')], { env: { ...env, CI: 'true' }, cwd: root });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('A native build of TensorFlow r1.4 is not practical here');
    expect(r.stderr).toContain('Run tfbuild docker r1.4');
  });
});

describe('CI mode', () => {
  it('a decision with no default and no flag exits 2 naming the flag, before anything runs', async () => {
    const workdir = join(root, 'w-ci-missing');
    // A fake cuDNN and no GPU: the host has what the build needs (a missing cuDNN would be refused first, exit 3), and
    // no probed compute capability to default to.
    const fake = makeFakeGpuHost({ cudnn: { header: 'cudnn/cudnn_version-v9.h', libMajor: 9 } });
    const r = await runCli(['build', 'r1.4', '--gpu', '--recipe', fixtureRecipe('r1.4'), '--repo', repo.bareRepo, '--workdir', workdir, '--cudnn-path', fake.cudnnPath!], { env: { ...env, CI: 'true' }, cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--compute-capabilities');
    expect(r.stderr).toContain('CI is set');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(workdir)).toBe(false);
  });

  it('--non-interactive on a terminal also never prompts', async () => {
    const fake = makeFakeGpuHost({ cudnn: { header: 'cudnn/cudnn_version-v9.h', libMajor: 9 } });
    const t = guided(['--gpu', '--non-interactive', '--workdir', join(root, 'w-ni'), '--cudnn-path', fake.cudnnPath!]);
    expect(await t.waitExit()).toBe(2);
    const screen = t.capture();
    expect(screen).toContain('--non-interactive');
    expect(screen).not.toContain('Which python');
  });
});

