import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { DEFAULT_KNOWLEDGE_PATH, getKnowledgeBase, readKnowledgeBase, validateKnowledgeBase } from '../../../src/diagnose/knowledge.js';
import { FAILURES_SCHEMA_PATH, formatFailuresJsonSchema, getFailuresJsonSchema } from '../../../src/diagnose/schema.js';
import { ConfigError } from '../../../src/errors.js';
import { makeTempDir } from '../../helpers/tmp.js';

interface ReferenceEntry {
  id: string;
  step: string;
  severity: string;
  log_lines: string[];
}
const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/logs/reference-log-lines.json', import.meta.url), 'utf8'),
) as ReferenceEntry[];

const REFERENCE_PROSE = '/work/shared/reference/failures.json';

function shippedRaw(): { failures: Record<string, unknown>[] } & Record<string, unknown> {
  return YAML.parse(readFileSync(DEFAULT_KNOWLEDGE_PATH, 'utf8')) as { failures: Record<string, unknown>[] };
}

function entry(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'test-entry',
    title: 't',
    step: 'bazel-build',
    severity: 'fatal',
    priority: 50,
    patterns: ['boom'],
    cause: 'c',
    fix: 'f',
    ...over,
  };
}

describe('failure knowledge base (recipes/knowledge/failures.yaml)', () => {
  it('validates with no errors and no warnings', () => {
    const r = validateKnowledgeBase(shippedRaw());
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.value?.entries.length).toBeGreaterThanOrEqual(61);
  });

  it('keeps every id of the 61 reference failure modes, with its severity class and pipeline step', () => {
    const kb = getKnowledgeBase();
    expect(reference).toHaveLength(61);
    const stepOf = { configure: 'configure', fetch: 'bazel-build', build: 'bazel-build', package: 'package', install: 'install', verify: 'verify' } as Record<string, string>;
    for (const ref of reference) {
      const c = kb.byId.get(ref.id);
      expect(c, ref.id).toBeDefined();
      expect(c!.entry.step, ref.id).toBe(stepOf[ref.step]);
      if (ref.severity === 'info') expect(c!.entry.severity, ref.id).toBe('benign');
      if (ref.severity === 'warning') expect(c!.entry.severity, ref.id).toBe('warning');
      if (ref.severity === 'error') expect(['fatal', 'error'], ref.id).toContain(c!.entry.severity);
    }
  });

  it('has a cause, a fix and at least one real example line for every entry, none copied from another entry', () => {
    const kb = getKnowledgeBase();
    const causes = new Set<string>();
    for (const { entry: e } of kb.entries) {
      expect(e.cause.length, e.id).toBeGreaterThan(40);
      expect(e.fix.length, e.id).toBeGreaterThan(30);
      expect(e.examples.length, e.id).toBeGreaterThan(0);
      expect(causes.has(e.cause), e.id).toBe(false);
      causes.add(e.cause);
    }
  });

  // The reference prose lives outside the repository; where it is present, make sure none of it was copied.
  it.skipIf(!existsSync(REFERENCE_PROSE))('words causes and fixes differently from the reference text', () => {
    const ref = JSON.parse(readFileSync(REFERENCE_PROSE, 'utf8')) as { id: string; cause: string; fix: string }[];
    for (const r of ref) {
      const mine = getKnowledgeBase().byId.get(r.id)!.entry;
      expect(mine.cause, r.id).not.toBe(r.cause);
      expect(mine.fix, r.id).not.toBe(r.fix);
    }
  });

  it('marks the OOM kills (compiler, linker, exit 137) with the oom tag and nothing else', () => {
    const tagged = getKnowledgeBase()
      .entries.filter((c) => c.entry.tags.includes('oom'))
      .map((c) => c.entry.id)
      .sort();
    expect(tagged).toEqual(['build-action-killed-sigkill', 'build-compiler-killed-oom']);
  });

  it('reports an invalid regex as an error naming the entry', () => {
    const r = validateKnowledgeBase({ version: 1, failures: [entry({ id: 'broken-one', patterns: ['ok', 'unclosed (group'] })] });
    expect(r.value).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^broken-one: invalid pattern \/unclosed \(group\//);
  });

  it('names the entry when a field is wrong, rejects stateful flags, unknown fields and duplicate ids', () => {
    const bad = validateKnowledgeBase({
      version: 1,
      failures: [entry(), entry({ id: 'second', severity: 'catastrophic', flags: 'g', colour: 'red' })],
    });
    expect(bad.errors.join('\n')).toMatch(/failures\[1\] \(second\)\.severity/);
    expect(bad.errors.join('\n')).toMatch(/failures\[1\] \(second\)\.flags/);
    expect(bad.errors.join('\n')).toMatch(/colour/);
    const dup = validateKnowledgeBase({ version: 1, failures: [entry(), entry()] });
    expect(dup.errors).toEqual(['test-entry: duplicate id']);
  });

  it('rejects an example its own patterns do not match, and warns when a higher-priority entry claims it', () => {
    const miss = validateKnowledgeBase({ version: 1, failures: [entry({ examples: ['nothing here'] })] });
    expect(miss.errors[0]).toMatch(/test-entry: example is not matched/);
    const claimed = validateKnowledgeBase({
      version: 1,
      failures: [entry({ examples: ['boom boom'] }), entry({ id: 'louder', priority: 90, patterns: ['boom boom'] })],
    });
    expect(claimed.errors).toEqual([]);
    expect(claimed.warnings).toEqual(['test-entry: example is claimed by louder: boom boom']);
  });

  it('readKnowledgeBase throws ConfigError with the entry errors as details', () => {
    const dir = join(makeTempDir('tfbuild-kb-'), 'kb.yaml');
    writeFileSync(dir, YAML.stringify({ version: 1, failures: [entry({ patterns: ['('] })] }));
    try {
      readKnowledgeBase(dir);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).details[0]).toMatch(/^test-entry: invalid pattern/);
    }
  });
});

describe('schema/failures.schema.json', () => {
  it('is in sync with KnowledgeBaseSchema (UPDATE_SCHEMA=1 regenerates it)', () => {
    const expected = formatFailuresJsonSchema();
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(FAILURES_SCHEMA_PATH, expected);
    expect(readFileSync(FAILURES_SCHEMA_PATH, 'utf8')).toBe(expected);
  });

  it('describes fields for editors and leaves defaulted ones optional', () => {
    const s = getFailuresJsonSchema() as {
      properties: { failures: { items: { properties: Record<string, { description?: string }>; required: string[] } } };
    };
    const item = s.properties.failures.items;
    expect(item.properties.priority?.description).toMatch(/highest priority wins/);
    expect(item.required).toContain('patterns');
    expect(item.required).not.toContain('fixCommands');
  });

  it('is referenced from the knowledge base file', () => {
    expect(shippedRaw().$schema).toBe('../../schema/failures.schema.json');
  });
});

describe('pattern hygiene', () => {
  it('warns about patterns with several unbounded wildcards', () => {
    const r = validateKnowledgeBase({ version: 1, failures: [entry({ patterns: ['a.*b.+c', 'x\\.*y.*z', 'fine.*'] })] });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^test-entry: \/a\.\*b\.\+c\/ has several unbounded wildcards/);
  });
});
