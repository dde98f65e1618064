/**
 * The failure knowledge base schema: recipes/knowledge/failures.yaml, one entry per known way a TensorFlow source
 * build fails. Data, not code: a new failure mode is added by editing the YAML. `schema/failures.schema.json` is
 * generated from this (kept in sync by a test).
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const FAILURE_STEPS = ['source', 'patch', 'configure', 'bazel-build', 'package', 'install', 'verify', 'any'] as const;
export type FailureStep = (typeof FAILURE_STEPS)[number];

/** Ordered from most to least likely to be the root cause of a failed step. */
export const SEVERITIES = ['fatal', 'error', 'warning', 'benign'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Stateful flags (g, y) would make RegExp.test depend on the previous line; d adds nothing to a yes/no test. */
const ALLOWED_FLAGS = /^[imsu]*$/;

export const FailureEntrySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'kebab-case, e.g. "build-disk-full"')
      .describe('stable identifier, shown to users and used by the build pipeline (e.g. OOM retry)'),
    title: z.string().min(1).describe('one-line summary of the failure'),
    step: z.enum(FAILURE_STEPS).describe('pipeline step where the log line normally appears; matching does not filter by it'),
    severity: z
      .enum(SEVERITIES)
      .describe(
        'fatal: stops the step by itself and is the root cause; error: an error that is often a wrapper or consequence; ' +
          'warning: a degraded result; benign: harmless noise that looks alarming',
      ),
    priority: z
      .number()
      .int()
      .min(0)
      .max(100)
      .describe('when several entries match one line the highest priority wins; catch-alls are low'),
    patterns: z
      .array(z.string().min(1))
      .min(1)
      .describe('JavaScript regular expressions, each tested against one log line; any match counts'),
    flags: z.string().regex(ALLOWED_FLAGS, 'only i, m, s, u (g and y are stateful)').default('').describe('RegExp flags for every pattern'),
    tags: z.array(z.enum(['oom'])).default([]).describe('machine-readable traits; "oom": the build pipeline may retry with fewer jobs'),
    cause: z.string().min(1).describe('why this happens'),
    fix: z.string().min(1).describe('what to do about it'),
    fixCommands: z.array(z.string()).default([]).describe('example commands; paths are placeholders to adapt'),
    examples: z.array(z.string()).default([]).describe('real log lines this entry must match (tested)'),
    sources: z.array(z.string().url()).default([]).describe('public reports and fixes this entry is based on'),
  })
  .strict();

export const KnowledgeBaseSchema = z
  .object({
    $schema: z.string().optional().describe('path of this JSON Schema, for editors'),
    version: z.literal(1).describe('format version of this file'),
    failures: z.array(FailureEntrySchema).min(1).describe('known failure modes'),
  })
  .strict();

export type FailureEntry = z.infer<typeof FailureEntrySchema>;
export type KnowledgeBase = z.infer<typeof KnowledgeBaseSchema>;

/** JSON Schema of the knowledge base file, written to schema/failures.schema.json. */
export function getFailuresJsonSchema(): unknown {
  return z.toJSONSchema(KnowledgeBaseSchema, { io: 'input' });
}

/** The exact text of schema/failures.schema.json. */
export function formatFailuresJsonSchema(): string {
  return JSON.stringify(getFailuresJsonSchema(), null, 2) + '\n';
}

export const FAILURES_SCHEMA_PATH = fileURLToPath(new URL('../../schema/failures.schema.json', import.meta.url));
