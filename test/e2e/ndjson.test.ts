/**
 * `tfbuild build --json` on the TF-shaped fixture (real git, bazel): stdout is NDJSON, and every line validates
 * against the versioned event schema, event by event: the zod schema (src/ui/events.ts) and the published
 * schema/events.schema.json read back with z.fromJSONSchema.
 * Human text goes to stderr only. A failing build reports step-failed with the error and its exit code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EventSchema, type BuildEvent } from '../../src/ui/events.js';
import { fixtureRecipe, makeFixtureRepo, type FixtureRepo } from '../helpers/fixture.js';
import { runCli, stopBazelServers } from './build-cli.js';
import { makeTempDir } from '../helpers/tmp.js';

const root = makeTempDir('tfb-e2e-ndjson-');
const cache = join(root, 'cache');
const env = { XDG_CACHE_HOME: cache, CI: 'true' };
let repo: FixtureRepo;
/** The published JSON Schema, read back as a validator of its own: what a consumer of the stream would use. */
const published = z.fromJSONSchema(JSON.parse(readFileSync(new URL('../../schema/events.schema.json', import.meta.url), 'utf8')));

beforeAll(() => {
  repo = makeFixtureRepo('r1.4', { tmp: root });
});
afterAll(() => stopBazelServers(join(cache, 'tfbuild', 'bazel')));

/** Parse and validate each stdout line on its own; a non-JSON or off-schema line fails with its number. */
function readEvents(stdout: string): BuildEvent[] {
  const lines = stdout.split('\n');
  expect(lines.pop()).toBe(''); // newline-terminated
  return lines.map((line, n) => {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new Error(`stdout line ${n + 1} is not JSON: ${line.slice(0, 200)}`);
    }
    const parsed = EventSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`stdout line ${n + 1} is off-schema: ${parsed.error.message}\n${line.slice(0, 300)}`);
    const viaFile = published.safeParse(raw);
    if (!viaFile.success) throw new Error(`stdout line ${n + 1} fails schema/events.schema.json: ${viaFile.error.message}`);
    return parsed.data;
  });
}

describe('tfbuild build --json', () => {
  it('a fixture build streams schema-valid events: each step started then finished, bazel progress, a final result', async () => {
    const output = join(root, 'out');
    const r = await runCli(
      ['build', 'r1.4', '--json', '--recipe', fixtureRecipe('r1.4'), '--repo', repo.bareRepo, '--workdir', join(root, 'w'), '--output', output, '--no-install'],
      { env, cwd: root },
    );
    expect(r.code, r.stderr).toBe(0);
    const events = readEvents(r.stdout);
    expect(events.every((e) => e.v === 1)).toBe(true);
    const ts = events.map((e) => Date.parse(e.ts));
    expect(ts).toEqual([...ts].sort((a, b) => a - b));

    // Every started step ends exactly once (finished or skipped), in order, none failed.
    const started = events.filter((e) => e.type === 'step-started').map((e) => e.step.id);
    const ended = events.filter((e) => e.type === 'step-finished' || e.type === 'step-skipped').map((e) => e.step.id);
    expect(started).toEqual(expect.arrayContaining(['source', 'patch', 'configure', 'bazel-build', 'package']));
    for (const id of started) expect(ended.filter((x) => x === id)).toHaveLength(1);
    expect(events.some((e) => e.type === 'step-failed')).toBe(false);

    // bazel's [N / M] counter became progress events of the bazel step with counts and a percent.
    const progress = events.filter((e): e is Extract<BuildEvent, { type: 'progress' }> => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    for (const p of progress) {
      expect(p.step.id).toBe('bazel-build');
      expect(p.progress.done).toBeLessThanOrEqual(p.progress.total);
    }
    const iStart = events.findIndex((e) => e.type === 'step-started' && e.step.id === 'bazel-build');
    const iEnd = events.findIndex((e) => e.type === 'step-finished' && e.step.id === 'bazel-build');
    expect(events.indexOf(progress[0]!)).toBeGreaterThan(iStart);
    expect(events.indexOf(progress.at(-1)!)).toBeLessThan(iEnd);

    // The result is last and names the wheel that exists.
    const last = events.at(-1)!;
    expect(last.type).toBe('result');
    if (last.type !== 'result') return;
    expect(last.ok).toBe(true);
    expect(last.result.wheel).toMatch(/tensorflow-1\.4\.1-.*\.whl$/);
    expect(existsSync(last.result.wheel!)).toBe(true);
    expect(last.result.buildInfo).toMatchObject({ tag: 'v1.4.1' });

    // Human text went to stderr, never JSON there.
    expect(r.stderr).toContain('key choices:');
    expect(r.stderr.split('\n').some((l) => l.startsWith('{"v":1'))).toBe(false);
  });

  it('a failing build emits step-failed carrying the error kind and exit code, still schema-valid', async () => {
    const r = await runCli(
      ['build', 'r1.4', '--json', '--recipe', fixtureRecipe('r1.4'), '--repo', join(root, 'no-such-repo.git'), '--workdir', join(root, 'w-fail'), '--output', join(root, 'out-fail'), '--no-install'],
      { env, cwd: root },
    );
    expect(r.code).toBe(5);
    const events = readEvents(r.stdout);
    const failed = events.find((e) => e.type === 'step-failed');
    expect(failed).toMatchObject({ step: { id: 'source' }, error: { kind: 'tool', exitCode: 5 } });
    expect(events.some((e) => e.type === 'result' && e.ok)).toBe(false);
  });
});
