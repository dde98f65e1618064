/**
 * A multi-hundred-MB log is diagnosed with flat memory: the child runs with a V8 heap limit far below the log's
 * size (a matcher that kept the log would die) and reports its RSS growth while reading. Uses dist/ (npm run
 * test:slow builds first) and the generator of bench/explain.mjs.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticLog } from '../../bench/explain.gen.mjs';
import { makeTempDir } from '../helpers/tmp.js';

const root = new URL('../../', import.meta.url).pathname;
const dir = makeTempDir('tfbuild-diagnose-mem-');
const log = join(dir, 'build.log');
const MIB = Number(process.env.DIAGNOSE_MEM_MIB ?? 400);

const child = `
import { diagnoseFile, diagnoseLines } from ${JSON.stringify(`${root}dist/diagnose/index.js`)};
// Load and compile the knowledge base first: a one-off cost, not growth with the log.
diagnoseLines(['warm-up']);
const rss0 = process.memoryUsage().rss;
let peak = rss0;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
const t0 = Date.now();
const d = await diagnoseFile(process.argv[1]);
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
console.log(JSON.stringify({ growth: peak - rss0, ms: Date.now() - t0, lineCount: d.lineCount,
  matches: d.matches.map((m) => [m.id, m.lineNumber, m.count]) }));
`;

describe('diagnosing a large log', () => {
  let written: { bytes: number; lines: number; rootCauseLine: number };
  beforeAll(async () => {
    written = await writeSyntheticLog(log, MIB);
  }, 120_000);

  it(`reads ${MIB} MiB with a 40 MB heap limit and under 48 MiB RSS growth, finding the root cause`, () => {
    expect(statSync(log).size).toBeGreaterThan(MIB * 1024 * 1024 * 0.99);
    const r = spawnSync(process.execPath, ['--max-old-space-size=40', '--input-type=module', '-e', child, log], {
      encoding: 'utf8',
      cwd: root,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { growth: number; ms: number; lineCount: number; matches: [string, number, number][] };
    expect(out.lineCount).toBe(written.lines);
    expect(out.matches[0]).toEqual(['build-compiler-killed-oom', written.rootCauseLine, 1]);
    expect(out.matches[1]?.[0]).toBe('fetch-mirror-404-warning-benign');
    expect(out.growth).toBeLessThan(48 * 1024 * 1024);
    console.log(`diagnosed ${MIB} MiB in ${out.ms} ms (${((MIB * 1000) / out.ms).toFixed(1)} MiB/s), RSS growth ${(out.growth / 1048576).toFixed(1)} MiB`);
  });
});
