import { describe, expect, it } from 'vitest';
import { fetchSources, selectFetchFlags, toFetchPlan } from '../../src/commands/fetch.js';
import { UsageError } from '../../src/errors.js';
import { BuildOptionsSchema } from '../../src/plan/options.js';
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

  it('refuses to start without --repository-cache or --distdir', async () => {
    const opts = BuildOptionsSchema.parse({ version: '1.4' });
    await expect(fetchSources(opts, { io: { stdout: () => {}, stderr: () => {} } })).rejects.toThrow(/--repository-cache DIR/);
  });
});
