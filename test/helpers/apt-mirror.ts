/**
 * An imitation of the publishers' download sites for the offline image-build rehearsal, laid out as
 * `tfbuild docker --mirror` reads it (MIRROR/<host>/<path>):
 * - NVIDIA's CUDA and machine-learning apt repositories for ubuntu1604 (flat repositories, as NVIDIA's are): real
 *   apt metadata (Packages, Release with sha256 sums, InRelease and Release.gpg signed by a test key) over small
 *   packages built with dpkg-deb, named and versioned as the real ones. Their files are stand-ins from recorded real
 *   outputs (test/fixtures/probe): an nvcc script printing CUDA 8.0's `nvcc --version`, version.txt, empty
 *   libraries, cuDNN 6's real header. The repository keys (3bf863cc.pub, 7fa2af80.pub) are the test key.
 * - Bazel's release layout: 0.5.4/bazel-0.5.4-installer-linux-x86_64.sh with .sha256 and .sig, and the release key
 *   at bazel.build/bazel-release.pub.gpg. The "installer" is a small script, not Bazel's: it honours --prefix and
 *   installs Debian's bazel-bootstrap (bazel 4.2.3, what this host has) through apt, linked as PREFIX/bin/bazel.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readFixture } from './fake-gpu.js';
import type { TestKey } from './gpg.js';

export const NVIDIA_HOST = 'developer.download.nvidia.com';
export const CUDA_REPO = `${NVIDIA_HOST}/compute/cuda/repos/ubuntu1604/x86_64`;
export const ML_REPO = `${NVIDIA_HOST}/compute/machine-learning/repos/ubuntu1604/x86_64`;
export const BAZEL_RELEASES = 'github.com/bazelbuild/bazel/releases/download';
export const BAZEL_INSTALLER = `${BAZEL_RELEASES}/0.5.4/bazel-0.5.4-installer-linux-x86_64.sh`;

interface DebFile {
  path: string;
  text?: string;
  mode?: number;
  /** A symlink to this target instead of a file. */
  link?: string;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function buildDeb(outDir: string, work: string, name: string, version: string, files: DebFile[]): void {
  const root = join(work, `${name}_${version}`);
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  writeFileSync(join(root, 'DEBIAN', 'control'), [
    `Package: ${name}`, `Version: ${version}`, 'Architecture: amd64', 'Maintainer: tfbuild rehearsal <rehearsal@example.invalid>',
    `Description: stand-in for NVIDIA's ${name} (tfbuild test mirror)`, '',
  ].join('\n'));
  for (const f of files) {
    const p = join(root, f.path);
    mkdirSync(dirname(p), { recursive: true });
    if (f.link !== undefined) symlinkSync(f.link, p);
    else {
      writeFileSync(p, f.text ?? '');
      chmodSync(p, f.mode ?? 0o644);
    }
  }
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, join(outDir, `${name}_${version.replace(/^\d+:/, '')}_amd64.deb`)], { stdio: 'ignore' });
}

/** Packages + Release (sha256 sums) + InRelease + Release.gpg for a flat repository (`deb URI /`). */
function indexRepo(dir: string, key: TestKey): void {
  const packages = execFileSync('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  writeFileSync(join(dir, 'Packages'), packages);
  const date = new Date().toUTCString().replace('GMT', 'UTC');
  const release = ['Origin: tfbuild rehearsal', 'Label: tfbuild rehearsal', 'Architecture: x86_64', `Date: ${date}`, 'SHA256:',
    ` ${sha256(packages)} ${Buffer.byteLength(packages)} Packages`, ''].join('\n');
  writeFileSync(join(dir, 'Release'), release);
  key.clearsign(join(dir, 'Release'), join(dir, 'InRelease'));
  key.detachSign(join(dir, 'Release'), join(dir, 'Release.gpg'), true);
}

const lib = (name: string): DebFile[] => [{ path: `usr/local/cuda-8.0/lib64/${name}.so.8.0.61` }, { path: `usr/local/cuda-8.0/lib64/${name}.so.8.0`, link: `${name}.so.8.0.61` }];

export interface MirrorOptions {
  /** Corrupt the bazel .sig (a signature over other bytes). */
  badSignature?: boolean;
  /** Publish no .sig, only a .sha256 (with this value, or the right one when undefined). */
  sha256Only?: { value?: string };
}

export interface Mirror {
  root: string;
  /** sha256 of the CUDA/ML key file as served (the ML key is pinned by file sha256 too). */
  keySha256: string;
  installerSha256: string;
}

/** Writes the mirror tree into `root` (served as MIRROR). `work` is scratch space for package trees. */
export function writeMirror(root: string, work: string, key: TestKey, o: MirrorOptions = {}): Mirror {
  const cuda = join(root, CUDA_REPO);
  const ml = join(root, ML_REPO);
  for (const d of [cuda, ml, work]) mkdirSync(d, { recursive: true });
  const pkg = (out: string, name: string, version: string, files: DebFile[]) => buildDeb(out, join(work, 'debs'), name, version, files);
  const v = '8.0.61-1';
  pkg(cuda, 'cuda-command-line-tools-8-0', v, [
    { path: 'usr/local/cuda-8.0/bin/nvcc', text: `#!/bin/sh\ncat <<'EOF'\n${readFixture('nvcc/8.0.txt').replace(/\n$/, '')}\nEOF\n`, mode: 0o755 },
    { path: 'usr/local/cuda-8.0/version.txt', text: 'CUDA Version 8.0.61\n' },
    { path: 'usr/local/cuda-8.0/extras/CUPTI/lib64/libcupti.so.8.0.61' },
    { path: 'usr/local/cuda-8.0/extras/CUPTI/lib64/libcupti.so.8.0', link: 'libcupti.so.8.0.61' },
  ]);
  pkg(cuda, 'cuda-cudart-dev-8-0', v, [...lib('libcudart'), { path: 'usr/local/cuda-8.0/include/cuda_runtime.h', text: '/* stand-in */\n' }]);
  for (const n of ['cublas', 'cufft', 'curand', 'cusolver', 'cusparse']) pkg(cuda, `cuda-${n}-dev-8-0`, v, lib(`lib${n}`));
  pkg(ml, 'libcudnn6', '6.0.21-1+cuda8.0', [
    { path: 'usr/lib/x86_64-linux-gnu/libcudnn.so.6.0.21' },
    { path: 'usr/lib/x86_64-linux-gnu/libcudnn.so.6', link: 'libcudnn.so.6.0.21' },
  ]);
  pkg(ml, 'libcudnn6-dev', '6.0.21-1+cuda8.0', [
    { path: 'usr/include/cudnn.h', text: readFixture('cudnn/cudnn-v6.h') },
    { path: 'usr/lib/x86_64-linux-gnu/libcudnn.so', link: 'libcudnn.so.6' },
  ]);
  writeFileSync(join(cuda, '3bf863cc.pub'), key.armored);
  writeFileSync(join(ml, '7fa2af80.pub'), key.armored);
  indexRepo(cuda, key);
  indexRepo(ml, key);

  const installer = join(root, BAZEL_INSTALLER);
  mkdirSync(dirname(installer), { recursive: true });
  writeFileSync(installer, [
    '#!/bin/bash',
    '# Stand-in for bazel-0.5.4-installer-linux-x86_64.sh (tfbuild test mirror): installs Debian\'s bazel-bootstrap.',
    'set -eu',
    'prefix=/usr/local',
    'for a in "$@"; do case "$a" in --prefix=*) prefix=${a#--prefix=} ;; esac; done',
    'apt-get update && apt-get install -y --no-install-recommends bazel-bootstrap && rm -rf /var/lib/apt/lists/*',
    'mkdir -p "$prefix/bin" && ln -sf /usr/bin/bazel "$prefix/bin/bazel"',
    '',
  ].join('\n'));
  chmodSync(installer, 0o755);
  const installerSha256 = sha256(readFileSync(installer));
  if (o.sha256Only) {
    writeFileSync(`${installer}.sha256`, `${o.sha256Only.value ?? installerSha256}  bazel-0.5.4-installer-linux-x86_64.sh\n`);
  } else {
    writeFileSync(`${installer}.sha256`, `${installerSha256}  bazel-0.5.4-installer-linux-x86_64.sh\n`);
    if (o.badSignature) {
      writeFileSync(join(work, 'other'), 'other bytes\n');
      key.detachSign(join(work, 'other'), `${installer}.sig`);
    } else {
      key.detachSign(installer, `${installer}.sig`);
    }
  }
  mkdirSync(join(root, 'bazel.build'), { recursive: true });
  writeFileSync(join(root, 'bazel.build', 'bazel-release.pub.gpg'), key.armored);
  return { root, keySha256: sha256(key.armored), installerSha256 };
}

/** The build-args that pin the test key in place of the publishers' (docker/README.md: test-only). */
export function testKeyBuildArgs(key: TestKey, m: Mirror): string[] {
  return [`NVIDIA_CUDA_KEY_FPR=${key.fingerprint}`, `NVIDIA_ML_KEY_FPR=${key.fingerprint}`, `NVIDIA_ML_KEY_SHA256=${m.keySha256}`, `BAZEL_KEY_FPR=${key.fingerprint}`]
    .flatMap((a) => ['--image-build-arg', a]);
}

/** Every file in the tree (for assertions and debugging). */
export function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}
