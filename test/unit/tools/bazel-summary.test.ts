import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hintForBazelExit, parseBuildSummary } from '../../../src/tools/bazel.js';

// Real outputs of Debian's bazel 4.2.3 (--color=no --curses=no) building test/fixtures/tfshape.
const lines = (f: string) => readFileSync(join(import.meta.dirname, 'recorded', f), 'utf8').split('\n');

describe('parseBuildSummary on recorded bazel 4.2.3 output', () => {
  it('a first build with standalone strategy: every non-internal process executed', () => {
    const s = parseBuildSummary(lines('bazel-4.2.3-local-build.txt'));
    expect(s).toMatchObject({ processes: 8, internal: 2, local: 6, actionsExecuted: 6, totalActions: 8, succeeded: true });
    expect(s.elapsedSeconds).toBeCloseTo(1.564);
    expect(s.criticalPathSeconds).toBeCloseTo(0.33);
  });

  it('a sandboxed build counts linux-sandbox processes', () => {
    const s = parseBuildSummary(lines('bazel-4.2.3-linux-sandbox-build.txt'));
    expect(s).toMatchObject({ processes: 7, internal: 1, linuxSandbox: 2, local: 4, actionsExecuted: 6, succeeded: true });
  });

  it('an unchanged rebuild executes zero actions ("1 process: 1 internal.")', () => {
    const s = parseBuildSummary(lines('bazel-4.2.3-null-build.txt'));
    expect(s).toMatchObject({ processes: 1, internal: 1, actionsExecuted: 0, totalActions: 1, succeeded: true });
  });

  it('bazel 4 reports --disk_cache hits as "remote cache hit"', () => {
    const s = parseBuildSummary(lines('bazel-4.2.3-disk-cache-hit.txt'));
    expect(s).toMatchObject({ processes: 9, remoteCacheHits: 3, internal: 2, local: 4, actionsExecuted: 4, diskCacheHits: 0 });
  });

  it('a failed build (an action killed by SIGKILL) is not successful', () => {
    const s = parseBuildSummary(lines('bazel-4.2.3-killed-action.txt'));
    expect(s).toMatchObject({ processes: 4, internal: 4, succeeded: false, totalActions: null });
  });
});

describe('parseBuildSummary wording of other bazel versions', () => {
  it.each([
    ['INFO: 2 processes: 2 remote cache hit.', { processes: 2, remoteCacheHits: 2, actionsExecuted: 0 }],
    ['INFO: 5 processes: 1 disk cache hit, 2 internal, 2 processwrapper-sandbox.', { processes: 5, diskCacheHits: 1, internal: 2, processwrapperSandbox: 2, actionsExecuted: 2 }],
    ['INFO: 1,234 processes: 1,000 remote cache hit, 34 internal, 200 linux-sandbox.', { processes: 1234, remoteCacheHits: 1000, internal: 34, linuxSandbox: 200, actionsExecuted: 200 }],
    ['INFO: 3 processes: 1 internal, 2 worker.', { processes: 3, worker: 2, actionsExecuted: 2 }],
    ['INFO: 0 processes.', { processes: 0, actionsExecuted: 0 }],
  ] as const)('%s', (line, want) => {
    expect(parseBuildSummary([line])).toMatchObject(want);
  });

  it('the last process line wins (bazel prints the summary once per build)', () => {
    const s = parseBuildSummary(['INFO: 7 processes: 5 internal, 2 linux-sandbox.', 'INFO: 1 process: 1 internal.']);
    expect(s).toMatchObject({ processes: 1, internal: 1, linuxSandbox: 0, actionsExecuted: 0 });
  });

  it('ignores lines that only look similar', () => {
    expect(parseBuildSummary(['DEBUG: INFO: 7 processes: 7 local.', 'compiling 3 processes'])).toMatchObject({ processes: null, actionsExecuted: null });
  });
});

describe('hintForBazelExit', () => {
  it('names what to do for the documented exit codes', () => {
    expect(hintForBazelExit(1, '/tmp/b.log')).toMatch(/ERROR:.*\/tmp\/b\.log/);
    expect(hintForBazelExit(2)).toMatch(/configure/);
    expect(hintForBazelExit(37)).toMatch(/--jobs/);
    expect(hintForBazelExit(34)).toMatch(/--remote-local-fallback/);
  });
});
