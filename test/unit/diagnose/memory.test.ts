/**
 * Fast version of test/e2e/diagnose-memory.test.ts: a 24 MiB log through a child whose V8 heap is capped at
 * 16 MB, so a matcher that buffered the log would crash. Needs dist/ (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticLog } from '../../../bench/explain.gen.mjs';
import { makeTempDir } from '../../helpers/tmp.js';

const root = new URL('../../../', import.meta.url).pathname;
const dir = makeTempDir('tfbuild-diagnose-mem-');
const log = join(dir, 'build.log');

const child = `
import { diagnoseFile } from ${JSON.stringify(`${root}dist/diagnose/index.js`)};
const d = await diagnoseFile(process.argv[1]);
console.log(JSON.stringify({ lineCount: d.lineCount, first: d.matches[0]?.id, heapMiB: process.memoryUsage().heapUsed / 1048576 }));
`;

describe('diagnosing a 24 MiB log', () => {
  let lines = 0;
  beforeAll(async () => {
    lines = (await writeSyntheticLog(log, 24)).lines;
  }, 120_000);

  it('works within a 16 MB heap', () => {
    const r = spawnSync(process.execPath, ['--max-old-space-size=16', '--input-type=module', '-e', child, log], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { lineCount: number; first: string; heapMiB: number };
    expect(out).toMatchObject({ lineCount: lines, first: 'build-compiler-killed-oom' });
    // heapUsed counts the young generation too, which --max-old-space-size does not cap; surviving the 16 MB
    // old-space limit on a 24 MiB log is the real proof. This bound only catches gross growth.
    expect(out.heapMiB).toBeLessThan(32);
  });
});
