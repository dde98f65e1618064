/**
 * The real log lines of bench/data/diagnosis-heldout.json (collected after the entries were written, to measure how
 * they generalise; bench/diagnosis-heldout.mjs reports the rate). Kept here so a pattern change cannot lose them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseLines } from '../../../src/diagnose/index.js';

const data = JSON.parse(readFileSync(new URL('../../../bench/data/diagnosis-heldout.json', import.meta.url), 'utf8')) as {
  lines: Array<{ expect: string; line: string; source: string }>;
};

describe('held-out real log lines', () => {
  it.each(data.lines.map((c) => [c.expect, c.line] as const))('%s first: %s', (expect_, line) => {
    expect(diagnoseLines([line]).matches[0]?.id).toBe(expect_);
  });
});
