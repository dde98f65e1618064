import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPatches, editArchiveUrls, loadPatch } from '../../../src/patches/index.js';
import { ConflictError } from '../../../src/errors.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { createExec } from '../../../src/exec/index.js';

const NASM = 'http://www.nasm.us/pub/nasm/releasebuilds/2.12.02/nasm-2.12.02.tar.bz2';
// The shape of the nasm block in TensorFlow r1.4's tensorflow/workspace.bzl.
const WORKSPACE = `  tf_http_archive(
      name = "jpeg",
      urls = [
          "https://mirror.bazel.build/github.com/libjpeg-turbo/libjpeg-turbo/archive/1.5.1.tar.gz",
      ],
      sha256 = "c15a9607892113946379ccea3ca8b85018301b200754f209453ab21674268e77",
  )

  tf_http_archive(
      name = "nasm",
      urls = [
          "https://mirror.bazel.build/www.nasm.us/pub/nasm/releasebuilds/2.12.02/nasm-2.12.02.tar.bz2",
          "http://pkgs.fedoraproject.org/repo/pkgs/nasm/nasm-2.12.02.tar.bz2/d15843c3fb7db39af80571ee27ec6fad/nasm-2.12.02.tar.bz2",
      ],
      sha256 = "00b0891c678c065446ca59bcee64719d0096d54d6886e6e472aeee2e170ae324",
      strip_prefix = "nasm-2.12.02",
      build_file = str(Label("//third_party:nasm.BUILD")),
  )
`;

describe('editArchiveUrls (content-matched nasm fix)', () => {
  it('adds the mirror after the existing urls of the nasm block only, keeping the sha256', () => {
    const r = editArchiveUrls(WORKSPACE, 'nasm', [NASM]);
    expect(r.status).toBe('applies');
    if (r.status !== 'applies') return;
    const lines = r.text.split('\n');
    const at = lines.findIndex((l) => l.includes(NASM));
    expect(lines[at]).toBe(`          "${NASM}",`);
    expect(lines[at - 1]).toContain('pkgs.fedoraproject.org');
    expect(lines[at + 1]).toBe('      ],');
    expect(r.text).toContain('sha256 = "00b0891c678c065446ca59bcee64719d0096d54d6886e6e472aeee2e170ae324"');
    expect(r.text.split(NASM).length).toBe(2);
    // Everything outside the added line is unchanged.
    expect(lines.filter((_, n) => n !== at).join('\n')).toBe(WORKSPACE);
    expect(editArchiveUrls(r.text, 'nasm', [NASM]).status).toBe('already-applied');
  });

  it('survives shifted lines and other blocks around it (matches content, not line numbers)', () => {
    const shifted = '# header\n'.repeat(40) + WORKSPACE.replace('name = "nasm"', "name='nasm'");
    expect(editArchiveUrls(shifted, 'nasm', [NASM]).status).toBe('applies');
  });

  it('reports a conflict when there is no such block, or two of them', () => {
    expect(editArchiveUrls(WORKSPACE.replace('"nasm"', '"nasm2"'), 'nasm', [NASM])).toMatchObject({ status: 'conflict', reason: expect.stringContaining('no archive block') });
    expect(editArchiveUrls(WORKSPACE + WORKSPACE, 'nasm', [NASM])).toMatchObject({ status: 'conflict' });
  });

  it('turns a single url = "…" into a list and handles one-line lists', () => {
    const single = 'native.new_http_archive(\n    name = "nasm",\n    url = "http://a/n.tar.bz2",\n    sha256 = "x",\n)\n';
    const r = editArchiveUrls(single, 'nasm', [NASM]);
    expect(r.status === 'applies' && r.text).toContain(`urls = [\n        "http://a/n.tar.bz2",\n        "${NASM}",\n    ],`);
    const oneLine = 'http_archive(name = "nasm", urls = ["http://a/n.tar.bz2"], sha256 = "x")';
    const r2 = editArchiveUrls(oneLine, 'nasm', [NASM]);
    expect(r2.status === 'applies' && r2.text).toBe(`http_archive(name = "nasm", urls = ["http://a/n.tar.bz2", "${NASM}"], sha256 = "x")`);
  });
});

function tree(files: Record<string, string>): string {
  const dir = makeTempDir('tfb-patch-');
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  return dir;
}

describe('applyPatches on a real tree', () => {
  it('loads patches/nasm-mirror.yaml, applies it once, and is idempotent', async () => {
    expect(loadPatch('nasm-mirror').def).toMatchObject({ kind: 'archive-urls', archive: 'nasm', file: 'tensorflow/workspace.bzl' });
    const dir = tree({ 'tensorflow/workspace.bzl': WORKSPACE });
    expect(await applyPatches(['nasm-mirror'], dir, createExec(), { checkOnly: true })).toMatchObject([{ status: 'applies', applied: false }]);
    expect(readFileSync(join(dir, 'tensorflow/workspace.bzl'), 'utf8')).toBe(WORKSPACE);
    expect(await applyPatches(['nasm-mirror'], dir, createExec())).toMatchObject([{ status: 'applies', applied: true }]);
    const once = readFileSync(join(dir, 'tensorflow/workspace.bzl'), 'utf8');
    expect(once.split(NASM).length).toBe(2);
    expect(await applyPatches(['nasm-mirror'], dir, createExec())).toMatchObject([{ status: 'already-applied', applied: false }]);
    expect(readFileSync(join(dir, 'tensorflow/workspace.bzl'), 'utf8')).toBe(once);
  });

  it('applies a unified diff with git apply, detects it as applied, and leaves the tree untouched on a conflict', async () => {
    const patches = tree({
      'fix-a.yaml': 'id: fix-a\ndescription: d\nkind: diff\ndiffFile: fix-a.diff\n',
      'fix-a.diff': '--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+TWO\n',
    });
    const dir = tree({ 'a.txt': 'one\ntwo\n', 'tensorflow/workspace.bzl': WORKSPACE });
    expect(await applyPatches(['fix-a'], dir, createExec(), { patchesDir: patches })).toMatchObject([{ status: 'applies', applied: true, files: ['a.txt'] }]);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one\nTWO\n');
    expect(await applyPatches(['fix-a'], dir, createExec(), { patchesDir: patches })).toMatchObject([{ status: 'already-applied' }]);

    const other = tree({ 'a.txt': 'one\nthree\n', 'tensorflow/workspace.bzl': WORKSPACE });
    writeFileSync(join(patches, 'nasm-mirror.yaml'), readFileSync(new URL('../../../patches/nasm-mirror.yaml', import.meta.url)));
    const err = await applyPatches(['nasm-mirror', 'fix-a'], other, createExec(), { patchesDir: patches }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).exitCode).toBe(6);
    expect((err as ConflictError).details.join('\n')).toContain('fix-a: a.txt');
    // The nasm patch would apply, but nothing is written when any patch conflicts.
    expect(readFileSync(join(other, 'tensorflow/workspace.bzl'), 'utf8')).toBe(WORKSPACE);
    expect(readFileSync(join(other, 'a.txt'), 'utf8')).toBe('one\nthree\n');
  });
});
