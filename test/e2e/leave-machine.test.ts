/**
 * Class "leave the machine as found", with real bazel and podman: a headless build leaves no bazel server behind;
 * `tfbuild cache servers` lists the servers of tfbuild's output root and `--stop` ends them; the container tests'
 * podman uses its own configuration and storage under a temp dir, never /etc/containers or /var/lib/containers.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listBazelServers } from '../../src/cache/bazel-servers.js';
import { fixtureRecipe, makeFixtureRepo } from '../helpers/fixture.js';
import { canRunPodmanTests, usePrivatePodman } from '../helpers/podman.js';
import { makeTempDir } from '../helpers/tmp.js';
import { runCli, stopBazelServers, waitFor } from './build-cli.js';

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
  it('uses its own config and storage under the test temp dir; system files unchanged', () => {
    const sum = (p: string) => (existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : 'absent');
    const before = sum('/etc/containers/containers.conf');
    const dir = usePrivatePodman();
    const info = spawnSync('podman', ['info', '--format', '{{.Store.GraphRoot}} {{.Store.GraphDriverName}}'], { encoding: 'utf8' });
    expect(info.stdout.trim()).toBe(`${join(dir, 'storage')} vfs`);
    expect(sum('/etc/containers/containers.conf')).toBe(before);
  });
});
