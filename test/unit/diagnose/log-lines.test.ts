/**
 * Table-driven over the knowledge base and the reference failure list: every real log line, diagnosed on its
 * own, must put its failure mode first. Also checks that the literal prefilter never hides a real line.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseLines, getKnowledgeBase } from '../../../src/diagnose/index.js';
import { pickWinner } from '../../../src/diagnose/knowledge.js';
import { requiredLiteral } from '../../../src/diagnose/literal.js';
import { buildPrefilter } from '../../../src/diagnose/matcher.js';

interface ReferenceEntry {
  id: string;
  log_lines: string[];
  related_lines: string[];
}
const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/logs/reference-log-lines.json', import.meta.url), 'utf8'),
) as ReferenceEntry[];

const kb = getKnowledgeBase();
const kbRows = kb.entries.flatMap((c) => c.entry.examples.map((line) => [c.entry.id, line] as const));
const refRows = reference.flatMap((r) => r.log_lines.map((line) => [r.id, line] as const));

describe('every example line of the knowledge base', () => {
  it.each(kbRows)('%s ← %s', (id, line) => {
    const d = diagnoseLines([line]);
    expect(d.matches[0]?.id).toBe(id);
    expect(d.matches[0]?.lineNumber).toBe(1);
  });
});

describe('every real log line of shared/reference/failures.json', () => {
  it('covers all 61 failure modes', () => {
    expect(new Set(refRows.map(([id]) => id)).size).toBe(61);
  });
  it.each(refRows)('%s ← %s', (id, line) => {
    expect(diagnoseLines([line]).matches.map((m) => m.id)[0]).toBe(id);
  });
});

describe('literal prefilter', () => {
  const prefilter = buildPrefilter(kb.entries);
  const related = reference.flatMap((r) => r.related_lines);

  it('lets through every line any entry matches (examples, related lines)', () => {
    for (const line of [...kbRows.map(([, l]) => l), ...refRows.map(([, l]) => l), ...related]) {
      if (pickWinner(kb.entries, line)) expect(prefilter(line), line).toBe(true);
    }
  });

  it('the literal of each pattern occurs in every example that pattern matches', () => {
    for (const c of kb.entries) {
      for (const r of c.regexes) {
        const literal = requiredLiteral(r.source, r.flags);
        for (const ex of c.entry.examples) if (literal !== undefined && r.test(ex)) expect(ex, r.source).toContain(literal);
      }
    }
  });

  it('rejects ordinary bazel noise', () => {
    for (const line of [
      'INFO: Analyzed target //tensorflow/tools/pip_package:build_pip_package (412 packages loaded, 28412 targets configured).',
      '[12,345 / 23,456] Compiling tensorflow/core/kernels/conv_ops_fused_float.cc; 45s local ... (2 actions running)',
      'Loading: 0 packages loaded',
      "external/eigen_archive/Eigen/src/Core/util/Meta.h:12:3: warning: unused variable 'x' [-Wunused-variable]",
    ]) {
      expect(prefilter(line), line).toBe(false);
    }
  });
});

describe('requiredLiteral', () => {
  it.each([
    ['No space left on device', '', 'No space left on device'],
    ["Unrecognized VM option '?CompactStrings'?", '', 'Unrecognized VM option '],
    ['internal compiler error: Killed \\(program (?:cc1plus|cc1)\\)', '', 'internal compiler error: Killed (program '],
    ['Checksum was [0-9a-f]{64} but wanted', '', 'Checksum was '],
    ['\\x41BCD and \\u0041xyz', '', 'BCD and '],
    ['\\p{L}+tail end', 'u', 'tail end'],
    ['(a)\\1234 and more', '', ' and more'],
    ['ab+cdef', '', 'cdef'],
    ['x\\d+yz\\.so', '', 'yz.so'],
    ['foo|barbaz', '', undefined],
    ['No space left', 'i', undefined],
    ['a.b', '', undefined],
    ['abcdef{|xyz}', '', undefined],
    ['json {"key"', '', 'json {"key"'],
    ['xy{2}abcd', '', 'abcd'],
    ['(ab){2,3}cdef', '', 'cdef'],
  ])('/%s/%s → %s', (source, flags, expected) => {
    expect(requiredLiteral(source, flags)).toBe(expected);
  });
});
