/**
 * The real r1.4 recipe planned for a recorded Ubuntu 16.04 / CUDA 8 / cuDNN 6 / GTX 1080 host: the configure env must
 * be exactly what r1.4's configure.py accepts (tf-build-matrix.md §5.8).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPlan, type ConfigureStep } from '../../../src/plan/index.js';
import { resolveRecipe } from '../../../src/recipes/index.js';
import { BuildOptionsSchema } from '../../../src/plan/options.js';
import type { HostFacts } from '../../../src/probe/types.js';
import { PATH_ENV } from './samples.js';

const facts = JSON.parse(readFileSync(new URL('../../fixtures/hosts/ubuntu1604-cuda8-gtx1080.json', import.meta.url), 'utf8')) as HostFacts;

describe('r1.4 GPU plan on a CUDA 8 host', () => {
  it('answers configure with 0/1 booleans, CUDA 8.0, cuDNN major 6 and the probed capability', () => {
    const { recipe, tag } = resolveRecipe('r1.4');
    const plan = createPlan({ facts, recipe, recipeFile: null, tag, options: BuildOptionsSchema.parse({ version: 'r1.4', gpu: true }), pathEnv: PATH_ENV });
    const env = (plan.steps.find((s) => s.kind === 'configure') as ConfigureStep).env;
    expect(env.TF_NEED_CUDA).toBe('1');
    expect(env.TF_CUDA_VERSION).toBe('8.0');
    expect(env.TF_CUDNN_VERSION).toBe('6');
    expect(env.TF_CUDA_COMPUTE_CAPABILITIES).toBe('6.1');
    for (const [k, v] of Object.entries(env)) {
      if (/^TF_(NEED|ENABLE)_/.test(k)) expect(['0', '1'], `${k}=${v}`).toContain(v);
    }
    expect(Object.values(env)).not.toContain('');
  });
});
