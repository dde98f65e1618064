/**
 * The plan is what runs: a fixture build (real git, bazel 4.2.3, python, pip) records every process tfbuild starts
 * (TFBUILD_EXEC_RECORD), and the planned commands are found in it, in plan order, with the plan's argv, working
 * directory and environment. Every other recorded process must be one of a short list of read-only queries below,
 * whatever effect tfbuild labelled it with: a write mislabelled 'read' cannot hide. The install step's pip really
 * runs with the plan's arguments (the fixture wheel has no dependencies, so no index is reached).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALLABLE } from '../../src/steps/install.js';
import { getVerifyScript } from '../../src/steps/verify-script.js';
import { PYTHON_INFO_SCRIPT } from '../../src/tools/python-info.js';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { makeTempDir } from '../helpers/tmp.js';
import { runCli, stopBazelServers } from './build-cli.js';

const root = makeTempDir('tfb-e2e-plan-exec-');
const cache = join(root, 'cache');
const env = { XDG_CACHE_HOME: cache };
let fx: FixtureRepo;

interface Spawn { argv: string[]; cwd: string | null; effect: 'read' | 'write'; env: Record<string, string> }
interface PlanStep { id: string; kind: string; cmd: string; args: string[]; cwd: string; env: Record<string, string>; pip?: { cmd: string; args: string[]; env: Record<string, string> } | null; venvDir?: string | null; shutdownArgs?: string[] | null }

/**
 * The processes tfbuild may start besides the plan's commands, each read-only by what it is, not by a label:
 * matched on the whole argv (a `python -c` on the exact text of one of tfbuild's own scripts).
 */
const READ_ONLY: Array<{ why: string; is: (argv: readonly string[]) => boolean }> = [
  { why: '`PROGRAM --version` (bazel, git, python, a container engine) prints its release', is: (a) => a.length === 2 && a[1] === '--version' },
  { why: '`CC -dumpfullversion -dumpversion` prints the compiler release', is: (a) => a.length === 3 && a[1] === '-dumpfullversion' && a[2] === '-dumpversion' },
  { why: '`git -C DIR rev-parse …` resolves names to commits, never writes refs', is: (a) => /(^|\/)git$/.test(a[0]!) && a[1] === '-C' && a[3] === 'rev-parse' },
  {
    why: '`python -c SCRIPT` with the host probe\'s, the install preflight\'s or verify\'s script: they import from the standard library (and the installed package, from an empty temp dir) and print JSON',
    is: (a) => a.length === 3 && a[1] === '-c' && [PYTHON_INFO_SCRIPT, INSTALLABLE, getVerifyScript('graph'), getVerifyScript('eager')].includes(a[2]!),
  },
];

beforeAll(() => {
  fx = makeFixtureRepo('r1.4', { tmp: root });
});
afterAll(() => stopBazelServers(join(cache, 'tfbuild', 'bazel')));

describe('what runs is the plan', () => {
  it('every planned command runs exactly as planned, in plan order, and nothing else runs but known read-only queries', async () => {
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
    // Every process, whatever effect it was labelled with.
    const spawns = readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Spawn);

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
      const i = spawns.findIndex((w, n) => n >= at && JSON.stringify(w.argv) === JSON.stringify(e.argv));
      expect(i, `${e.step}: ${e.argv.join(' ')} was not run (ran: ${spawns.map((w) => w.argv.join(' ')).join(' | ')})`).toBeGreaterThanOrEqual(at);
      if (e.cwd !== null) expect(spawns[i]!.cwd, e.step).toBe(e.cwd);
      for (const [k, v] of Object.entries(e.env)) expect(spawns[i]!.env[k], `${e.step}: env ${k}`).toBe(v);
      at = i + 1;
    }
    // Nothing runs unless the plan shows it (the clone and the bazel server's shutdown included) or it is one of the
    // read-only queries, labels aside.
    const planned = new Set(expected.map((e) => JSON.stringify(e.argv)));
    const unexplained = spawns.filter((w) => !planned.has(JSON.stringify(w.argv)) && !READ_ONLY.some((r) => r.is(w.argv)));
    expect(unexplained.map((w) => `${w.argv.join(' ').slice(0, 200)} (labelled ${w.effect})`)).toEqual([]);
    // The allowlist is not dead weight: the probe's and verify's scripts did run.
    expect(spawns.some((w) => w.argv[2] === PYTHON_INFO_SCRIPT)).toBe(true);
    expect(expected[0]!.argv).toEqual(expect.arrayContaining(['clone', '--depth', '1', '--branch', 'v1.4.1']));
  });
});
