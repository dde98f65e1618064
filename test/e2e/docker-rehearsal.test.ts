/**
 * Offline rehearsal of the GPU image build a connected machine does, with podman on the debootstrapped Debian base:
 * nginx on loopback serves an imitation of NVIDIA's CUDA and machine-learning apt repositories (real apt metadata
 * signed by a test key, small dpkg-deb packages named and versioned as the real ones) and Bazel's release layout
 * (test/helpers/apt-mirror.ts). `tfbuild docker r1.4 --gpu --mirror URL` on this GPU-less host checks the keys,
 * installs the pinned packages from both repositories and bazel 0.5.4's (stand-in) installer after checking its
 * signature, then runs the TF-shaped fixture's plan in a container of the image (steps through `podman exec`), and
 * the wheel and its build info land in --output on the host.
 * The test key is pinned in place of NVIDIA's and Bazel's through the test-only build-args (docker/README.md).
 * A wrong key fingerprint, a bad .sig and a bad .sha256 each stop the image build saying which.
 * The guided command, `tfbuild r1.4 --gpu --yes` with the same image flags, takes the container route on its own
 * (this GPU-less host's verdict for r1.4 is `container`), reuses that image and builds the fixture in it; the GPU wheel
 * is not installed here (no CUDA 8 runtime), and a --venv chosen for it is refused before anything runs.
 *
 * The recipe is the fixture's with the real r1.4's CUDA 8 and cuDNN 6 ranges: this host (CUDA 13, no cuDNN) then
 * gets the `container` verdict, and the image (CUDA 8.0 and cuDNN 6 from the mirror) satisfies it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { BASE_IMAGE, canRunPodmanTests, ensureBaseImage, PODMAN_HOST_FLAGS } from '../helpers/podman.js';
import { startNginxCache, type NginxCache } from '../helpers/nginx.js';
import { makeTestKey, stopAgent, type TestKey } from '../helpers/gpg.js';
import { BAZEL_INSTALLER, CUDA_REPO, ML_REPO, testKeyBuildArgs, writeMirror, type Mirror } from '../helpers/apt-mirror.js';
import { makeTempDir } from '../helpers/tmp.js';
import { runCli } from './build-cli.js';

const enabled = canRunPodmanTests();
const root = makeTempDir('tfb-e2e-rehearsal-');
const env = { XDG_CACHE_HOME: join(root, 'cache') };
let key: TestKey;
let other: TestKey;
let nginx: NginxCache;
let good: Mirror;
let repo: FixtureRepo;
const images: string[] = [];
const output = join(root, 'out');
const workdir = join(root, 'work');
const recipe = join(root, 'r1.4-cuda8.yaml');

const imageFlags = (mirror: string, pins: string[]) => ['--recipe', recipe, '--base-image', BASE_IMAGE, '--mirror', mirror, ...pins, ...PODMAN_HOST_FLAGS];

beforeAll(async () => {
  if (!enabled) return;
  ensureBaseImage();
  key = makeTestKey(join(root, 'key'));
  other = makeTestKey(join(root, 'other'), 'not the publisher <other@example.invalid>');
  nginx = await startNginxCache();
  good = writeMirror(join(nginx.root, 'good'), join(root, 'm-good'), key);
  writeMirror(join(nginx.root, 'bad-sig'), join(root, 'm-bad-sig'), key, { badSignature: true });
  writeMirror(join(nginx.root, 'bad-sha'), join(root, 'm-bad-sha'), key, { sha256Only: { value: 'f'.repeat(64) } });
  repo = makeFixtureRepo('r1.4', { tmp: join(root, 'repo') });
  const cuda8 = readFileSync(fixtureRecipe('r1.4'), 'utf8').replace('range: ">=8.0.0"', 'range: ">=8.0.0 <9.0.0"').replace('range: ">=6.0.0"', 'range: ">=6.0.0 <7.0.0"');
  expect(cuda8).toContain('range: ">=6.0.0 <7.0.0"');
  writeFileSync(recipe, cuda8);
}, 600_000);

afterAll(async () => {
  if (key) stopAgent(key);
  if (other) stopAgent(other);
  await nginx?.stop();
  // Keep this run's image (its layers make the next run's build quick); drop the older ones (each run pins a new
  // test key, so each run's image has its own tag).
  if (!enabled || images.length === 0) return;
  const keep = images[images.length - 1];
  const tags = execFileSync('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' }).split('\n');
  const stale = tags.filter((t) => t.startsWith('localhost/tfbuild:r1.4-cuda8-ubuntu16.04-') && t !== keep);
  if (stale.length > 0) execFileSync('podman', ['rmi', '--force', ...stale], { stdio: 'ignore' });
});

// Image builds on vfs storage take minutes, and CI's slow suites share one 2-core machine: a loaded run of the
// first image build took over 10 minutes, so these tests get 30.
describe.skipIf(!enabled)('offline rehearsal: tfbuild docker r1.4 --gpu against a mirror of NVIDIA\'s and Bazel\'s sites', { timeout: 1_800_000 }, () => {
  it('builds the image (keys checked, cuDNN 6 from the machine-learning repository) and the GPU fixture inside; wheel and build info land on the host', async () => {
    const r = await runCli(['docker', 'r1.4', '--gpu', ...imageFlags(`${nginx.url}/good`, testKeyBuildArgs(key, good)), '--rebuild',
      '--repo', repo.bareRepo, '--output', output, '--workdir', workdir, '--json'], { env });
    const log = readFileSync(join(env.XDG_CACHE_HOME, 'tfbuild', 'docker-context', 'cuda8-ubuntu16.04.build.log'), 'utf8');
    expect(r.code, `${log.slice(-3000)}\n${r.stdout}${r.stderr}`).toBe(0);
    // The native runner's NDJSON events: the plan's steps ran (in the build container), ending in one result.
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; step?: { id: string }; ok?: boolean });
    expect(events.filter((e) => e.type === 'step-finished').map((e) => e.step!.id)).toEqual(expect.arrayContaining(['source', 'configure', 'bazel-build', 'package']));
    expect(events.at(-1)).toMatchObject({ type: 'result', ok: true });
    expect(r.stderr).toMatch(/the plan runs in tfbuild-r1\.4-\S+ \(image localhost\/tfbuild:r1\.4-cuda8-ubuntu16\.04-/);
    // No GPU here: the build took the recipe's default compute capabilities and said so.
    expect(r.stderr).toMatch(/compute capabilities 3\.5,5\.2: the recipe's default/);

    // The image build checked each key against its pin and read both repositories from the mirror.
    expect(log).toMatch(new RegExp(`key ${key.fingerprint} from ${nginx.url}/good/${CUDA_REPO}/3bf863cc\\.pub matches the pinned fingerprint`));
    expect(log).toMatch(new RegExp(`key ${key.fingerprint} from ${nginx.url}/good/${ML_REPO}/7fa2af80\\.pub matches the pinned fingerprint`));
    const access = readFileSync(nginx.accessLog, 'utf8');
    for (const path of [`${CUDA_REPO}/InRelease`, `${ML_REPO}/InRelease`, `${CUDA_REPO}/./cuda-command-line-tools-8-0_8.0.61-1_amd64.deb`,
      // apt escapes the + of the version in the URL.
      `${ML_REPO}/./libcudnn6_6.0.21-1%2bcuda8.0_amd64.deb`, `${BAZEL_INSTALLER}.sig`, 'bazel.build/bazel-release.pub.gpg']) {
      expect(access, path).toMatch(new RegExp(`"GET /good/${path.replace(/[.+]/g, '\\$&')} HTTP/1\\.1" 200 `));
    }

    const files = readdirSync(output).sort();
    const wheel = files.find((f) => f.endsWith('.whl'));
    // The fixture's build_pip_package names its wheel tensorflow either way; the build info says what it is.
    expect(wheel, files.join(', ')).toMatch(/^tensorflow(_gpu)?-1\.4\.1-cp3\d+-cp3\d+m?-linux_x86_64\.whl$/);
    const info = JSON.parse(readFileSync(join(output, `${wheel}.tfbuild.json`), 'utf8')) as {
      tag: string; commit: string; gpu: boolean; cuda: string; cudnn: string; computeCapabilities: string[];
      image: { tag: string; generation: string; provenance: Record<string, string>; packages: string[] };
    };
    // The build inside saw the image's CUDA 8.0 and cuDNN 6 (installed from the mirror) and took the default capabilities.
    expect(info).toMatchObject({ tag: 'v1.4.1', commit: repo.commit, gpu: true, cuda: '8.0', cudnn: '6.0.21' });
    expect(info.computeCapabilities.join(',')).toBe('3.5,5.2');
    images.push(info.image.tag);
    expect(info.image).toMatchObject({ tag: expect.stringMatching(/^localhost\/tfbuild:r1\.4-cuda8-ubuntu16\.04-[0-9a-f]{12}$/), generation: 'cuda8-ubuntu16.04' });
    expect(info.image.provenance).toEqual({
      'bazel.url': `${nginx.url}/good/${BAZEL_INSTALLER}`,
      'bazel.verifiedBy': 'signature',
      'bazel.sha256': good.installerSha256,
    });
    expect(info.image.packages.join('\n')).toContain('cuda: cuda-command-line-tools-8-0=8.0.61-1 cuda-cublas-dev-8-0=8.0.61-1');
    expect(info.image.packages.join('\n')).toContain('cudnn (machine-learning repository): libcudnn6=6.0.21-1+cuda8.0 libcudnn6-dev=6.0.21-1+cuda8.0');
    expect(existsSync(join(workdir, 'tfbuild-state.json'))).toBe(true);
    expect(execFileSync('podman', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' })).not.toMatch(/tfbuild-r1\.4-/);
  });

  it('the guided tfbuild r1.4 --gpu --yes takes the container route and reuses the image; the GPU wheel is not installed on this CUDA-8-less host, and a chosen --venv is refused before anything runs', async () => {
    const out2 = join(root, 'out-guided');
    const work2 = join(root, 'work-guided');
    const hostVenv = join(root, 'host-venv-chosen');
    const flags = ['r1.4', '--gpu', '--yes', ...imageFlags(`${nginx.url}/good`, testKeyBuildArgs(key, good)), '--repo', repo.bareRepo, '--output', out2, '--workdir', work2];
    // A target the user chose for a wheel this host cannot import (no CUDA 8 runtime, no cuDNN 6 here): exit 3 before
    // the image build or any step, nothing written.
    const refused = await runCli([...flags, '--venv', hostVenv, '--json'], { env });
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/CUDA 8/);
    expect(refused.stderr).toContain('--no-install');
    expect(existsSync(hostVenv)).toBe(false);
    expect(existsSync(out2) ? readdirSync(out2) : []).toEqual([]);
    const lastEvent = JSON.parse(refused.stdout.trim().split('\n').at(-1)!) as { type: string; error?: { exitCode: number } };
    expect(lastEvent).toMatchObject({ type: 'error', error: { exitCode: 3 } });

    // The same image flags as tfbuild docker's above (so the same image), no --rebuild; the default host target.
    const r = await runCli([...flags, '--json'], { env });
    expect(r.code, `${r.stdout.slice(-2000)}${r.stderr.slice(-4000)}`).toBe(0);
    // The verdict said container (this host has CUDA 13 and no cuDNN; the recipe needs CUDA 8 and cuDNN 6), and the
    // guided build took that route without tfbuild docker.
    expect(r.stderr).toMatch(/A native build of TensorFlow r1\.4 is not practical here: /);
    // The image tfbuild docker built above (this test reuses it: run alone, it has none to compare with).
    const image = images.at(-1);
    expect(image, 'run the whole file: this test reuses the image the tfbuild docker test built').toBeDefined();
    expect(r.stderr).toContain(`reusing ${image!}`);
    expect(r.stderr).toMatch(/the plan runs in tfbuild-r1\.4-\S+ \(image localhost\/tfbuild:r1\.4-cuda8-ubuntu16\.04-/);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; step?: { id: string }; ok?: boolean });
    const finished = events.filter((e) => e.type === 'step-finished').map((e) => e.step!.id);
    expect(finished).toEqual(expect.arrayContaining(['source', 'configure', 'bazel-build', 'package', 'install', 'verify']));
    // Nothing runs on this host: the wheel needs CUDA 8/cuDNN 6 libraries to import; the verify in the container stands.
    expect(finished).not.toContain('host-install');
    expect(r.stderr).toMatch(/the GPU wheel needs CUDA 8\/cuDNN 6 libraries/);
    expect(events.at(-1)).toMatchObject({ type: 'result', ok: true });

    const files = readdirSync(out2).sort();
    const wheel = files.find((f) => f.endsWith('.whl'));
    expect(wheel, files.join(', ')).toMatch(/^tensorflow(_gpu)?-1\.4\.1-cp3\d+-cp3\d+m?-linux_x86_64\.whl$/);
    const info = JSON.parse(readFileSync(join(out2, `${wheel}.tfbuild.json`), 'utf8')) as { tag: string; commit: string; gpu: boolean; cuda: string; cudnn: string; image: { tag: string } };
    expect(info).toMatchObject({ tag: 'v1.4.1', commit: repo.commit, gpu: true, cuda: '8.0', cudnn: '6.0.21' });
    expect(info.image.tag).toBe(image);
    expect(existsSync(join(work2, 'host-venv'))).toBe(false);
    expect(execFileSync('podman', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' })).not.toMatch(/tfbuild-r1\.4-/);
  });

  it('a key whose fingerprint is not the pinned one stops the image build, naming both fingerprints', async () => {
    const pins = testKeyBuildArgs(key, good).map((a) => a.replace(`NVIDIA_CUDA_KEY_FPR=${key.fingerprint}`, `NVIDIA_CUDA_KEY_FPR=${other.fingerprint}`));
    const r = await runCli(['docker', 'r1.4', '--gpu', ...imageFlags(`${nginx.url}/good`, pins), '--image-only'], { env });
    expect(r.code).toBe(5);
    expect(r.stdout + r.stderr).toContain(`the key at ${nginx.url}/good/${CUDA_REPO}/3bf863cc.pub has fingerprint ${key.fingerprint}, not the pinned ${other.fingerprint}: refusing it`);
  });

  it('a bad .sig on the bazel release stops the image build', async () => {
    const r = await runCli(['docker', 'r1.4', '--gpu', ...imageFlags(`${nginx.url}/bad-sig`, testKeyBuildArgs(key, good)), '--image-only'], { env });
    expect(r.code).toBe(5);
    expect(r.stdout + r.stderr).toContain(`the signature ${nginx.url}/bad-sig/${BAZEL_INSTALLER}.sig does not verify`);
  });

  it('without a .sig, a .sha256 that does not match stops the image build', async () => {
    const r = await runCli(['docker', 'r1.4', '--gpu', ...imageFlags(`${nginx.url}/bad-sha`, testKeyBuildArgs(key, good)), '--image-only'], { env });
    expect(r.code).toBe(5);
    expect(r.stdout + r.stderr).toMatch(/has no signature \(\.sig\); checking it against the publisher's .*\.sha256 instead/);
    expect(r.stdout + r.stderr).toContain(`sha256 mismatch for ${nginx.url}/bad-sha/${BAZEL_INSTALLER} (against its published .sha256): expected ${'f'.repeat(64)}`);
  });
});
