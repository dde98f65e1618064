/**
 * Every generation's declared toolchain (what its image installs) fed to the verdict of every shipped recipe that
 * names it: each must be `native` there, CPU and GPU alike, or the container route would refuse its own image.
 */
import { describe, expect, it } from 'vitest';
import { chooseGeneration, choosePython, declaredToolchain, type Generation } from '../../../src/docker/generations.js';
import { computeVerdict } from '../../../src/plan/verdict.js';
import { loadCatalog } from '../../../src/recipes/index.js';
import type { Recipe } from '../../../src/recipes/schema.js';
import type { HostFacts } from '../../../src/probe/types.js';
import { sampleFacts } from '../plan/samples.js';

function imageFacts(g: Generation, recipe: Recipe): HostFacts {
  const t = declaredToolchain(g, recipe.bazel.tested);
  return sampleFacts({
    os: { platform: 'linux', arch: 'x64', kernel: '6.1', distro: { id: 'ubuntu', versionId: g.ubuntu, name: `Ubuntu ${g.ubuntu}` }, packageManager: 'apt' } as HostFacts['os'],
    pythons: t.pythons.map((p) => ({ path: p.path, realPath: p.path, version: p.version, numpy: p.numpy, pip: '9', wheel: true, venv: true, headers: true, sitePackages: '/usr/lib/python3/dist-packages' })),
    compilers: t.compilers,
    bazel: { path: '/usr/local/bin/bazel', version: t.bazel, kind: 'bazel', unknownRelease: false },
    java: t.java ? { path: '/usr/bin/java', version: t.java.version, major: t.java.major } : null,
    cuda: t.cuda ? [{ version: t.cuda.version, path: t.cuda.path, source: 'version.txt', nvcc: `${t.cuda.path}/bin/nvcc`, cudart: true, cupti: true, cuptiPath: null }] : [],
    cudnn: t.cudnn ? { ...t.cudnn, header: 'cudnn.h', libDir: '/usr/lib/x86_64-linux-gnu', path: '/usr', inCudaLib64: false } : null,
    // Image builds need no GPU and no driver.
    gpus: [],
    driver: null,
  });
}

const catalog = loadCatalog();

describe('generations satisfy the recipes that name them', () => {
  for (const recipe of catalog) {
    for (const gpu of [false, true]) {
      if (gpu && (recipe.containers.gpu === null || recipe.gpu === null)) continue;
      it(`${recipe.line}${gpu ? ' --gpu' : ''} in ${gpu ? recipe.containers.gpu : recipe.containers.cpu}`, () => {
        const g = chooseGeneration(recipe.containers, gpu, recipe.line, recipe.gpu);
        // tfbuild docker passes the image's python and CUDA root to the build inside, as here.
        const python = choosePython(g, recipe);
        expect(python).not.toBeNull();
        const v = computeVerdict(imageFacts(g, recipe), recipe, { gpu, python: python!, ...(gpu && g.cuda ? { cudaPath: `/usr/local/cuda-${g.cuda.version}` } : {}) });
        expect({ kind: v.kind, reasons: v.reasons }).toEqual({ kind: 'native', reasons: expect.anything() });
      });
    }
  }

  it('the 2.17 GPU image has CUDA ≥ 12.3 and clang 17/18', () => {
    const r = catalog.find((x) => x.line === 'r2.17')!;
    const g = chooseGeneration(r.containers, true, 'r2.17', r.gpu);
    expect(g.cuda!.version).toBe('12.3');
    expect(g.llvmClang).toEqual([17, 18]);
  });

  it('cuDNN ≤ 7 comes from the machine-learning repository; r1.0–r1.2 get cuDNN 5.1, r1.4 cuDNN 6', () => {
    const pick = (line: string) => {
      const r = catalog.find((x) => x.line === line)!;
      return chooseGeneration(r.containers, true, line, r.gpu).cuda!.cudnn;
    };
    expect(pick('r1.4')).toMatchObject({ version: '6.0.21', repo: 'machine-learning', packages: ['libcudnn6=6.0.21-1+cuda8.0', 'libcudnn6-dev=6.0.21-1+cuda8.0'] });
    expect(pick('r1.1')).toMatchObject({ version: '5.1.10', repo: 'machine-learning' });
    expect(pick('r1.13').repo).toBe('machine-learning');
    expect(pick('r2.5')).toMatchObject({ version: '8.1.0.77', repo: 'cuda' });
    expect(pick('r2.14')).toMatchObject({ version: '8.7.0.84', repo: 'cuda' });
  });
});
