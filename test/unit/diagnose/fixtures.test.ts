/**
 * Whole-log excerpts as users meet them (bazel INFO/WARNING noise, progress lines, Loading/Analyzing, a benign
 * warning before the real error, colour codes and CRLF): the right failure mode must come first, at the right line.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseFile, isOomMatch } from '../../../src/diagnose/index.js';

const dir = new URL('../../fixtures/logs/', import.meta.url);
const path = (file: string): string => new URL(file, dir).pathname;

/** 1-based number of the first line of `file` containing `marker`. */
function lineOf(file: string, marker: string): number {
  const idx = readFileSync(path(file), 'utf8').split('\n').findIndex((l) => l.includes(marker));
  if (idx === -1) throw new Error(`${marker} not in ${file}`);
  return idx + 1;
}

interface Case {
  file: string;
  first: string;
  /** Text on the line the first match must point at. */
  marker: string;
  count?: number;
  /** Other ids that must be found, in this order, after the first. */
  then?: string[];
  oom?: boolean;
}

const cases: Case[] = [
  { file: 'configure-numpy-missing.log', first: 'configure-numpy-missing', marker: 'Problem getting numpy include path', count: 2 },
  {
    file: 'fetch-nasm-dead-mirror.log',
    first: 'fetch-nasm-2-12-02-mirror-dead',
    marker: "no such package '@nasm//'",
    then: ['fetch-mirror-404-warning-benign'],
  },
  {
    file: 'compile-gcc11-numeric-limits.log',
    first: 'build-gcc11-missing-limits-include',
    marker: "'numeric_limits' is not a member",
    count: 2,
    then: ['build-compile-error-generic', 'fetch-mirror-404-warning-benign'],
  },
  {
    file: 'compile-oom-cc1plus.log',
    first: 'build-compiler-killed-oom',
    // bazel's "(Exit 4)" (gcc's internal-compiler-error code) comes first; the ICE line follows it.
    marker: 'failed: (Exit 4)',
    count: 3,
    then: ['fetch-mirror-404-warning-benign'],
    oom: true,
  },
  { file: 'link-oom-ld-killed.log', first: 'build-action-killed-sigkill', marker: 'ld terminated with signal 9', oom: true },
  { file: 'link-undefined-reference.log', first: 'build-link-undefined-reference', marker: 'undefined reference', count: 3 },
  { file: 'package-bdist-wheel.log', first: 'package-bdist-wheel-missing', marker: "invalid command 'bdist_wheel'" },
  { file: 'pip-install-wheel-tag.log', first: 'install-wheel-tag-mismatch', marker: 'is not a supported wheel' },
  {
    file: 'import-illegal-instruction.log',
    first: 'verify-illegal-instruction',
    marker: 'Illegal instruction',
    then: ['verify-dso-load-failed', 'verify-cpu-feature-guard-info'],
  },
  { file: 'import-malloc-assertion.log', first: 'verify-malloc-assertion-at-session', marker: 'malloc.c:2394' },
  {
    file: 'configure-cuda-colour-crlf.log',
    first: 'configure-cuda-component-not-found',
    marker: 'Could not find any cudnn.h',
    then: ['build-local-config-cuda-failed'],
  },
];

describe('realistic whole logs', () => {
  it.each(cases)('$file → $first', async (c) => {
    const d = await diagnoseFile(path(c.file));
    const [first, ...rest] = d.matches;
    expect(first?.id).toBe(c.first);
    expect(first?.lineNumber).toBe(lineOf(c.file, c.marker));
    expect(first?.line).toContain(c.marker);
    expect(first?.line.includes('\u001b') || first?.line.includes('\r')).toBe(false);
    if (c.count !== undefined) expect(first?.count).toBe(c.count);
    expect(rest.map((m) => m.id)).toEqual(c.then ?? []);
    expect(isOomMatch(first!)).toBe(c.oom ?? false);
    // Benign matches never outrank anything else.
    const severities = d.matches.map((m) => m.severity);
    const firstBenign = severities.indexOf('benign');
    if (firstBenign !== -1) expect(severities.slice(firstBenign).every((s) => s === 'benign')).toBe(true);
  });

  it('a log with no known failure gives no matches', async () => {
    const d = await diagnoseFile(path('no-known-failure.log'));
    expect(d.matches).toEqual([]);
    expect(d.lineCount).toBe(8);
  });

  it('keeps the lines around the first match as context', async () => {
    const d = await diagnoseFile(path('link-oom-ld-killed.log'));
    const m = d.matches[0]!;
    expect(m.context.before.map((l) => l.lineNumber)).toEqual([m.lineNumber - 3, m.lineNumber - 2, m.lineNumber - 1]);
    expect(m.context.before[2]?.text).toMatch(/^ERROR: .*Linking tensorflow\/python\/_pywrap_tensorflow_internal\.so failed/);
    expect(m.context.after.map((l) => l.text)).toEqual([
      'compilation terminated.',
      'Target //tensorflow/tools/pip_package:build_pip_package failed to build',
      'Use --verbose_failures to see the command lines of failed build steps.',
    ]);
  });
});
