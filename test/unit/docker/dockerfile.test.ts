import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderDockerfile } from '../../../src/docker/dockerfile.js';
import { getGeneration, listGenerations } from '../../../src/docker/generations.js';
import { findLooseAptInstalls, findUncheckedDownloads, findUnpinnedPackages, lintDockerfile, parseDockerfile } from '../../../src/docker/lint.js';
import { getBazelDownload } from '../../../src/docker/checksums.js';
import { readBazelReleaseTable } from '../../../src/tools/bazel-release.js';

const scriptsDir = new URL('../../../docker/scripts/', import.meta.url);
const scripts = readdirSync(scriptsDir).filter((f) => f.endsWith('.sh'));
// The context layout writeBuildContext produces (checked for real in context.test.ts).
const contextPaths = ['Dockerfile', ...scripts.map((s) => `scripts/${s}`), 'local/.keep'];

const binaries: Record<string, string | null> = {};
for (const [v, a] of Object.entries(readBazelReleaseTable().releases)) binaries[v] = a['linux-x86_64']?.sha256 ?? null;

function argDefault(text: string, name: string): string | undefined {
  const ins = parseDockerfile(text).instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith(`${name}=`));
  return ins?.args.slice(name.length + 1);
}

describe('rendered definitions', () => {
  for (const g of listGenerations()) {
    it(`${g.name}: parses, passes the rules, pins what it downloads`, () => {
      const text = renderDockerfile({ generation: g, bazel: g.bazelDefault, bazelReleaseBinaries: binaries });
      expect(lintDockerfile(text, { contextPaths })).toEqual([]);
      const { instructions } = parseDockerfile(text);
      expect(instructions.find((i) => i.keyword === 'FROM')!.args).toBe('${BASE_IMAGE}');
      expect(argDefault(text, 'BASE_IMAGE')).toBe(g.baseImage);
      const sha = argDefault(text, 'BAZEL_SHA256');
      expect(sha === '' || /^[0-9a-f]{64}$/.test(sha!)).toBe(true);
      const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
      const cuda = runs.find((r) => r.includes('install-cuda.sh'));
      if (g.cuda) {
        expect(cuda).toBeDefined();
        const pkgs = cuda!.split(/\s+/).slice(5);
        expect(cuda).toContain(` ${g.nvidiaRepo} ${g.cuda.cudnn.repo} `);
        expect(pkgs).toContain('--');
        expect(findUnpinnedPackages(pkgs)).toEqual([]);
        for (const p of [...g.cuda.packages, ...g.cuda.cudnn.packages]) expect(pkgs).toContain(p);
        expect(text).toContain(`ENV TF_CUDA_VERSION=${g.cuda.version} TF_CUDNN_VERSION=${g.cuda.cudnn.major}`);
      } else {
        expect(cuda).toBeUndefined();
        expect(text).not.toMatch(/cuda-|libcudnn/);
      }
      // The toolchain of the era, with a Debian fallback for old compilers.
      const install = runs.find((r) => r.includes('install-packages.sh'))!;
      const wanted = install.split(/\s+/).slice(2).map((w) => w.replace(/^'|'$/g, '').split('|')[0]);
      for (const p of [...g.compilerPackages, ...g.pythonPackages, ...g.jdkPackages]) expect(wanted).toContain(p);
    });
  }

  it('no generation copies node or tfbuild into the image, and every one pins the publishers\' keys', () => {
    for (const g of listGenerations()) {
      const text = renderDockerfile({ generation: g, bazel: g.bazelDefault, bazelReleaseBinaries: binaries });
      expect(text).not.toMatch(/COPY node|check-node|COPY tfbuild|tfbuild --version/);
      expect(argDefault(text, 'NVIDIA_CUDA_KEY_FPR')).toBe('EB693B3035CD5710E231E123A4B469963BF863CC');
      expect(argDefault(text, 'NVIDIA_ML_KEY_FPR')).toBe('AE09FE4BBD223A84B2CCFCE3F60F4B3D7FA2AF80');
      expect(argDefault(text, 'NVIDIA_ML_KEY_SHA256')).toBe('d1be581509378368edeec8c1eb2958702feedf3bc3d17011adbf24efacce4ab5');
      expect(argDefault(text, 'BAZEL_KEY_FPR')).toBe('71A1D0EFCFEB6281FD0437C93D5919B448457EE0');
      expect(argDefault(text, 'LLVM_KEY_FPR')).toBe('6084F3CF814B57C1CF12EFD515CF4D18AF4F7421');
      expect(argDefault(text, 'MIRROR')).toBe('');
      // apt 1.2 (Ubuntu 16.04) reads NVIDIA's https repositories only through apt-transport-https.
      expect(text.includes('apt-transport-https'), g.name).toBe(g.ubuntu === '16.04');
      expect(text.includes('install-llvm.sh'), g.name).toBe(g.llvmClang.length > 0);
    }
  });

  it('r1.4 GPU: bazel 0.5.4 installer with no known checksum is verified by its release signature; --image-bazel-sha256 pins it', () => {
    const text = renderDockerfile({ generation: getGeneration('cuda8-ubuntu16.04'), bazel: '0.5.4', bazelReleaseBinaries: binaries });
    expect(argDefault(text, 'BAZEL_KIND')).toBe('installer');
    expect(argDefault(text, 'BAZEL_URL')).toBe('https://github.com/bazelbuild/bazel/releases/download/0.5.4/bazel-0.5.4-installer-linux-x86_64.sh');
    expect(argDefault(text, 'BAZEL_SHA256')).toBe('');
    const given = renderDockerfile({ generation: getGeneration('cuda8-ubuntu16.04'), bazel: '0.5.4', bazelSha256: 'a'.repeat(64) });
    expect(argDefault(given, 'BAZEL_SHA256')).toBe('a'.repeat(64));
  });

  it('bazel downloads: standalone binaries from the shared table, installers before 0.16, bazelisk, apt', () => {
    expect(getBazelDownload('6.1.0', binaries)).toEqual({
      kind: 'binary',
      url: 'https://github.com/bazelbuild/bazel/releases/download/6.1.0/bazel-6.1.0-linux-x86_64',
      sha256: binaries['6.1.0'],
    });
    expect(getBazelDownload('0.15.0', binaries).kind).toBe('installer');
    expect(getBazelDownload('0.29.1', binaries)).toMatchObject({ kind: 'installer', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(getBazelDownload('9.9.9', binaries)).toMatchObject({ kind: 'binary', sha256: null });
    expect(getBazelDownload('bazelisk-1.17.0')).toMatchObject({ kind: 'bazelisk', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(getBazelDownload('apt:bazel-bootstrap')).toEqual({ kind: 'apt', url: '', sha256: null });
  });
});

describe('image scripts', () => {
  for (const s of scripts) {
    it(`${s}: every download is sha256-checked, apt installs are minimal`, () => {
      const text = readFileSync(new URL(s, scriptsDir), 'utf8');
      expect(findUncheckedDownloads(text)).toEqual([]);
      // Downloads happen only inside lib.sh's fetch(), which checks the sum before anything uses the file.
      if (s !== 'lib.sh') expect(text).not.toMatch(/\b(curl|wget)\b/);
      const aptLines = text.split('\n').filter((l) => /apt-get\s+install/.test(l));
      expect(findLooseAptInstalls(aptLines.join('\n'))).toEqual([]);
    });
  }
});
