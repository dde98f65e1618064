/**
 * Interrupts and resume with a real tfbuild process in the middle of a real bazel build (the fixture's heavy_0
 * action sleeps on request): SIGINT stops every child within 5 s and saves state, `--resume` finishes without
 * redoing finished steps; the same after `kill -9` of tfbuild itself; a corrupt state file means a fresh start.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { findProcesses, runCli, startCli, stopBazelServers, waitFor } from './build-cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const root = makeTempDir('tfb-e2e-resume-');
const cache = join(root, 'cache');
let fx: FixtureRepo;
beforeAll(() => {
  fx = makeFixtureRepo('r1.4', { tmp: root });
});
afterAll(() => stopBazelServers(join(cache, 'tfbuild', 'bazel')));

const args = (workdir: string, out: string) => [
  'r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', workdir, '--output', out, '--no-install',
  '--bazel-flag=--action_env=FIXTURE_SLOW_SECONDS',
];
const readState = (w: string) => JSON.parse(readFileSync(join(w, 'tfbuild-state.json'), 'utf8'));
const sleeping = (secs: string) => findProcesses(`sleep ${secs}`).length > 0;

describe('interrupts', () => {
  it('SIGINT mid-bazel: exit 130 within 5 s, no child left, valid state, one line how to resume; --resume finishes', async () => {
    const w = join(root, 'w-int');
    const out = join(root, 'out-int');
    const { child, done } = startCli(args(w, out), { env: { XDG_CACHE_HOME: cache, FIXTURE_SLOW_SECONDS: '97' } });
    expect(await waitFor(() => sleeping('97'), 180_000)).toBe(true);
    const t0 = Date.now();
    child.kill('SIGINT');
    const r = await done;
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Resume with: tfbuild .* --resume/);
    // The bazel server stays up with its cache (by design); nothing else of this build may remain.
    const leftovers = () => [...findProcesses('sleep 97'), ...findProcesses(w).filter((p) => !p.cmd.includes('--workspace_directory'))];
    await waitFor(() => leftovers().length === 0, 5_000);
    expect(leftovers()).toEqual([]);
    const st = readState(w);
    expect(st.status).toBe('interrupted');
    expect(st.current.id).toBe('bazel-build');
    expect(st.steps.map((s: { id: string }) => s.id)).toEqual(['source', 'patch', 'configure']);
    expect(existsSync(join(w, 'tfbuild.lock'))).toBe(false);

    const status = await runCli(['status', '--workdir', w], { env: { XDG_CACHE_HOME: cache } });
    expect(status.stdout).toMatch(/interrupted/);

    const again = await runCli([...args(w, out), '--resume'], { env: { XDG_CACHE_HOME: cache, FIXTURE_SLOW_SECONDS: '' } });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/\[patch\] skipped/);
    expect(again.stdout).toMatch(/\[configure\] skipped/);
    expect(again.stdout).toMatch(/ok {2}bazel build/);
    expect(readState(w).status).toBe('done');
  });

  it('SIGTERM mid-bazel: exit 143, state saved, the action stopped', async () => {
    const w = join(root, 'w-term');
    const { child, done } = startCli(args(w, join(root, 'out-term')), { env: { XDG_CACHE_HOME: cache, FIXTURE_SLOW_SECONDS: '89' } });
    expect(await waitFor(() => sleeping('89'), 180_000)).toBe(true);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    expect(readState(w).status).toBe('interrupted');
    await waitFor(() => !sleeping('89'), 5_000);
    expect(sleeping('89')).toBe(false);

    // The forced exit on a second signal is not exercised here: the first one already stops bazel in well under a second.
  });

  it('kill -9 of tfbuild: the next run (same command) takes over the stale lock and resumes', async () => {
    const w = join(root, 'w-kill');
    const out = join(root, 'out-kill');
    const { child, done } = startCli(args(w, out), { env: { XDG_CACHE_HOME: cache, FIXTURE_SLOW_SECONDS: '13' } });
    expect(await waitFor(() => sleeping('13'), 180_000)).toBe(true);
    child.kill('SIGKILL');
    await done;
    expect(readState(w).status).toBe('running');
    expect(existsSync(join(w, 'tfbuild.lock'))).toBe(true);
    const again = await runCli(args(w, out), { env: { XDG_CACHE_HOME: cache, FIXTURE_SLOW_SECONDS: '' } });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toMatch(/Took over the lock/);
    expect(again.stdout + again.stderr).toMatch(/Resuming the unfinished \(killed\) build/);
    expect(again.stdout).toMatch(/\[configure\] skipped/);
    expect(readState(w).status).toBe('done');
  });
});

describe('state file', () => {
  it('a truncated state file: a clear message and a fresh start, the old file kept', async () => {
    const w = join(root, 'w-kill');
    const text = readFileSync(join(w, 'tfbuild-state.json'), 'utf8');
    writeFileSync(join(w, 'tfbuild-state.json'), text.slice(0, 80));
    const r = await runCli([...args(w, join(root, 'out-corrupt')), '--resume'], { env: { XDG_CACHE_HOME: cache } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/state file .* is unreadable .*starting a fresh build/);
    expect(r.stdout).toMatch(/ok {2}Apply patches/);
    expect(readState(w).status).toBe('done');
  });
});
