import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recipeChecks } from '../../../src/checks/recipe.js';
import { computeVerdict } from '../../../src/plan/verdict.js';
import type { HostFacts } from '../../../src/probe/types.js';
import { resolveRecipe } from '../../../src/recipes/index.js';

function host(name: string): HostFacts {
  return JSON.parse(readFileSync(new URL(`../../fixtures/hosts/${name}.json`, import.meta.url), 'utf8')) as HostFacts;
}

describe('recipeChecks (doctor VERSION)', () => {
  it('r1.4 GPU on this Debian 12 host: every missing piece fails with the container as the fix', () => {
    const checks = recipeChecks({ facts: host('debian12-this-machine'), gpu: true }, resolveRecipe('r1.4').recipe);
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    for (const id of ['recipe.python', 'recipe.compiler', 'recipe.jdk', 'recipe.cuda', 'recipe.cudnn']) {
      expect(byId[id]?.status, id).toBe('fail');
      expect(byId[id]?.fix, id).toBe('tfbuild docker r1.4 --gpu   # not installable on this host: build in a container');
    }
    expect(byId['recipe.bazel']).toMatchObject({ status: 'fail', fix: expect.stringContaining('@bazel/bazelisk') });
    expect(byId['recipe.disk']?.status).toBe('pass');
    expect(byId['recipe.note.0']).toMatchObject({ status: 'warn', message: expect.stringContaining('no NVIDIA GPU') });
  });

  it('fix commands come from the distribution (dnf on Fedora, apt on Ubuntu)', () => {
    const facts = host('ubuntu2204-cpu-laptop');
    const r = resolveRecipe('r2.12').recipe;
    const noHeaders: HostFacts = { ...facts, pythons: facts.pythons.map((p) => ({ ...p, headers: false })) };
    const apt = recipeChecks({ facts: noHeaders, gpu: false }, r).find((c) => c.id === 'recipe.python.headers');
    expect(apt).toMatchObject({ status: 'fail', fix: 'sudo apt-get install -y python3.10-dev' });
    const fedora: HostFacts = { ...noHeaders, os: { ...noHeaders.os, distro: { id: 'fedora', versionId: '40', name: 'Fedora Linux 40', like: [] }, packageManager: 'dnf' } };
    const dnf = recipeChecks({ facts: fedora, gpu: false }, r).find((c) => c.id === 'recipe.python.headers');
    expect(dnf?.fix).toBe('sudo dnf install -y python310-devel');
  });

  it('passes everything the Ubuntu 16.04 CUDA 8 host has for r1.4 GPU, and agrees with the verdict', () => {
    const facts = host('ubuntu1604-cuda8-gtx1080');
    const recipe = resolveRecipe('r1.4').recipe;
    const checks = recipeChecks({ facts, gpu: true }, recipe);
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(checks.find((c) => c.id === 'recipe.compiler')?.message).toBe('gcc 4.8.5 (/usr/bin/gcc-4.8) is a gcc nvcc of CUDA 8 accepts (>=4.8.0 <6.0.0)');
    expect(computeVerdict(facts, recipe, { gpu: true }).kind).toBe('native');
  });

  it('reports a GPU too new for the release as a failing check', () => {
    const checks = recipeChecks({ facts: host('ubuntu1604-cuda8-h100'), gpu: true }, resolveRecipe('1.4.1').recipe);
    expect(checks[0]).toMatchObject({ id: 'recipe.r1.4.impossible', status: 'fail' });
    expect(checks[0]?.message).toMatch(/compute capability 9\.0; CUDA 8 .* targets at most 6\.2/);
  });
});
