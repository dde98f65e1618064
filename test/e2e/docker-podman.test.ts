/**
 * `tfbuild docker` for real with podman: the newest generation's CPU image built on a debootstrap'd Debian base
 * (bazel from Debian's bazel-bootstrap, as the host has), and the TF-shaped fixture built by the container
 * executor: tfbuild on the host, each plan step run by `podman exec` in one build container, the state file, logs
 * and wheel on the host as for a native build, handed to the requested host user; Ctrl-C stops the container.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { BASE_IMAGE, canRunPodmanTests, ensureBaseImage, hasImage, PODMAN_HOST_FLAGS, podmanRun } from '../helpers/podman.js';
import { chooseEngine } from '../../src/docker/engine.js';
import { describeEngines, isRootlessEngine } from '../../src/tools/container.js';
import { REPO_ROOT, runCli, startCli } from './build-cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const enabled = canRunPodmanTests();
const root = makeTempDir('tfb-e2e-docker-');
const env = { XDG_CACHE_HOME: join(root, 'cache') };
// An unprivileged "host user": the test runs as root, so ownership must come from the mapping, not by accident.
const HOST_UID = 1000;
const HOST_GID = 1000;
// Offline: no LLVM apt repository here, and the fixture builds with Debian's gcc.
const imageFlags = ['--recipe', fixtureRecipe('2.17'), '--base-image', BASE_IMAGE, '--image-bazel', 'apt:bazel-bootstrap', '--image-build-arg', 'LLVM_CLANG=', ...PODMAN_HOST_FLAGS];
let image = '';
let repo: FixtureRepo;
const output = join(root, 'out');
const workdir = join(root, 'work');
// The bare repo is read through a read-only mount, as the host user.
const fixtureArgs = (...more: string[]) => ['docker', '2.17', ...imageFlags, '--repo', repo.bareRepo, '--output', output, '--workdir', workdir, '--user-ids', `${HOST_UID}:${HOST_GID}`, ...more, '--', '--cpu-flags', 'none'];

const stateFile = join(workdir, 'tfbuild-state.json');
interface StateLike { status: string; steps: Array<{ id: string; finishedAt: string }> }
let interruptedSteps: StateLike['steps'] = [];
function readState(): StateLike {
  return JSON.parse(readFileSync(stateFile, 'utf8')) as StateLike;
}
function finishedSteps(): StateLike['steps'] {
  try {
    return readState().steps;
  } catch {
    return [];
  }
}

/** The conmon processes (one per running container) of the container called `name`. */
function conmonsOf(name: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv[0]?.endsWith('conmon') === true && argv[argv.indexOf('-n') + 1] === name;
    } catch {
      return false;
    }
  });
}

function containersNamed(prefix: string): string[] {
  return execFileSync('podman', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n').filter((n) => n.startsWith(prefix));
}
// tfbuild runs from a runtime copied from the package at each run: use a frozen copy of the package so that edits to
// the working tree while this file runs cannot change what runs inside.
const pkg = join(root, 'pkg');

const bin = join(pkg, 'bin', 'tfbuild.js');

beforeAll(() => {
  if (!enabled) return;
  for (const f of ['package.json', 'bin', 'dist', 'recipes', 'patches', 'docker', 'schema']) {
    if (existsSync(join(REPO_ROOT, f))) cpSync(join(REPO_ROOT, f), join(pkg, f), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(pkg, 'node_modules'));
  ensureBaseImage();
  repo = makeFixtureRepo('2.17', { tmp: join(root, 'repo') });
}, 600_000);

afterAll(() => {
  // Keep this run's image (its layers make the next run's build take seconds); drop older fixture images.
  if (enabled && image) {
    const tags = execFileSync('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' }).split('\n');
    const stale = tags.filter((t) => t.startsWith('localhost/tfbuild:r2.17-cpu-cuda12-ubuntu22.04-') && t !== image);
    if (stale.length > 0) execFileSync('podman', ['rmi', '--force', ...stale], { stdio: 'ignore' });
  }
});

// Image builds on vfs storage take minutes, and CI's slow suites share one 2-core machine: a loaded run of the
// first image build took over 10 minutes, so these tests get 30.
describe.skipIf(!enabled)('tfbuild docker with podman on a local Debian base', { timeout: 1_800_000 }, () => {
  it('the adapter sees this host as it is: a docker client without daemon, a working rootful podman', async () => {
    const engines = await describeEngines();
    const docker = engines.find((e) => e.name === 'docker');
    if (docker) expect(docker).toMatchObject({ works: false, problem: expect.stringMatching(/Cannot connect to the Docker daemon|docker/i) });
    expect(engines.find((e) => e.name === 'podman')).toMatchObject({ works: true, version: expect.stringMatching(/^\d+\.\d+/), problem: null });
    expect(await isRootlessEngine('podman')).toBe(false);
    expect(chooseEngine(engines).name).toBe('podman');
  });

  it('builds the cpu-cuda12-ubuntu22.04 image from the project, tagged by recipe + content hash, then reuses it', async () => {
    const t0 = Date.now();
    // --rebuild: an image kept from an earlier run (for its layer cache) must not hide the build.
    const r = await runCli(['docker', '2.17', ...imageFlags, '--image-only', '--rebuild', '--json'], { env, bin });
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const j = JSON.parse(r.stdout) as { image: string; built: boolean; engine: string; generation: string };
    expect(j).toMatchObject({ engine: 'podman', generation: 'cpu-cuda12-ubuntu22.04', built: true });
    expect(j.image).toMatch(/^localhost\/tfbuild:r2\.17-cpu-cuda12-ubuntu22\.04-[0-9a-f]{12}$/);
    image = j.image;
    expect(hasImage(image)).toBe(true);
    const buildMs = Date.now() - t0;

    const again = await runCli(['docker', '2.17', ...imageFlags, '--image-only', '--json'], { env, bin });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ image, built: false });
    console.info(`image build ${Math.round(buildMs / 1000)} s, reuse check ${Math.round((Date.now() - t0 - buildMs) / 1000)} s`);
  });

  it('the image holds no node and no tfbuild; --dry-run prints the engine commands and the plan, and runs nothing', async () => {
    const none = podmanRun(image, ['-c', 'command -v node || echo no-node; ls /opt'], ['--entrypoint', '/bin/sh']);
    expect(none.stdout).toContain('no-node');
    expect(none.stdout.trim().split('\n').slice(1)).toEqual(['tfbuild-image']);
    const r = await runCli(fixtureArgs('--dry-run'), { env, bin });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`build --network host --tag ${image} `);
    expect(r.stdout).toMatch(new RegExp(`run --detach --entrypoint sleep --label tfbuild\\.workdir=${workdir} --rm --name tfbuild-r2\\.17-\\S+ .*--volume ${workdir}:${workdir}:rw,z --volume ${output}:${output}:rw,z --volume ${repo.bareRepo}:${repo.bareRepo}:ro,z .*${image} infinity`));
    expect(r.stdout).toContain(`Plan for TensorFlow v2.17.0 (r2.17, CPU) in ${workdir}`);
    expect(r.stdout).toMatch(/exec --workdir CWD --env K=V tfbuild-r2\.17-/);
    expect(existsSync(stateFile)).toBe(false);
    expect(containersNamed('tfbuild-r2.17-')).toEqual([]);
  });

  it('Ctrl-C stops the container and leaves the resumable state in the mounted work dir', async () => {
    const { child, done } = startCli(fixtureArgs(), { env, bin });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    // Interrupt while the bazel step runs in the container.
    const deadline = Date.now() + 240_000;
    const inBazel = () => {
      try {
        return (JSON.parse(readFileSync(stateFile, 'utf8')) as { current: { id: string } | null }).current?.id === 'bazel-build';
      } catch {
        return false;
      }
    };
    while (!inBazel() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(inBazel(), out.slice(-3000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(out).toMatch(/the plan runs in tfbuild-r2\.17-/);
    expect(finishedSteps().length, out.slice(-3000)).toBeGreaterThan(0);
    const running = containersNamed('tfbuild-r2.17-');
    expect(running.length).toBe(1);
    child.kill('SIGINT');
    const { code } = await done;
    expect(code, out.slice(-3000)).toBe(130);
    expect(out).toMatch(/Interrupted during bazel-build; progress saved in /);
    expect(out).toMatch(/Resume with: tfbuild docker 2\.17 /);
    expect(containersNamed('tfbuild-r2.17-')).toEqual([]);
    // Gone as processes too, not only from podman's list: no conmon of that container is left on this host.
    expect(conmonsOf(running[0]!)).toEqual([]);
    // tfbuild on the host saved the state (a killed build would still say "running") and handed it to the host user.
    const state = readState();
    expect(state.status).toBe('interrupted');
    interruptedSteps = state.steps;
    expect(statSync(stateFile).uid).toBe(HOST_UID);
  });

  it('builds the fixture in the container (resuming): wheel, build-info, state and logs on the host, owned by the host user', async () => {
    const record = join(root, 'exec.jsonl');
    const r = await runCli(fixtureArgs(), { env: { ...env, TFBUILD_EXEC_RECORD: record }, bin });
    expect(r.code, (r.stdout + r.stderr).slice(-4000)).toBe(0);
    const files = readdirSync(output).sort();
    const wheel = files.find((f) => f.endsWith('.whl'));
    expect(wheel, files.join(', ')).toMatch(/^tensorflow_cpu-2\.17\.0-cp3\d+-cp3\d+-linux_x86_64\.whl$/);
    expect(files).toContain(`${wheel}.tfbuild.json`);
    for (const f of [wheel!, `${wheel}.tfbuild.json`]) {
      const st = statSync(join(output, f));
      expect({ f, uid: st.uid, gid: st.gid }).toEqual({ f, uid: HOST_UID, gid: HOST_GID });
    }
    const meta = JSON.parse(readFileSync(join(output, `${wheel}.tfbuild.json`), 'utf8')) as { tag: string; commit: string; sha256: string };
    expect(meta).toMatchObject({ tag: 'v2.17.0', commit: repo.commit });
    expect(meta.sha256).toBe(execFileSync('sha256sum', [join(output, wheel!)], { encoding: 'utf8' }).split(' ')[0]);
    // The native runner's logs and state, in the mounted work dir, also owned by the host user.
    const logs = readdirSync(join(workdir, 'logs'));
    expect(logs.some((f) => f.endsWith('-bazel.log')), logs.join(', ')).toBe(true);
    expect(statSync(join(workdir, 'logs')).uid).toBe(HOST_UID);
    expect(statSync(join(workdir, 'src')).uid).toBe(HOST_UID);
    // Resumed from the state the interrupted run left in the work dir; the steps ran in the build container.
    expect(r.stdout + r.stderr).toMatch(new RegExp(`Resuming the interrupted build in ${workdir}`));
    expect(r.stderr).toMatch(/the plan runs in tfbuild-r2\.17-\S+ \(image localhost\/tfbuild:r2\.17-/);
    expect(r.stderr).toContain('The install and verify steps ran in the build container');
    // This host runs the wheel too (same python minor, no ISA extensions compiled in): installed and verified here.
    expect(r.stderr).toContain(`Installed and verified on this host as well: ${join(workdir, 'host-venv', 'bin', 'python')}`);
    expect(statSync(join(workdir, 'host-venv')).uid).toBe(HOST_UID);
    expect(execFileSync(join(workdir, 'host-venv', 'bin', 'python'), ['-c', 'import tensorflow, sys; print(tensorflow.__file__.startswith(sys.prefix))'], { encoding: 'utf8' }).trim()).toBe('True');
    expect(containersNamed('tfbuild-r2.17-')).toEqual([]);
    // What ran in the container is the saved plan: each resumed step's command, with its cwd and env, by podman exec.
    const plan = JSON.parse(readFileSync(join(workdir, 'container-plan.json'), 'utf8')) as { steps: Array<{ id: string; kind: string; cmd: string; args: string[]; cwd: string; env: Record<string, string> }> };
    const execs = readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; effect: string })
      .filter((s) => s.effect === 'write' && s.argv[1] === 'exec').map((s) => {
        const a = s.argv.slice(2);
        const out: { cwd: string | null; env: Record<string, string>; argv: string[] } = { cwd: null, env: {}, argv: [] };
        let i = 0;
        for (; a[i]?.startsWith('--'); i += 2) {
          if (a[i] === '--workdir') out.cwd = a[i + 1]!;
          else { const [k, ...v] = a[i + 1]!.split('='); out.env[k!] = v.join('='); }
        }
        out.argv = a.slice(i + 1);
        return out;
      });
    for (const kind of ['bazel-build', 'install']) {
      const step = plan.steps.find((s) => s.kind === kind)!;
      const ran = execs.find((e) => JSON.stringify(e.argv) === JSON.stringify([step.cmd, ...step.args]));
      expect(ran, `${kind}: ${[step.cmd, ...step.args].join(' ')} not among ${execs.map((e) => e.argv.join(' ')).join(' | ')}`).toBeDefined();
      // The venv is made without the step's cwd and env (as natively: test/e2e/plan-executed.test.ts).
      if (kind === 'bazel-build') {
        expect(ran!.cwd).toBe(step.cwd);
        expect(ran!.env).toMatchObject(step.env);
      }
    }
    const state = readState();
    expect(state.status).toBe('done');
    for (const step of interruptedSteps) expect(state.steps.map((s) => s.id)).toContain(step.id);
    chownSync(output, 0, 0);
  });
});
