import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { CONTAINER_GENERATIONS, GPU_CONTAINER_GENERATIONS, recipesDir, RecipeSchema, type Recipe } from '../../../src/recipes/index.js';
import { parseRecipeText } from '../../../src/recipes/load.js';
import { checkCatalogRules, checkRecipeRules, compareCapability, listTestedPythons } from '../../../src/recipes/rules.js';

const load = (line: string): Recipe => RecipeSchema.parse(YAML.parse(readFileSync(`${recipesDir()}/${line}.yaml`, 'utf8')));
const PATCHES = new Set(['nasm-mirror']);

describe('recipe rules', () => {
  it('a shipped recipe passes', () => {
    expect(checkRecipeRules(load('r1.4'), PATCHES)).toEqual([]);
  });

  it('flags a missing patch file, a default tag outside the known ones and a tested bazel outside the range', () => {
    const r = load('r1.4');
    r.tags.default = 'v1.4.9';
    r.tested.bazel = '0.15.0';
    r.bazel.tested = '0.15.0';
    const problems = checkRecipeRules(r, new Set());
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['tags.default', 'bazel.range', 'bazel.broken.0.bazel', 'patches.0']));
  });

  it('flags a tested python/cuDNN outside its range and a line that does not match the version', () => {
    const r = load('r2.3');
    r.python.range = '>=3.6.0 <3.9.0';
    r.gpu!.cudnn.range = '>=8.0.0 <9.0.0';
    r.line = 'r2.4';
    const paths = checkRecipeRules(r, PATCHES).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['python.range', 'gpu.cudnn.range', 'line']));
  });

  it('container generations come from the one shared list, GPU and cpu- variants', () => {
    expect(CONTAINER_GENERATIONS).toHaveLength(10);
    expect(CONTAINER_GENERATIONS).toContain('cpu-cuda8-ubuntu16.04');
    const r = load('r2.21');
    r.containers.cpu = 'cuda12-ubuntu22.04';
    r.containers.gpu = 'cpu-cuda12-ubuntu22.04';
    expect(checkRecipeRules(r, PATCHES).map((p) => p.path)).toEqual(['containers.cpu', 'containers.gpu']);
    expect(GPU_CONTAINER_GENERATIONS).toContain(load('r1.4').containers.gpu);
  });

  it('versions, lines and tags may not overlap between recipes', () => {
    const a = load('r1.4');
    const b = load('r1.5');
    b.version = '1.4.0';
    b.tags.known = ['v1.4.1', 'v1.5.0'];
    const problems = checkCatalogRules([
      { file: 'r1.4.yaml', recipe: a },
      { file: 'r1.5.yaml', recipe: b },
    ]);
    expect(problems).toEqual([
      { file: 'r1.5.yaml', path: 'version', message: 'version 1.4.0 is also claimed by r1.4.yaml' },
      { file: 'r1.5.yaml', path: 'tags.known.0', message: 'tag v1.4.1 is also claimed by r1.4.yaml' },
    ]);
  });

  it('reports YAML syntax errors and non-mappings as problems, not exceptions', () => {
    expect(parseRecipeText('version: [1.4', 'x.yaml').errors[0]?.message).toMatch(/^not valid YAML/);
    expect(parseRecipeText('- a\n- b\n', 'x.yaml').errors[0]?.message).toMatch(/must be a mapping/);
    expect(parseRecipeText('{"version":', 'x.json').errors[0]?.message).toMatch(/^not valid JSON/);
  });

  it('helpers: tested python endpoints and numeric capability order', () => {
    expect(listTestedPythons('2.7, 3.3-3.6')).toEqual(['2.7.0', '3.3.0', '3.6.0']);
    expect(compareCapability('10.0', '9.0')).toBeGreaterThan(0);
    expect(compareCapability('8.6', '8.9')).toBeLessThan(0);
  });
});

describe('recipe rules: who compiles CUDA', () => {
  it('refuses TF_CUDA_CLANG=1 in a gcc recipe and a gcc GPU recipe without GCC_HOST_COMPILER_PATH', () => {
    const r = load('r2.12');
    const i = r.configure.env.findIndex((e) => e.name === 'TF_CUDA_CLANG');
    r.configure.env[i] = { ...r.configure.env[i]!, bool: true };
    r.configure.env = r.configure.env.filter((e) => e.name !== 'GCC_HOST_COMPILER_PATH');
    expect(checkRecipeRules(r, PATCHES).map((p) => p.message)).toEqual(['TF_CUDA_CLANG=1 needs compiler.kind clang', 'a gcc GPU build must set GCC_HOST_COMPILER_PATH for nvcc']);
  });
});
