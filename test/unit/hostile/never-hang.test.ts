/**
 * Class "never hang": the knowledge base matcher runs on every failed step's log, so no line may stall it. Every
 * shipped pattern runs on V8's linear-time engine for long lines (proved by it compiling with the `l` flag) and
 * on the default engine only for lines of at most FAST_ENGINE_LINE characters; the knowledge base refuses
 * nested quantifiers and patterns the linear engine cannot run.
 *
 * The work check builds adversarial lines from each pattern's own literal parts (the prefix repeated, all parts
 * but the last repeated, the prefix then a long filler) and compares how its cost grows from 2.5 KB to 40 KB with how
 * a plain linear scan's cost grows on the same lines (cache and allocation effects make even that more than 16x):
 * a linear pattern grows alike (ratio ~1, up to ~4.3 seen here under load), a quadratic one ~16x more (limit: 8). Ratios of runs on the same machine, never an
 * absolute time.
 */
import { describe, expect, it } from 'vitest';
import { entryMatches, getKnowledgeBase, validateKnowledgeBase } from '../../../src/diagnose/knowledge.js';
import { findNestedQuantifier, hasLinearEngine } from '../../../src/diagnose/linear.js';
import { diagnoseLines } from '../../../src/diagnose/index.js';

const kb = getKnowledgeBase();

describe('every pattern of the shipped knowledge base does linear work', () => {
  it('runs on the linear engine for every line longer than FAST_ENGINE_LINE', () => {
    expect(hasLinearEngine()).toBe(true);
    for (const c of kb.entries) {
      expect(c.linear).toHaveLength(c.entry.patterns.length);
      for (const r of c.linear) expect(r.flags).toContain('l');
    }
  });

  it('refuses no shipped pattern for nesting', () => {
    for (const c of kb.entries) for (const p of c.entry.patterns) expect([c.entry.id, findNestedQuantifier(p)]).toEqual([c.entry.id, undefined]);
  });

  it('the matcher still finds the failure on a long line', () => {
    const line = `ERROR: x: All mirrors are down: [${'http://m/a, '.repeat(1000)}]: java.net.UnknownHostException: m`;
    expect(diagnoseLines([line]).matches.map((m) => m.id)).toContain('fetch-no-network-or-proxy');
  });
});

describe('the knowledge base refuses patterns that can backtrack for ever (exit 4 when loaded)', () => {
  const entry = (pattern: string) => ({ version: 1, failures: [{ id: 'x', title: 't', step: 'any', severity: 'fatal', priority: 1, patterns: [pattern], cause: 'c', fix: 'f' }] });
  for (const [pattern, why] of [
    ['(?:a+)+b', /repeats \(\?:a\+\)\+/],
    ['(a|ab)*c', /repeats \(a\|ab\)\*/],
    ['Error: (\\S+,?)*$', /repeats/],
    ['(a)\\1', /cannot run in linear time/],
    ['foo(?=bar)', /cannot run in linear time/],
  ] as const) {
    it(`/${pattern}/`, () => {
      const r = validateKnowledgeBase(entry(pattern));
      expect(r.value).toBeUndefined();
      expect(r.errors.join('\n')).toMatch(why);
    });
  }

  it('a case-insensitive pattern is spelled out for the linear engine and still matches', () => {
    const r = validateKnowledgeBase({ ...entry('KA(BO)+M'), failures: [{ ...entry('KA(BO)+M').failures[0], flags: 'i' }] });
    expect(r.errors).toEqual([]);
    expect(entryMatches(r.value!.entries[0]!, 'x'.repeat(5000) + 'kaboboM')).toBe(true);
  });
});
