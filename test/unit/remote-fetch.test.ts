import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare } from '../../src/commands/prepare.js';
import { makeTempDir } from '../helpers/tmp.js';
import { fetchSources, selectFetchFlags, toFetchPlan } from '../../src/commands/fetch.js';
import { UsageError } from '../../src/errors.js';
import type { Plan } from '../../src/plan/index.js';

describe('tfbuild fetch (pure parts)', () => {
  it('passes bazel fetch only the flags about where archives come from and go to', () => {
    expect(selectFetchFlags([
      '--config=opt', '--copt=-mavx2', '--jobs=4', '--disk_cache=/d', '--remote_cache=http://c',
      '--repository_cache=/rc', '--distdir=/dd', '--repo_env=TF_PYTHON_VERSION=3.11', '--override_repository=rules_cc=/x',
    ])).toEqual(['--repository_cache=/rc', '--distdir=/dd', '--repo_env=TF_PYTHON_VERSION=3.11', '--override_repository=rules_cc=/x']);
  });

  it('cuts a plan to source, patch and configure and returns the bazel step', () => {
    const step = (kind: string) => ({ id: kind, kind });
    const plan = { steps: ['source', 'patch', 'configure', 'bazel-build', 'package', 'install', 'verify'].map(step) } as unknown as Plan;
    const r = toFetchPlan(plan);
    expect(r.plan.steps.map((s) => s.kind)).toEqual(['source', 'patch', 'configure']);
    expect(r.bazel.kind).toBe('bazel-build');
    expect(() => toFetchPlan({ steps: [step('source')] } as unknown as Plan)).toThrow(UsageError);
  });

  it('refuses to start without --repository-cache or --distdir, before any step of prepare()\'s plan', async () => {
    // The plan comes from prepare() as in the command (a saved host description: nothing probed, nothing written).
    // The Ubuntu 22.04 laptop with gcc 10 beside its gcc 11 (r2.8 needs gcc < 11): a host that builds 2.8 natively.
    const laptop = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'hosts', 'ubuntu2204-cpu-laptop.json'), 'utf8')) as { compilers: unknown[] };
    laptop.compilers.push({ kind: 'gcc', version: '10.5.0', path: '/usr/bin/gcc-10', cxxPath: '/usr/bin/g++-10' });
    const facts = join(makeTempDir('tfb-fetch-facts-'), 'host.json');
    writeFileSync(facts, JSON.stringify(laptop));
    const p = await prepare({ version: '2.8', flags: { hostFacts: facts, install: false, workdir: makeTempDir('tfb-fetch-refuse-'), yes: true }, mode: 'plan', print: () => undefined, env: { CI: '1' } });
    expect(p.route).toBe('native');
    const e = await fetchSources(p.options, { io: { stdout: () => {}, stderr: () => {} }, plan: p.plan! }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toMatch(/--repository-cache DIR/);
  });
});
