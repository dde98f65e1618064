/**
 * Class "never hang", measured: for every pattern of the shipped knowledge base, adversarial lines built from the
 * pattern's own literal parts (the prefix repeated, all parts but the last repeated, the prefix then a long filler,
 * all parts repeated) are matched at 2.5 KB and at 40 KB, through the matcher's own entryMatches. The cost's growth
 * is compared with how a plain linear scan's cost grows on the same lines (cache and allocation effects make even
 * that more than 16x): a linear pattern grows alike (ratio ~1; up to ~4.3 seen on a loaded 2-core machine), a
 * quadratic one ~16x more (limit: 8). Ratios of runs on the same machine, never an absolute time; a test retries
 * twice, as a real quadratic pattern fails every time while load spikes do not repeat.
 */
import { describe, expect, it } from 'vitest';
import { entryMatches, FAST_ENGINE_LINE, getKnowledgeBase, type CompiledEntry } from '../../src/diagnose/knowledge.js';
import { compileLinear } from '../../src/diagnose/linear.js';

/** The literal text of a pattern, split where regex syntax is. A class or class escape becomes one sample char. */
function literalParts(source: string): string[] {
  const parts: string[] = [];
  let run = '';
  const flush = () => { if (run) parts.push(run); run = ''; };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      const n = source[i + 1] ?? '';
      i++;
      if ('dDwWsSbB'.includes(n)) { run += n === 'd' ? '7' : n === 's' ? ' ' : n === 'b' || n === 'B' ? '' : 'x'; continue; }
      run += n;
      continue;
    }
    if (ch === '[') {
      const end = source.indexOf(']', i + 2);
      const body = source.slice(i + 1, end);
      run += body.startsWith('^') ? 'z' : (body.replace(/\\/g, '')[0] ?? 'a');
      i = end;
      continue;
    }
    if ('()|^$'.includes(ch)) { flush(); continue; }
    if ('*+?'.includes(ch)) continue;
    if (ch === '{') { i = source.indexOf('}', i); continue; }
    if (ch === '.') { run += 'q'; continue; }
    run += ch;
  }
  flush();
  return parts.map((p) => p.replace(/^\?[:<=!]/, '')).filter((p) => p.length > 0);
}

function adversarialLines(parts: string[], size: number): string[] {
  const fill = (unit: string) => unit.repeat(Math.ceil(size / Math.max(1, unit.length))).slice(0, size);
  const [first = 'x'] = parts;
  return [fill(first), fill(parts.slice(0, -1).join(' ') || first), first + fill('a'), fill(parts.join(''))];
}

/** Cheapest of a few runs of `fn` (repeated until 0.5 ms pass, for short ones), in ns per call. */
function cost(fn: () => unknown): number {
  let best = Infinity;
  for (let k = 0; k < 2; k++) {
    let calls = 0;
    const t = process.hrtime.bigint();
    let spent = 0;
    do {
      fn();
      calls++;
      spent = Number(process.hrtime.bigint() - t);
    } while (spent < 500_000);
    best = Math.min(best, spent / calls);
  }
  return best;
}

/**
 * A scan the linear engine surely does in linear time (one state loop over the whole line): its own growth from the
 * small to the big line is what "linear" costs on this machine (cache and allocation effects included).
 */
const baseline = compileLinear('\\u0001[^\\u0002]*\\u0002|[^\\u0003]*\\u0003', '');

/** How much faster than the baseline the pattern's cost grows from `small` to `big` (1 = linear). */
function growth(c: CompiledEntry, small: string, big: string): number {
  entryMatches(c, small); // compile and warm up
  const pattern = cost(() => entryMatches(c, big)) / cost(() => entryMatches(c, small));
  const linear = cost(() => baseline.test(big)) / cost(() => baseline.test(small));
  return pattern / linear;
}

const kb = getKnowledgeBase();

describe('every pattern of the shipped knowledge base does linear work', () => {
  for (const c of kb.entries) {
    it(`${c.entry.id}: a 16x longer adversarial line costs what a linear scan's does, not 16x more`, { retry: 2 }, () => {
      for (const pattern of c.entry.patterns) {
        const parts = literalParts(pattern);
        const small = adversarialLines(parts, 2560);
        const big = adversarialLines(parts, 16 * 2560);
        for (let k = 0; k < small.length; k++) {
          expect(small[k]!.length).toBeGreaterThan(FAST_ENGINE_LINE);
          const g = growth(c, small[k]!, big[k]!);
          expect({ pattern, family: k, growth: g < 8 ? 'linear' : g }).toEqual({ pattern, family: k, growth: 'linear' });
        }
      }
    });
  }

  it('the reported case: the mirrors line grows like a linear scan, where the default engine grows ~16x more', { retry: 2 }, () => {
    const c = kb.byId.get('fetch-no-network-or-proxy')!;
    const unit = 'All mirrors are down: [';
    const small = unit.repeat(4096 / unit.length);
    const big = unit.repeat(65536 / unit.length);
    expect(growth(c, small, big)).toBeLessThan(8);
    // The same pattern on the backtracking engine: quadratic, which is what the linear engine replaces.
    const backtracking = c.regexes[0]!;
    const quadratic = cost(() => backtracking.test(big)) / cost(() => backtracking.test(small)) / (cost(() => baseline.test(big)) / cost(() => baseline.test(small)));
    expect(quadratic).toBeGreaterThan(8);
  });
});
