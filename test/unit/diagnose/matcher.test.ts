import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { diagnoseFile, diagnoseLines, diagnoseStream, formatDiagnosis, isOomMatch } from '../../../src/diagnose/index.js';
import { validateKnowledgeBase } from '../../../src/diagnose/knowledge.js';
import { cleanLine, MAX_STORED_LINE } from '../../../src/diagnose/matcher.js';
import { forEachLine, MAX_LINE_CHARS } from '../../../src/diagnose/read-lines.js';
import { EnvironmentError } from '../../../src/errors.js';
import { makeTempDir } from '../../helpers/tmp.js';

const OOM = 'gcc: fatal error: Killed signal terminated program cc1plus';
const BENIGN_404 =
  'WARNING: Download from https://mirror.bazel.build/x.tar.gz failed: class com.google.devtools.build.lib.bazel.repository.downloader.UnrecoverableHttpException GET returned 404 Not Found';
const DSO_WARNING =
  "W tensorflow/stream_executor/platform/default/dso_loader.cc:55] Could not load dynamic library 'libcudart.so.10.1'; dlerror: libcudart.so.10.1: cannot open shared object file: No such file or directory";
const CUDA_WRAPPER = "ERROR: An error occurred during the fetch of repository 'local_config_cuda':";
const CUDNN_MISSING = "Could not find any cudnn.h, cudnn_version.h matching version '8' in any subdirectory:";

describe('matcher', () => {
  it('gives a line to the highest-priority entry that matches it (nasm beats the TLS and generic download entries)', () => {
    const line =
      "ERROR: /x/BUILD:85:1: no such package '@nasm//': java.io.IOException: Error downloading [https://mirror.bazel.build/www.nasm.us/pub/nasm/releasebuilds/2.12.02/nasm-2.12.02.tar.bz2] to /x/nasm-2.12.02.tar.bz2: All mirrors are down: [sun.security.validator.ValidatorException: End user tried to act as a CA, Unknown host: www.nasm.us]";
    const d = diagnoseLines([line]);
    expect(d.matches.map((m) => m.id)).toEqual(['fetch-nasm-2-12-02-mirror-dead']);
  });

  it('ranks the fatal error first, then errors, warnings, and benign messages last, whatever their order in the log', () => {
    const d = diagnoseLines([BENIGN_404, DSO_WARNING, CUDA_WRAPPER, 'noise', CUDNN_MISSING, BENIGN_404]);
    expect(d.matches.map((m) => [m.id, m.severity])).toEqual([
      ['configure-cuda-component-not-found', 'fatal'],
      ['build-local-config-cuda-failed', 'error'],
      ['verify-dso-load-failed', 'warning'],
      ['fetch-mirror-404-warning-benign', 'benign'],
    ]);
  });

  it('among fatal errors prefers the higher priority, then the earlier line', () => {
    const disk = 'ld: final link failed: No space left on device';
    expect(diagnoseLines([OOM, disk]).matches.map((m) => m.id)).toEqual(['build-disk-full', 'build-compiler-killed-oom']);
    const d = diagnoseLines(['Illegal instruction (core dumped)', 'ImportError: libcudart.so.8.0: cannot open shared object file: No such file or directory']);
    expect(d.matches.map((m) => m.id)).toEqual(['verify-cuda-lib-importerror', 'verify-illegal-instruction']);
  });

  it('collapses repeats of one id into one match with a count, the first line number and a few samples', () => {
    const lines = ['a', OOM, 'b', ...Array.from({ length: 9 }, () => OOM)];
    const [m, ...rest] = diagnoseLines(lines).matches;
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ id: 'build-compiler-killed-oom', line: OOM, lineNumber: 2, count: 10, lastLineNumber: 12 });
    expect(m!.lines.map((l) => l.lineNumber)).toEqual([2, 4, 5, 6, 7]);
  });

  it('fills the Match fields the pipeline uses', () => {
    const m = diagnoseLines([OOM]).matches[0]!;
    expect(m.step).toBe('bazel-build');
    expect(m.cause).toMatch(/OOM killer/);
    expect(m.fix).toMatch(/fewer parallel jobs/);
    expect(m.fixCommands.some((c) => c.includes('--local_ram_resources'))).toBe(true);
  });

  it('ignores colour codes and carriage-return redraws', () => {
    expect(cleanLine('\u001b[31m\u001b[1mERROR: \u001b[0mboom')).toBe('ERROR: boom');
    expect(cleanLine('[1 / 9] Compiling a.cc\r\u001b[K[2 / 9] Compiling b.cc')).toBe('[2 / 9] Compiling b.cc');
    const d = diagnoseLines([`\u001b[31m${OOM}\u001b[0m`]);
    expect(d.matches[0]?.line).toBe(OOM);
  });

  it('stores very long lines cut, but still matches them', () => {
    const long = `${'x'.repeat(10_000)} No space left on device`;
    const m = diagnoseLines([long]).matches[0]!;
    expect(m.id).toBe('build-disk-full');
    expect(m.line.length).toBe(MAX_STORED_LINE + 1);
  });

  it('stays fast on a megabyte-long line that starts like a match', () => {
    const t0 = Date.now();
    const d = diagnoseLines([`rsync: change_dir "${'a/'.repeat(500_000)}`, 'Current Bazel version is ' + '9'.repeat(1_000_000)]);
    expect(d.matches).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('uses a custom knowledge base when given one', () => {
    const kb = validateKnowledgeBase({
      version: 1,
      failures: [
        { id: 'kaboom', title: 'k', step: 'any', severity: 'fatal', priority: 1, patterns: ['KA(BO)+M'], flags: 'i', cause: 'c', fix: 'f' },
      ],
    }).value!;
    expect(diagnoseLines(['all fine', 'kaboboM'], kb).matches.map((m) => [m.id, m.lineNumber])).toEqual([['kaboom', 2]]);
  });
});

describe('isOomMatch', () => {
  it.each([
    ['gcc: internal compiler error: Killed (program cc1plus)', true],
    [OOM, true],
    ["ERROR: /src/BUILD:1:1: C++ compilation of rule '//a:b' failed (Exit 137)", true],
    ['collect2: fatal error: ld terminated with signal 9 [Killed]', true],
    ['java.lang.OutOfMemoryError: Java heap space', false],
    ['No space left on device', false],
  ])('%s → %s', (line, oom) => {
    const m = diagnoseLines([line]).matches[0]!;
    expect(isOomMatch(m)).toBe(oom);
  });
});

describe('streams and files', () => {
  it('reads a stream split at arbitrary chunk boundaries, CRLF and a missing final newline', async () => {
    const text = `noise\r\n${OOM}\r\nmore\n${BENIGN_404}`;
    const chunks = text.match(/[\s\S]{1,7}/g)!;
    const d = await diagnoseStream(Readable.from(chunks.map((c) => Buffer.from(c))));
    expect(d.lineCount).toBe(4);
    expect(d.matches.map((m) => [m.id, m.lineNumber])).toEqual([
      ['build-compiler-killed-oom', 2],
      ['fetch-mirror-404-warning-benign', 4],
    ]);
  });

  it('decodes UTF-8 split across chunks', async () => {
    const line = Buffer.from("/usr/include/string.h:652:42: error: ‘memcpy’ was not declared in this scope\n");
    const cut = line.indexOf(0x80); // inside the first curly quote
    const d = await diagnoseStream(Readable.from([line.subarray(0, cut), line.subarray(cut)]));
    expect(d.matches[0]?.id).toBe('build-nvcc-memcpy-force-inlines');
  });

  it('caps a newline-free line and keeps counting lines after it', async () => {
    const seen: number[] = [];
    const huge = 'y'.repeat(MAX_LINE_CHARS + 5000);
    await forEachLine(Readable.from([huge.slice(0, 700_000), huge.slice(700_000), '\nshort\n']), (l) => seen.push(l.length));
    expect(seen).toEqual([MAX_LINE_CHARS, 5]);
  });

  it('a missing file or a directory is an EnvironmentError (exit 3) naming the path', async () => {
    await expect(diagnoseFile('/nonexistent/build.log')).rejects.toThrow(EnvironmentError);
    await expect(diagnoseFile('/nonexistent/build.log')).rejects.toThrow(/\/nonexistent\/build\.log/);
    await expect(diagnoseFile('/tmp')).rejects.toMatchObject({ exitCode: 3, hint: expect.stringMatching(/not a directory/) });
  });
});

describe('formatDiagnosis', () => {
  const d = diagnoseLines(['x', BENIGN_404, OOM, DSO_WARNING, OOM]);

  it('prints the cause, fix, fix commands, matched lines with numbers, the other findings and the log path', () => {
    const text = formatDiagnosis(d, { color: false, logPath: '/work/logs/bazel-build.log' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Likely cause: The compiler was killed for lack of memory [build-compiler-killed-oom, fatal]');
    expect(text).toContain(`  line 3: ${OOM}`);
    expect(text).toContain(`  line 5: ${OOM}`);
    expect(text).toMatch(/Why: The kernel OOM killer/);
    expect(text).toMatch(/Fix: Build again with fewer parallel jobs/);
    expect(text).toContain('$ bazel build --jobs=2 --local_ram_resources=HOST_RAM*.5 ...');
    expect(text).not.toContain('Also found');
    expect(text).toMatch(/warning +line 4: A GPU library failed to load.*\[verify-dso-load-failed\]/);
    expect(text).toMatch(/benign +line 2: A mirror answered 404/);
    expect(lines.at(-2)).toBe('Log: /work/logs/bazel-build.log');
    expect(text).not.toContain('\u001b[');
  });

  it('details a second error, not only the first', () => {
    const two = formatDiagnosis(diagnoseLines([CUDA_WRAPPER, CUDNN_MISSING]), { color: false });
    expect(two).toMatch(/^Likely cause: .*\[configure-cuda-component-not-found, fatal\]/);
    expect(two).toMatch(/\nAlso found: .*\[build-local-config-cuda-failed, error\]\n {2}line 1: ERROR: An error occurred/);
  });

  it('colours only when asked', () => {
    expect(formatDiagnosis(d, { color: true })).toContain('\u001b[1m');
  });

  it('says so when nothing matched', () => {
    expect(formatDiagnosis({ matches: [], lineCount: 3 }, { color: false, logPath: '/l.log' })).toBe(
      'No known failure pattern matched this log.\nRead the last ERROR lines of the log: /l.log\n',
    );
  });
});

describe('compressed logs', () => {
  it('reads .gz logs, and calls a corrupt one an EnvironmentError', async () => {
    const { gzipSync } = await import('node:zlib');
    const { writeFileSync, readFileSync } = await import('node:fs');
    const dir = makeTempDir('tfbuild-gz-');
    const text = readFileSync(new URL('../../fixtures/logs/link-oom-ld-killed.log', import.meta.url));
    writeFileSync(`${dir}/build.log.gz`, gzipSync(text));
    const d = await diagnoseFile(`${dir}/build.log.gz`);
    expect(d.matches[0]).toMatchObject({ id: 'build-action-killed-sigkill', lineNumber: 9 });
    writeFileSync(`${dir}/broken.log.gz`, gzipSync(text).subarray(0, 100));
    await expect(diagnoseFile(`${dir}/broken.log.gz`)).rejects.toMatchObject({ exitCode: 3, hint: expect.stringMatching(/gzip/) });
    writeFileSync(`${dir}/plain.log.gz`, text);
    await expect(diagnoseFile(`${dir}/plain.log.gz`)).rejects.toThrow(EnvironmentError);
  });
});
