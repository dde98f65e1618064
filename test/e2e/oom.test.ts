/**
 * OOM retry with real bazel: a fixture action SIGKILLs itself (as the kernel's OOM killer would) whenever more than
 * one of its kind runs at once. tfbuild must recognise it, say so, retry with fewer jobs and finish.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo } from '../helpers/fixture.js';
import { runCli, stopBazelServers } from './build-cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const root = makeTempDir('tfb-e2e-oom-');
const cache = join(root, 'cache');
afterAll(() => stopBazelServers(join(cache, 'tfbuild', 'bazel')));

it('retries the bazel step with half the jobs after an OOM kill, and the build completes', async () => {
  const fx = makeFixtureRepo('r1.4', { tmp: root });
  const workdir = join(root, 'work');
  const out = join(root, 'out');
  const r = await runCli(
    ['r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', workdir, '--output', out, '--no-install', '--jobs', '2',
      '--bazel-flag=--action_env=FIXTURE_OOM_IF_JOBS_GT', '--bazel-flag=--action_env=FIXTURE_OOM_DIR'],
    { env: { XDG_CACHE_HOME: cache, FIXTURE_OOM_IF_JOBS_GT: '1', FIXTURE_OOM_DIR: join(root, 'oom-markers') } },
  );
  expect(r.code, r.stderr).toBe(0);
  const text = r.stdout + r.stderr;
  expect(text).toMatch(/out of memory\)?\. Retrying \(1 of 1\) with --jobs=1/);
  const logs = readdirSync(join(workdir, 'logs'));
  expect(logs.some((l) => l.endsWith('-bazel.log'))).toBe(true);
  expect(logs.some((l) => l.endsWith('-bazel-retry1.log'))).toBe(true);
  expect(readdirSync(out).filter((f) => f.endsWith('.whl'))).toHaveLength(1);
});

it('with --max-retries 0 the OOM failure stops the build (exit 5) and names the cause', async () => {
  const fx = makeFixtureRepo('r1.4', { tmp: join(root, 'b') });
  const workdir = join(root, 'work0');
  const r = await runCli(
    ['r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', workdir, '--output', join(root, 'out0'), '--no-install', '--jobs', '2',
      '--max-retries', '0', '--bazel-flag=--action_env=FIXTURE_OOM_IF_JOBS_GT', '--bazel-flag=--action_env=FIXTURE_OOM_DIR', '--disk-cache', join(root, 'dc0')],
    { env: { XDG_CACHE_HOME: cache, FIXTURE_OOM_IF_JOBS_GT: '1', FIXTURE_OOM_DIR: join(root, 'oom-markers0') } },
  );
  expect(r.code).toBe(5);
  expect(r.stderr).toMatch(/out of memory/);
  expect(existsSync(join(workdir, 'tfbuild-state.json'))).toBe(true);
});
