/**
 * patches/<id>.yaml: data, validated here. Two kinds:
 * - archive-urls: add mirror URLs to a named archive block (content-matched, so it survives line shifts);
 * - diff: a unified diff (inline or in a file beside the yaml), applied with `git apply`.
 */
import { z } from 'zod';

export const ArchiveUrlsPatchSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    description: z.string(),
    kind: z.literal('archive-urls'),
    file: z.string().describe('file holding the archive block, relative to the source root'),
    archive: z.string().describe('the `name = "..."` of the archive block'),
    addUrls: z.array(z.string().url()).min(1).describe('appended after the existing urls; the sha256 is kept'),
    failureIds: z.array(z.string()).default([]).describe('diagnose ids this patch fixes'),
  })
  .strict();

export const DiffPatchSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    description: z.string(),
    kind: z.literal('diff'),
    diff: z.string().optional().describe('inline unified diff'),
    diffFile: z.string().optional().describe('unified diff file, relative to the yaml'),
    failureIds: z.array(z.string()).default([]),
  })
  .strict()
  .refine((p) => (p.diff === undefined) !== (p.diffFile === undefined), { message: 'give exactly one of diff or diffFile' });

export const PatchSchema = z.union([ArchiveUrlsPatchSchema, DiffPatchSchema]);
export type ArchiveUrlsPatch = z.infer<typeof ArchiveUrlsPatchSchema>;
export type DiffPatch = z.infer<typeof DiffPatchSchema>;
export type PatchDef = z.infer<typeof PatchSchema>;

/** Expected outcomes of a check are values (STYLE §3). */
export type PatchCheck =
  | { status: 'applies'; files: string[] }
  | { status: 'already-applied'; files: string[] }
  | { status: 'conflict'; files: string[]; reason: string };
