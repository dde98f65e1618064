/**
 * Verdict tables over recorded host facts (test/fixtures/hosts): debian12-this-machine.json is this machine as the
 * real probe saw it (Debian 12, CUDA 13.0, gcc 12.2 + 11.3, python 3.11, Debian's `bazel no_version`, JDK 17, podman);
 * the others are derived from it with the facts of an r1.4-era Ubuntu 16.04 GPU box, the same box with an H100, a
 * CPU-only Ubuntu 22.04 laptop, and an Ubuntu 18.04 workstation with two CUDA toolkits and three gccs and a GTX 1080 Ti.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeVerdict, type Verdict } from '../../src/plan/verdict.js';
import type { HostFacts } from '../../src/probe/types.js';
import { resolveRecipe } from '../../src/recipes/index.js';

function host(name: string): HostFacts {
  return JSON.parse(readFileSync(new URL(`../fixtures/hosts/${name}.json`, import.meta.url), 'utf8')) as HostFacts;
}
function verdict(hostName: string, version: string, gpu: boolean, extra: Partial<Parameters<typeof computeVerdict>[2]> = {}): Verdict {
  return computeVerdict(host(hostName), resolveRecipe(version).recipe, { gpu, ...extra });
}

const THIS = 'debian12-this-machine';
const XENIAL = 'ubuntu1604-cuda8-gtx1080';
const H100 = 'ubuntu1604-cuda8-h100';
const LAPTOP = 'ubuntu2204-cpu-laptop';
const BIONIC = 'ubuntu1804-two-cudas';

describe('computeVerdict: kinds over recorded hosts', () => {
  it.each([
    [THIS, 'r1.4', true, 'container'],
    [THIS, 'r1.4', false, 'container'],
    [THIS, 'r2.12', false, 'native-after-fixes'],
    [THIS, 'r2.17', true, 'native-after-fixes'],
    [THIS, 'r2.21', false, 'native-after-fixes'],
    [THIS, 'r2.21', true, 'native-after-fixes'],
    [XENIAL, 'r1.4', true, 'native'],
    [XENIAL, 'r1.4', false, 'native'],
    [XENIAL, 'r1.5', true, 'native-after-fixes'],
    [XENIAL, 'r2.21', false, 'container'],
    [H100, 'r1.4', true, 'impossible'],
    [H100, 'r1.4', false, 'native'],
    [LAPTOP, 'r2.12', false, 'native'],
    [LAPTOP, 'r2.15', false, 'native-after-fixes'],
    [LAPTOP, 'r1.4', false, 'container'],
    [BIONIC, 'r1.15', true, 'native'],
    [BIONIC, 'r1.4', true, 'container'],
    [BIONIC, 'r2.3', true, 'native-after-fixes'],
  ] as const)('%s × %s (gpu=%s) → %s', (h, v, gpu, kind) => {
    expect(verdict(h, v, gpu).kind).toBe(kind);
  });
});

describe('computeVerdict: reasons, fixes and choices', () => {
  it('r1.4 GPU on this Debian 12 host needs a container: CUDA 8, gcc <= 5 and python <= 3.6 are not available', () => {
    const v = verdict(THIS, 'r1.4', true);
    const text = v.reasons.join('\n');
    expect(text).toMatch(/CUDA 8 .*found 13\.0 at \/usr\/local\/cuda.*NVIDIA ships no CUDA 8 for Debian GNU\/Linux 12/);
    expect(text).toMatch(/gcc nvcc of CUDA 8 accepts \(>=4\.8\.0 <6\.0\.0\); found gcc 12\.2\.0, gcc 11\.3\.0/);
    expect(text).toMatch(/python 2\.7, 3\.3-3\.6 is needed \(found 3\.11\.7, 3\.11\.2\)/);
    expect(text).toMatch(/JDK 8\.x; found java 17/);
    expect(v.nextCommand).toBe('tfbuild docker r1.4 --gpu');
    expect(v.fixes).toEqual([]); // podman works here
    expect(v.choices.compiler).toBeNull();
    expect(v.choices.cuda).toBeNull();
  });

  it("treats Debian's `bazel no_version` as unusable for a bounded range and plans bazelisk", () => {
    const v = verdict(THIS, 'r2.21', false);
    expect(v.choices.bazel).toEqual({ kind: 'bazelisk', path: 'bazelisk', version: null });
    expect(v.reasons.join('\n')).toMatch(/does not report its release/);
    expect(v.fixes).toContain('npm install -g @bazel/bazelisk   # or download bazelisk-linux-amd64 from github.com/bazelbuild/bazelisk/releases');
    expect(v.fixes).toContain('wget https://apt.llvm.org/llvm.sh && sudo bash llvm.sh 18');
    expect(v.choices.python?.version).toBe('3.11.7');
  });

  it('r2.17 GPU here: CUDA 13.0 is too new, CUDA 12.3 and cuDNN 8.9 are installable from NVIDIA', () => {
    const v = verdict(THIS, 'r2.17', true);
    expect(v.fixes).toContain("sudo apt-get install -y cuda-toolkit-12-3   # from NVIDIA's CUDA repository");
    expect(v.fixes.some((f) => f.startsWith('sudo apt-get install -y libcudnn8-dev'))).toBe(true);
    expect(v.choices.cuda).toBeNull();
  });

  it('r2.21 GPU uses hermetic CUDA: no local toolkit is chosen or required', () => {
    const v = verdict(THIS, 'r2.21', true);
    expect(v.choices.cuda).toBeNull();
    expect(v.reasons.join('\n')).toMatch(/downloaded by bazel \(hermetic CUDA\)/);
    expect(v.fixes.some((f) => f.includes('cuda-toolkit'))).toBe(false);
    expect(v.nextCommand).toBe('tfbuild build r2.21 --gpu');
  });

  it('r1.4 GPU on the Ubuntu 16.04 CUDA 8 host is native with the concrete choices', () => {
    const v = verdict(XENIAL, 'r1.4', true);
    expect(v.fixes).toEqual([]);
    expect(v.choices.python?.version).toBe('3.5.2');
    expect(v.choices.compiler).toMatchObject({ version: '4.8.5', path: '/usr/bin/gcc-4.8' }); // the tested gcc 4.8 first
    expect(v.choices.cuda).toMatchObject({ version: '8.0', path: '/usr/local/cuda-8.0' });
    expect(v.choices.cudnn?.version).toBe('6.0.21');
    expect(v.choices.bazel).toEqual({ kind: 'bazel', path: '/usr/local/bin/bazel', version: '0.5.4' });
    expect(v.nextCommand).toBe('tfbuild build r1.4 --gpu');
  });

  it('r1.5 GPU on the CUDA 8 host: CUDA 9 and cuDNN 7 are installable there, bazel 0.5.4 still fits', () => {
    const v = verdict(XENIAL, 'r1.5', true);
    expect(v.fixes).toContain("sudo apt-get install -y cuda-toolkit-9   # from NVIDIA's CUDA repository");
    expect(v.choices.bazel?.version).toBe('0.5.4');
  });

  it('honours --host-compiler and refuses one nvcc would reject', () => {
    const ok = verdict(XENIAL, 'r1.4', true, { hostCompiler: '/usr/bin/gcc' });
    expect(ok.choices.compiler?.version).toBe('5.4.0');
    const bad = verdict(BIONIC, 'r1.15', true, { hostCompiler: '/usr/bin/gcc-8' });
    expect(bad.kind).toBe('native-after-fixes');
    expect(bad.reasons.join('\n')).toMatch(/\/usr\/bin\/gcc-8 is gcc 8\.4\.0, but the build needs a gcc nvcc of CUDA 10\.0 accepts/);
    expect(bad.fixes).toEqual(['drop --host-compiler or name a fitting compiler']);
  });

  it('a GPU newer than the release CUDA can target makes the GPU build impossible', () => {
    const v = verdict(H100, 'r1.4', true);
    expect(v.reasons[0]).toBe('GPU 0 (NVIDIA H100 80GB HBM3) has compute capability 9.0; CUDA 8 of TensorFlow 1.4.0 targets at most 6.2');
    expect(v.fixes).toEqual([]);
    expect(v.nextCommand).toMatch(/^tfbuild doctor r1\.4 /);
  });

  it('the CPU-only laptop builds r2.12 natively through bazelisk and r2.15 after installing the tested clang 16', () => {
    const v = verdict(LAPTOP, 'r2.12', false);
    expect(v.choices.compiler?.version).toBe('11.4.0');
    expect(v.choices.bazel).toEqual({ kind: 'bazelisk', path: '/usr/local/bin/bazelisk', version: null });
    const w = verdict(LAPTOP, 'r2.15', false);
    expect(w.fixes).toEqual(['wget https://apt.llvm.org/llvm.sh && sudo bash llvm.sh 16']);
  });

  it('picks the right toolkit and gcc among two CUDAs and three gccs', () => {
    const v115 = verdict(BIONIC, 'r1.15', true);
    expect(v115.choices.cuda?.path).toBe('/usr/local/cuda-10.0');
    expect(v115.choices.compiler?.path).toBe('/usr/bin/gcc'); // 7.5: the tested major, and nvcc 10.0 takes gcc <= 7
    expect(v115.choices.bazel).toEqual({ kind: 'bazelisk', path: '/usr/local/bin/bazelisk', version: '0.26.1', useBazelVersion: '0.26.1' });
    const v14 = verdict(BIONIC, 'r1.4', true);
    expect(v14.choices.cuda?.path).toBe('/usr/local/cuda-8.0');
    expect(v14.choices.compiler?.path).toBe('/usr/bin/gcc-5');
    expect(v14.reasons.join('\n')).toMatch(/cuDNN 6 .*found 7\.6\.5/);
    const v14at = verdict(BIONIC, 'r1.4', true, { cudaPath: '/usr/local/cuda-10.0' });
    expect(v14at.choices.cuda).toBeNull();
  });
});

describe('computeVerdict: options and edge hosts', () => {
  it('--python picks the asked interpreter by version or path, and refuses one the host lacks', () => {
    expect(verdict(XENIAL, 'r1.4', false, { python: '2.7' }).choices.python?.path).toBe('/usr/bin/python2');
    expect(verdict(XENIAL, 'r1.4', false, { python: '/usr/bin/python3' }).choices.python?.version).toBe('3.5.2');
    const v = verdict(XENIAL, 'r1.4', false, { python: '3.6' });
    expect(v.kind).toBe('native-after-fixes');
    expect(v.reasons[0]).toBe('python 3.6 (--python) is not on this host');
  });

  it('bazel 0.9.1 fits r1.4 with its flag rule; bazel 0.15 is refused with the string-compare reason', () => {
    const facts = host(XENIAL);
    const recipe = resolveRecipe('r1.4').recipe;
    const b09 = computeVerdict({ ...facts, bazel: { ...facts.bazel!, version: '0.9.1' } }, recipe, { gpu: true });
    expect(b09.kind).toBe('native');
    expect(b09.choices.bazel?.version).toBe('0.9.1');
    const b15 = computeVerdict({ ...facts, bazel: { ...facts.bazel!, version: '0.15.2' } }, recipe, { gpu: true });
    expect(b15.kind).toBe('native-after-fixes');
    expect(b15.reasons[0]).toMatch(/^bazel 0\.15\.2 is known to fail: workspace\.bzl compares bazel versions as strings/);
    expect(b15.choices.bazel).toEqual({ kind: 'bazelisk', path: 'bazelisk', version: '0.5.4', useBazelVersion: '0.5.4' });
  });

  it('on a distribution without a package table nothing counts as installable: container', () => {
    const facts = host(LAPTOP);
    const fedora: HostFacts = { ...facts, os: { ...facts.os, distro: { id: 'fedora', versionId: '40', name: 'Fedora Linux 40', like: [] }, packageManager: 'dnf' } };
    const v = computeVerdict(fedora, resolveRecipe('r2.15').recipe, { gpu: false });
    expect(v.kind).toBe('container');
    expect(v.reasons[0]).toBe('not natively: needs clang >=16.0.0 <18.0.0; found no clang, and Fedora Linux 40 does not package one');
  });

  it('too little disk is a fix, not a blocker', () => {
    const facts = host(XENIAL);
    const v = computeVerdict({ ...facts, disk: { ...facts.disk!, freeGiB: 12 } }, resolveRecipe('r1.4').recipe, { gpu: true });
    expect(v.kind).toBe('native-after-fixes');
    expect(v.fixes).toEqual(['free 8 GiB in /home/me, or pass --workdir on a larger disk']);
  });
});

describe("computeVerdict: Debian's bazel no_version", () => {
  it("satisfies a recipe whose bazel range is '*', and nothing narrower", () => {
    const recipe = resolveRecipe('r2.21').recipe;
    const open = { ...recipe, bazel: { ...recipe.bazel, range: '*' } };
    expect(computeVerdict(host(THIS), open, { gpu: false }).choices.bazel).toEqual({ kind: 'bazel', path: '/usr/bin/bazel', version: null });
    expect(computeVerdict(host(THIS), recipe, { gpu: false }).choices.bazel?.kind).toBe('bazelisk');
  });
});

describe('computeVerdict: hermetic python and --no-install', () => {
  // This machine's pythons as if only 3.13 were there: outside r2.17's hermetic list (3.9–3.12).
  const only313 = (): HostFacts => {
    const h = host(THIS);
    return { ...h, pythons: [{ ...h.pythons[0]!, version: '3.13.1', path: '/usr/bin/python3.13', realPath: '/usr/bin/python3.13' }] };
  };
  const r217 = resolveRecipe('r2.17').recipe;

  it('a wheel that must install into python 3.13 is a gap (python 3.9–3.12 needed)', () => {
    const v = computeVerdict(only313(), r217, { gpu: false });
    expect(v.reasons.join('\n')).toMatch(/no python .*3\.12.* to install the wheel into/);
  });

  it('with --no-install, python 3.13 only runs configure: no python gap, and it is the choice', () => {
    const v = computeVerdict(only313(), r217, { gpu: false, noInstall: true });
    expect(v.reasons.join('\n')).not.toMatch(/to install the wheel into/);
    expect(v.choices.python?.path).toBe('/usr/bin/python3.13');
  });
});
