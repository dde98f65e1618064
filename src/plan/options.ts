/**
 * Build options: what the user decided (flags, config file, prompts). One zod schema serves the CLI flags,
 * tfbuild.config.json/.yaml and --save-config, so all three validate the same way.
 * Pure data; no defaults that depend on the host live here (those are settled in plan from HostFacts).
 */
import { z } from 'zod';
import { findIsa, listIsaNames } from './isa.js';

// A name the ISA table does not know is refused wherever options come from (flags, a config file, a saved plan).
const IsaNameListSchema = z.array(z.string().regex(/^[a-z0-9_.]+$/)).superRefine((names, ctx) => {
  const unknown = names.filter((n) => findIsa(n) === undefined);
  if (unknown.length > 0) {
    ctx.addIssue({ code: 'custom', message: `unknown ISA extension${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; use auto, native, none, or a list of: ${listIsaNames().join(', ')}` });
  }
});

export const CpuFlagsSchema = z
  .union([z.enum(['auto', 'native', 'none']), IsaNameListSchema])
  .describe('auto: the host ISA subset TF uses; native: -march=native; none; or a list such as ["avx2","fma"]');

export const InstallSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('venv'), venvDir: z.string().optional() }).strict(),
  z.object({ mode: z.literal('into'), python: z.string() }).strict(),
  z.object({ mode: z.literal('none') }).strict(),
]);

export const BuildOptionsSchema = z
  .object({
    version: z.string().describe('release as the user named it: r1.4, 1.4, 1.4.1, v1.4.1'),
    gpu: z.boolean().default(false),
    recipeFile: z.string().optional().describe('a custom recipe file instead of the catalog'),
    tag: z.string().optional().describe('git tag to build (default: the recipe line default or the exact release asked)'),
    source: z.string().optional().describe('existing checkout to build in place'),
    allowDirty: z.boolean().default(false),
    repo: z.string().default('https://github.com/tensorflow/tensorflow.git'),
    workdir: z.string().optional().describe('work dir (clone, venv, logs, state); default under the user cache dir'),
    output: z.string().default('./dist'),
    cpuFlags: CpuFlagsSchema.default('auto'),
    computeCapabilities: z.array(z.string().regex(/^\d+\.\d+$/)).optional(),
    python: z.string().optional().describe('python interpreter for configure and the venv'),
    hostCompiler: z.string().optional().describe('gcc/clang path (nvcc host compiler for GPU builds)'),
    cudaPath: z.string().optional(),
    cudnnPath: z.string().optional(),
    cudaSource: z
      .enum(['hermetic', 'local'])
      .default('hermetic')
      .describe('2.18+: hermetic (bazel downloads CUDA/cuDNN/NCCL) or local (the probed toolkit and cuDNN, via LOCAL_*_PATH)'),
    bazel: z.string().optional().describe('bazel or bazelisk binary to use'),
    jobs: z.number().int().min(1, '--jobs must be at least 1 (bazel runs nothing with 0 jobs)').max(4096, '--jobs must be at most 4096: more parallel actions than any machine can run is a typo').optional(),
    localRamMiB: z.number().int().positive().optional(),
    install: InstallSchema.default({ mode: 'venv' }),
    diskCache: z.union([z.string(), z.literal(false)]).optional().describe('bazel --disk_cache dir; false disables'),
    remoteCache: z.string().optional(),
    remoteExecutor: z.string().optional(),
    remoteInstanceName: z.string().optional(),
    remoteImage: z.string().optional().describe('container image of the remote execution platform (container-image=docker://…)'),
    remoteLocalFallback: z.boolean().default(false).describe('run an action here when remote execution of it fails'),
    remoteHeaders: z.array(z.string()).default([]).describe('K=V; values may be ${ENV_VAR} references, never stored expanded'),
    repositoryCache: z.string().optional(),
    distdir: z.array(z.string()).default([]),
    extraBazelFlags: z.array(z.string()).default([]),
    maxRetries: z.number().int().min(0).default(1).describe('OOM retries of the bazel step with fewer jobs'),
  })
  .strict();

export type BuildOptions = z.infer<typeof BuildOptionsSchema>;
export type BuildOptionsInput = z.input<typeof BuildOptionsSchema>;
