/**
 * Class "leave the machine as found", with real bazel and podman: a headless build leaves no bazel server behind;
 * `tfbuild cache servers` lists the servers of tfbuild's output root and `--stop` ends them; the container tests'
 * podman uses its own configuration and storage under a temp dir (an image imported and removed through it), and
 * the tests' nginx its own config, logs and temp dirs. The system and user configuration these programs could write
 * (test/helpers/system-config.ts: /etc/containers, /etc/nginx, apt sources, pip, git, bazel and docker config,
 * /var/lib/containers/storage, nginx's default logs) is snapshotted before this file's first build and compared
 * after all of that work.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listBazelServers } from '../../src/cache/bazel-servers.js';
import { fixtureRecipe, makeFixtureRepo } from '../helpers/fixture.js';
import { startNginxCache } from '../helpers/nginx.js';
import { canRunPodmanTests, hasImage, usePrivatePodman } from '../helpers/podman.js';
import { snapshotConfig } from '../helpers/system-config.js';
import { makeTempDir } from '../helpers/tmp.js';
import { runCli, stopBazelServers, waitFor } from './build-cli.js';

// Before any work of this file.
const configBefore = snapshotConfig();
const root = makeTempDir('tfb-e2e-leave-');
const cache = join(root, 'cache');
const outputRoot = join(cache, 'tfbuild', 'bazel');
afterAll(() => stopBazelServers(outputRoot));

describe('bazel servers', () => {
  it('a headless build shuts its bazel server down at the end', async () => {
    const fx = makeFixtureRepo('r1.4', { tmp: root });
    const r = await runCli(['r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', join(root, 'w'), '--output', join(root, 'out'), '--no-install'], { env: { XDG_CACHE_HOME: cache } });
    expect(r.code, r.stderr).toBe(0);
    expect(await waitFor(() => listBazelServers(outputRoot).length === 0, 20_000)).toBe(true);
  });

  it('tfbuild cache servers lists a running server of its output root, --stop ends it', async () => {
    const ws = makeTempDir('tfb-ws-');
    execFileSync('sh', ['-c', `touch '${ws}/WORKSPACE' && cd '${ws}' && bazel --output_user_root='${outputRoot}' info output_base`], { stdio: 'ignore', timeout: 180_000 });
    const listed = await runCli(['cache', 'servers', '--json'], { env: { XDG_CACHE_HOME: cache } });
    const servers = (JSON.parse(listed.stdout) as { servers: Array<{ pid: number; workspace: string }> }).servers;
    expect(servers.map((s) => s.workspace)).toEqual([ws]);
    const stop = await runCli(['cache', 'servers', '--stop'], { env: { XDG_CACHE_HOME: cache } });
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(/Stopped 1 of them/);
    expect(await waitFor(() => listBazelServers(outputRoot).length === 0, 20_000)).toBe(true);
  });
});

describe.skipIf(!canRunPodmanTests())('the container tests podman', () => {
  it('uses its own config and storage under the test temp dir: an image is imported into it and removed', () => {
    const dir = usePrivatePodman();
    const info = spawnSync('podman', ['info', '--format', '{{.Store.GraphRoot}} {{.Store.GraphDriverName}}'], { encoding: 'utf8' });
    expect(info.stdout.trim()).toBe(`${join(dir, 'storage')} vfs`);
    const ctx = makeTempDir('tfb-leave-img-');
    writeFileSync(join(ctx, 'hello'), 'hi\n');
    const tag = 'localhost/tfbuild-leave-machine:t';
    execFileSync('sh', ['-c', `tar -C '${ctx}' -c . | podman import - ${tag}`], { stdio: 'ignore', timeout: 120_000 });
    expect(hasImage(tag)).toBe(true);
    expect(spawnSync('podman', ['rmi', tag], { stdio: 'ignore' }).status).toBe(0);
    expect(hasImage(tag)).toBe(false);
  });
});

describe('the tests nginx', () => {
  it('serves PUT and GET from its own root and stops', async () => {
    const nginx = await startNginxCache();
    try {
      const put = await fetch(`${nginx.url}/cas/leave-machine`, { method: 'PUT', body: 'blob' });
      expect(put.status).toBeLessThan(300);
      expect(await (await fetch(`${nginx.url}/cas/leave-machine`)).text()).toBe('blob');
    } finally {
      await nginx.stop();
    }
  });
});

describe('system configuration', () => {
  it('is as it was before the bazel builds, podman and nginx above', () => {
    expect(snapshotConfig()).toEqual(configBefore);
  });
});
