import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { needsOtherBazel, settleBazel } from '../../../src/steps/ensure-bazel.js';
import { resolveRecipe } from '../../../src/recipes/index.js';
import type { HostFacts } from '../../../src/probe/types.js';

const base = JSON.parse(readFileSync(new URL('../../fixtures/hosts/debian12-this-machine.json', import.meta.url), 'utf8')) as HostFacts;
const { recipe } = resolveRecipe('r2.12');
const withBazel = (bazel: HostFacts['bazel'], bazelisk: HostFacts['bazelisk'] = null): HostFacts => ({ ...base, bazel, bazelisk });

describe('needsOtherBazel', () => {
  it('is true for no bazel and for a known release outside the range; false otherwise', () => {
    expect(needsOtherBazel(withBazel(null), recipe)).toBe(true);
    expect(needsOtherBazel(withBazel({ kind: 'bazel', path: '/b', version: '0.15.2', unknownRelease: false }), recipe)).toBe(true);
    expect(needsOtherBazel(withBazel({ kind: 'bazel', path: '/b', version: '5.3.0', unknownRelease: false }), recipe)).toBe(false);
    // Debian's `bazel no_version`: preflight judges it, nothing is downloaded behind the user's back.
    expect(needsOtherBazel(withBazel({ kind: 'bazel', path: '/b', version: null, unknownRelease: true }), recipe)).toBe(false);
    expect(needsOtherBazel(withBazel(null, { path: '/usr/local/bin/bazelisk', version: null }), recipe)).toBe(false);
  });
});

describe('settleBazel', () => {
  it('headless without --yes changes nothing and fetches nothing (preflight reports it, exit 3)', async () => {
    const facts = withBazel(null);
    const out = await settleBazel({ facts, recipe, yes: false, interactive: false, cacheDir: '/nonexistent', confirm: async () => true, print: () => {} });
    expect(out).toBe(facts);
  });
  it('asks before downloading and stops with a usage error naming --yes when the answer is no', async () => {
    const asked: string[] = [];
    const p = settleBazel({
      facts: withBazel(null), recipe, yes: false, interactive: true, cacheDir: '/nonexistent',
      confirm: async (q) => { asked.push(q); return false; }, print: () => {},
    });
    await expect(p).rejects.toMatchObject({ kind: 'usage', hint: expect.stringContaining('--yes') });
    expect(asked[0]).toMatch(/Download bazel 5\.3\.0 \(sha256-verified\)/);
  });
});
