import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { chooseGeneration, getGeneration, listGenerations, GENERATION_NAMES } from '../../../src/docker/generations.js';
import { CONTAINER_GENERATIONS } from '../../../src/recipes/containers.js';
import { loadRecipeFile } from '../../../src/recipes/load.js';

describe('generations', () => {
  it('covers exactly the names the recipes use, GPU and cpu- twins', () => {
    expect([...GENERATION_NAMES]).toEqual([...CONTAINER_GENERATIONS]);
    expect(listGenerations()).toHaveLength(10);
  });

  it('GPU generations pin CUDA and cuDNN; CPU twins have the same userland without CUDA', () => {
    for (const g of listGenerations()) {
      if (g.gpu) {
        expect(g.cuda, g.name).not.toBeNull();
        const twin = getGeneration(`cpu-${g.name}`);
        expect(twin.cuda).toBeNull();
        expect(twin.baseImage).toBe(g.baseImage);
        expect(twin.compilerPackages).toEqual(g.compilerPackages);
      }
    }
    expect(getGeneration('cuda8-ubuntu16.04').cuda).toMatchObject({ version: '8.0', cudnn: { major: 6 } });
    expect(getGeneration('cuda8-ubuntu16.04').compilerPackages).toContain('gcc-5');
    expect(getGeneration('cuda8-ubuntu16.04').jdkPackages).toEqual(['openjdk-8-jdk-headless']);
    expect(getGeneration('cuda8-ubuntu16.04').bazelDefault).toBe('0.5.4');
    expect(getGeneration('cuda12-ubuntu22.04').llvmClang).toEqual([17, 18]);
  });

  it('bases are plain distribution images, never the deleted nvidia/cuda tags', () => {
    for (const g of listGenerations()) expect(g.baseImage).toMatch(/^docker\.io\/library\/ubuntu:\d\d\.04$/);
  });

  it('rejects unknown names and GPU builds of CPU-only recipes with a usage error', () => {
    expect(() => getGeneration('cuda7-ubuntu14.04')).toThrow(UsageError);
    expect(() => chooseGeneration({ cpu: 'cpu-cuda8-ubuntu16.04', gpu: null }, true, 'r1.0')).toThrow(/no GPU build image/);
    expect(chooseGeneration({ cpu: 'cpu-cuda8-ubuntu16.04', gpu: 'cuda8-ubuntu16.04' }, true, 'r1.4').name).toBe('cuda8-ubuntu16.04');
    expect(chooseGeneration({ cpu: 'cpu-cuda8-ubuntu16.04', gpu: 'cuda8-ubuntu16.04' }, false, 'r1.4').name).toBe('cpu-cuda8-ubuntu16.04');
  });

  it('every shipped recipe names generations that exist', () => {
    const dir = new URL('../../../recipes/', import.meta.url);
    const files = readdirSync(dir).filter((f) => /^r\d+\.\d+\.yaml$/.test(f));
    expect(files.length).toBeGreaterThan(30);
    for (const f of files) {
      const r = loadRecipeFile(new URL(f, dir).pathname);
      expect(r.errors, f).toEqual([]);
      const c = r.value!.containers;
      expect(() => getGeneration(c.cpu), f).not.toThrow();
      if (c.gpu !== null) expect(getGeneration(c.gpu).gpu, f).toBe(true);
    }
  });
});
