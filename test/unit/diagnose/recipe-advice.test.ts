import { describe, expect, it } from 'vitest';
import { reconcileFixes } from '../../../src/checks/reconcile.js';
import { diagnoseLines } from '../../../src/diagnose/index.js';
import { adviseForRecipe, getNewestMajor } from '../../../src/diagnose/recipe-advice.js';
import { loadCatalog } from '../../../src/recipes/index.js';

const NVCC = '/usr/local/cuda-8.0/bin/../targets/x86_64-linux/include/host_config.h:119:2: error: #error -- unsupported GNU version! gcc versions later than 5 are not supported!';
const recipe = (line: string) => {
  const r = loadCatalog().find((x) => x.line === line);
  if (!r) throw new Error(line);
  return r;
};

describe('recipe-aware advice', () => {
  it('the newest gcc major of a range', () => {
    expect(getNewestMajor('>=4.8.0 <6.0.0')).toBe(5);
    expect(getNewestMajor('<6')).toBe(5);
    expect(getNewestMajor('>=9.3.0 <12.0.0')).toBe(11);
  });

  it('nvcc rejecting gcc: the general fix names no gcc that CUDA 8 rejects too', () => {
    const general = diagnoseLines([NVCC]).matches[0];
    expect(general?.id).toBe('build-nvcc-unsupported-gcc');
    expect([general?.fix, ...(general?.fixCommands ?? [])].join('\n')).not.toMatch(/gcc-9|gcc-1\d/);
  });

  it('for r1.4 it names gcc 5 (CUDA 8) and the container route', () => {
    const m = adviseForRecipe(diagnoseLines([NVCC]), recipe('r1.4')).matches[0];
    expect(m?.fix).toMatch(/r1\.4 builds with CUDA 8, whose nvcc accepts gcc >=4\.8\.0 <6\.0\.0: gcc 5 at the newest/);
    expect(m?.fixCommands).toEqual([
      'sudo apt-get install -y gcc-5 g++-5   # where your distribution still packages it',
      'tfbuild build 1.4 --gpu --host-compiler /usr/bin/gcc-5',
      'tfbuild docker 1.4 --gpu',
    ]);
  });

  it("a failing build step's diagnosis follows the plan's recipe, as explain --for does", async () => {
    const { adviseForPlan } = await import('../../../src/steps/run-plan.js');
    const plan = { version: '1.4', recipeFile: null } as Parameters<typeof adviseForPlan>[1];
    const m = (await adviseForPlan(diagnoseLines([NVCC]), plan)).matches[0];
    expect(m?.fix).toMatch(/gcc 5 at the newest/);
    // A recipe that cannot be loaded leaves the general diagnosis, never an error of its own.
    const general = diagnoseLines([NVCC]);
    expect(await adviseForPlan(general, { ...plan, recipeFile: '/nonexistent/recipe.yaml' })).toBe(general);
  });

  it('the nasm diagnosis points at tfbuild patch', () => {
    const m = diagnoseLines(["ERROR: /x/external/jpeg/BUILD:162:1: no such package '@nasm//': Error downloading [http://www.nasm.us/pub/nasm/releasebuilds/2.12.02/nasm-2.12.02.tar.bz2] to /x: GET returned 404 Not Found"]).matches[0];
    expect(m?.id).toBe('fetch-nasm-2-12-02-mirror-dead');
    expect(m?.fix).toContain('tfbuild patch VERSION --source DIR');
    expect(m?.fixCommands[0]).toMatch(/^tfbuild patch /);
  });
});

describe('doctor VERSION: general fixes that conflict with the recipe give way', () => {
  it('drops the general cuDNN fix where a recipe cuDNN check exists, keeps others', () => {
    const general = [
      { id: 'gpu.cudnn', status: 'fail' as const, message: 'no cuDNN found', fix: 'sudo apt-get install -y cudnn9-cuda-13' },
      { id: 'gpu.driver', status: 'fail' as const, message: 'no NVIDIA driver', fix: 'install cuda-drivers' },
    ];
    const fromRecipe = [{ id: 'recipe.cudnn', status: 'fail' as const, message: 'needs cuDNN 6', fix: 'tfbuild docker r1.4 --gpu' }];
    const out = reconcileFixes(general, fromRecipe);
    expect(out[0]).toEqual({ id: 'gpu.cudnn', status: 'fail', message: 'no cuDNN found (for this release, see recipe.cudnn)', fix: null });
    expect(out[1]).toEqual(general[1]);
    expect(reconcileFixes(general, [])).toEqual(general);
  });
});
