/**
 * The plan is what runs: a fixture build (real git, bazel 4.2.3, python, pip) records every process tfbuild starts
 * (TFBUILD_EXEC_RECORD), and the commands that write are compared with `tfbuild plan --json` for the same options,
 * step by step: argv, working directory and the step's environment. The install step's pip really runs with the
 * plan's arguments (the fixture wheel has no dependencies, so no index is reached).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { makeTempDir } from '../helpers/tmp.js';
import { runCli, stopBazelServers } from './build-cli.js';

const root = makeTempDir('tfb-e2e-plan-exec-');
const cache = join(root, 'cache');
const env = { XDG_CACHE_HOME: cache };
let fx: FixtureRepo;

interface Spawn { argv: string[]; cwd: string | null; effect: 'read' | 'write'; env: Record<string, string> }
interface PlanStep { id: string; kind: string; cmd: string; args: string[]; cwd: string; env: Record<string, string>; pip?: { cmd: string; args: string[]; env: Record<string, string> } | null; venvDir?: string | null; shutdownArgs?: string[] | null }

beforeAll(() => {
  fx = makeFixtureRepo('r1.4', { tmp: root });
});
afterAll(() => stopBazelServers(join(cache, 'tfbuild', 'bazel')));

describe('what runs is the plan', () => {
  it('every planned command runs exactly as planned, in plan order, and nothing unplanned writes', async () => {
    const workdir = join(root, 'w');
    const args = ['r1.4', '--recipe', fixtureRecipe('r1.4'), '--repo', fx.bareRepo, '--workdir', workdir, '--output', join(root, 'out'), '--cpu-flags', 'avx2', '--python', '/usr/bin/python3'];
    const p = await runCli(['plan', ...args, '--json'], { env });
    expect(p.code, p.stderr).toBe(0);
    const plan = JSON.parse(p.stdout) as { steps: PlanStep[] };
    // The saved plan is run as is (a plan made now would size --jobs/--local_ram_resources to this moment's free
    // memory, which moves between two processes).
    const file = join(root, 'plan.json');
    writeFileSync(file, p.stdout);
    const record = join(root, 'exec.jsonl');
    const r = await runCli(['build', '--plan', file], { env: { ...env, TFBUILD_EXEC_RECORD: record } });
    expect(r.code, r.stderr).toBe(0);
    const writes = readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Spawn).filter((s) => s.effect === 'write');

    const wheel = readFileSync(join(workdir, 'tfbuild-state.json'), 'utf8').match(/"wheel":\s*"([^"]+)"/)?.[1];
    expect(wheel).toBeDefined();
    // What each step must have run, from the plan alone.
    const expected: Array<{ step: string; argv: string[]; cwd: string | null; env: Record<string, string> }> = [];
    for (const s of plan.steps) {
      if (s.kind === 'source' || s.kind === 'configure' || s.kind === 'bazel-build' || s.kind === 'package') expected.push({ step: s.id, argv: [s.cmd, ...s.args], cwd: s.cwd, env: s.env });
      if (s.kind === 'bazel-build') expected.push({ step: 'bazel shutdown', argv: [s.cmd, ...s.shutdownArgs!], cwd: s.cwd, env: s.env });
      if (s.kind === 'install') {
        expected.push({ step: 'install (venv)', argv: [s.cmd, ...s.args], cwd: null, env: {} });
        expected.push({ step: 'install (pip)', argv: [s.pip!.cmd, ...s.pip!.args.map((a) => (a === '{wheel}' ? wheel! : a))], cwd: null, env: s.pip!.env });
      }
    }
    expect(expected.find((e) => e.step === 'install (pip)')!.argv).toEqual(expect.arrayContaining(['-m', 'pip', 'install', wheel!]));
    // In plan order: each expected command is found after the previous one, with the plan's cwd and env.
    let at = 0;
    for (const e of expected) {
      const i = writes.findIndex((w, n) => n >= at && JSON.stringify(w.argv) === JSON.stringify(e.argv));
      expect(i, `${e.step}: ${e.argv.join(' ')} was not run (ran: ${writes.map((w) => w.argv.join(' ')).join(' | ')})`).toBeGreaterThanOrEqual(at);
      if (e.cwd !== null) expect(writes[i]!.cwd, e.step).toBe(e.cwd);
      for (const [k, v] of Object.entries(e.env)) expect(writes[i]!.env[k], `${e.step}: env ${k}`).toBe(v);
      at = i + 1;
    }
    // Nothing that writes runs unless the plan shows it, the clone and the bazel server's shutdown included.
    const planned = new Set(expected.map((e) => JSON.stringify(e.argv)));
    const unplanned = writes.filter((w) => !planned.has(JSON.stringify(w.argv)));
    expect(unplanned.map((w) => w.argv.join(' '))).toEqual([]);
    expect(expected[0]!.argv).toEqual(expect.arrayContaining(['clone', '--depth', '1', '--branch', 'v1.4.1']));
  });
});
