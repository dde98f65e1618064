/**
 * Diagnosis of build logs against the failure knowledge base (recipes/knowledge/failures.yaml).
 * The build pipeline calls diagnoseFile on a failed step's log; `tfbuild explain` calls it on any log.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { EnvironmentError } from '../errors.js';
import { getKnowledgeBase, type CompiledKnowledgeBase } from './knowledge.js';
import { LogMatcher, type Diagnosis, type Match } from './matcher.js';
import { forEachLine } from './read-lines.js';

export type { Diagnosis, LogLine, Match } from './matcher.js';
export { formatDiagnosis, type FormatDiagnosisOptions } from './format.js';
export { getKnowledgeBase, readKnowledgeBase, validateKnowledgeBase, DEFAULT_KNOWLEDGE_PATH } from './knowledge.js';
export type { CompiledKnowledgeBase } from './knowledge.js';

/** Diagnose lines already in memory (a captured tail, a test). */
export function diagnoseLines(lines: Iterable<string>, kb: CompiledKnowledgeBase = getKnowledgeBase()): Diagnosis {
  const matcher = new LogMatcher(kb);
  for (const line of lines) matcher.push(line);
  return matcher.result();
}

/** Diagnose a stream line by line; memory stays bounded whatever its length. */
export async function diagnoseStream(stream: Readable, kb: CompiledKnowledgeBase = getKnowledgeBase()): Promise<Diagnosis> {
  const matcher = new LogMatcher(kb);
  await forEachLine(stream, (line) => matcher.push(line));
  return matcher.result();
}

/** Diagnose a log file (gzip-compressed when it ends in .gz, as CI artifacts often are). Throws EnvironmentError when it cannot be read. */
export async function diagnoseFile(path: string, kb: CompiledKnowledgeBase = getKnowledgeBase()): Promise<Diagnosis> {
  try {
    const file = createReadStream(path);
    if (!path.endsWith('.gz')) return await diagnoseStream(file, kb);
    const gunzip = createGunzip();
    const [diagnosis] = await Promise.all([diagnoseStream(gunzip, kb), pipeline(file, gunzip)]);
    return diagnosis;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string') {
      throw new EnvironmentError(`cannot read log ${path}: ${err.message}`, {
        hint:
          err.code === 'ENOENT'
            ? 'check the path (use - to read the log from stdin)'
            : err.code === 'EISDIR'
              ? 'give the path of a log file, not a directory'
              : err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR'
                ? 'the file ends in .gz but is not complete gzip data; decompress it yourself and pass the result'
                : 'check the file permissions',
        cause: e,
      });
    }
    throw e;
  }
}

/**
 * Ids meaning the kernel's OOM killer (or a memory limit) ended a compile or link action; the build pipeline
 * retries these with fewer jobs. A bazel server JVM heap exhaustion is not one: fewer jobs do not shrink the heap.
 */
export const OOM_IDS: ReadonlySet<string> = new Set(['build-compiler-killed-oom', 'build-action-killed-sigkill']);

/** True when the match says an action was killed for lack of memory. */
export function isOomMatch(m: Pick<Match, 'id'> & Partial<Pick<Match, 'tags'>>): boolean {
  return OOM_IDS.has(m.id) || (m.tags ?? []).includes('oom');
}
