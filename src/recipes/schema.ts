/**
 * The recipe schema: one YAML file per TensorFlow release line under recipes/. Data, not code: a wrong fact is
 * fixed by editing the file. `schema/recipe.schema.json` is generated from this (kept in sync by a test).
 *
 * Template variables usable in configure env values and build repo_env values (see TEMPLATE_VARS):
 *   {python} {pythonLib} {pythonVersion} {cudaVersion} {cudaPath} {cudnnVersion} {cudnnPath}
 *   {computeCapabilities} {hostCompiler} {clang} {ccOptFlags} {wheelName}
 * {cudaVersion} is the toolkit's major.minor ("8.0"); {cudnnVersion} is cuDNN's major ("6"), the SONAME suffix
 * configure.py checks (libcudnn.so.$TF_CUDNN_VERSION).
 */
import semver from 'semver';
import { z } from 'zod';

export const TEMPLATE_VARS = [
  'python',
  'pythonLib',
  'pythonVersion',
  'cudaVersion',
  'cudaPath',
  'cudnnVersion',
  'cudnnPath',
  'computeCapabilities',
  'hostCompiler',
  'clang',
  'ccOptFlags',
  'wheelName',
] as const;
export type TemplateVar = (typeof TEMPLATE_VARS)[number];

const semverRange = z
  .string()
  .refine((s) => semver.validRange(s) !== null, { message: 'not a valid semver range (e.g. ">=0.5.4 <0.10.0")' });

const releaseVersion = z.string().regex(/^\d+\.\d+\.\d+$/, 'a release version like "1.4.0"');

const when = z.enum(['always', 'cpu', 'gpu']).default('always').describe('apply to every build, CPU-only builds, or GPU builds');

/**
 * The environment variables a recipe, config or plan may set for configure and bazel: the names TensorFlow's
 * configure and bazel rules read (TF_*, the CUDA/cuDNN/NCCL/TensorRT/hermetic toolchain settings and 2.18+'s LOCAL_*_PATH, the compiler and
 * python paths) and the locale. Anything else (BASH_ENV, LD_PRELOAD, PYTHONSTARTUP, PATH…) could run code in a
 * process tfbuild starts, and recipes are data: such a name is a config error (exit 4).
 */
const ALLOWED_ENV_PATTERNS = [/^TF_[A-Z0-9_]+$/, /^(?:CUDA|CUDNN|NCCL|TENSORRT|HERMETIC|ROCM|CLANG|GCC_HOST|ANDROID)_[A-Z0-9_]+$/];
const ALLOWED_ENV_NAMES = new Set([
  'CC_OPT_FLAGS', 'LOCAL_CUDA_PATH', 'LOCAL_CUDNN_PATH', 'LOCAL_NCCL_PATH', 'PYTHON_BIN_PATH', 'PYTHON_LIB_PATH', 'USE_DEFAULT_PYTHON_LIB_PATH', 'USE_PYWRAP_RULES', 'WHEEL_NAME', 'USE_BAZEL_VERSION', 'MPI_HOME',
  // The clone step's own: git never asks for credentials on a terminal nobody watches.
  'GIT_TERMINAL_PROMPT',
  // The install step's pip: no version check against the network, no user site-packages mixed in.
  'PIP_DISABLE_PIP_VERSION_CHECK', 'PYTHONNOUSERSITE',
  'LANG', 'LC_ALL', 'LC_CTYPE', 'HOST_C_COMPILER', 'HOST_CXX_COMPILER', 'COMPUTECPP_TOOLKIT_PATH', 'TRISYCL_INCLUDE_DIR',
]);

export function isAllowedEnvName(name: string): boolean {
  return ALLOWED_ENV_NAMES.has(name) || ALLOWED_ENV_PATTERNS.some((p) => p.test(name));
}

const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/)
  .superRefine((name, ctx) => {
    if (!isAllowedEnvName(name)) {
      ctx.addIssue({ code: 'custom', message: `${name} is not a variable configure or bazel reads (TF_*, CUDA_*, CC_OPT_FLAGS, PYTHON_BIN_PATH…); other names could run code` });
    }
  });

export const EnvEntrySchema = z
  .object({
    name: envName.describe('environment variable read by ./configure'),
    value: z.string().optional().describe('literal or template value, e.g. "{cudaPath}"; mutually exclusive with bool'),
    bool: z
      .union([z.boolean(), z.enum(['gpu', 'cpu'])])
      .optional()
      .describe('a boolean answer, rendered per configure.boolFormat; "gpu" = true for GPU builds'),
    when,
    description: z.string().optional(),
  })
  .strict()
  .refine((e) => (e.value === undefined) !== (e.bool === undefined), { message: 'give exactly one of value or bool' });
export type EnvEntry = z.infer<typeof EnvEntrySchema>;

export const RepoEnvSchema = z
  .object({ name: envName, value: z.string(), when })
  .strict()
  .describe('a --repo_env=NAME=VALUE passed to bazel');

export const BazelFlagRuleSchema = z
  .object({
    bazel: semverRange.describe('bazel versions this applies to'),
    flags: z.array(z.string()).describe('extra bazel build flags for those versions'),
    reason: z.string(),
  })
  .strict();

export const PackagingSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('build_pip_package'),
      script: z.string().describe('the built script, run with the output dir as its argument'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('wheel-rule'),
      dir: z.string().describe('where the wheel rule leaves the wheel (relative to the source root)'),
    })
    .strict(),
]);

/**
 * A python package the build python must have: a distribution name and an optional PEP 440 version specifier made of
 * comparisons joined by commas (`<1.19`, `>=1.16.0,<1.19`), the form pip takes and the probe's versions are judged by.
 */
export const BuildPackageSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a distribution name (letters, digits, . _ -)'),
    spec: z
      .string()
      .regex(/^(?:<=|>=|==|<|>)\d+(?:\.\d+)*(?:,(?:<=|>=|==|<|>)\d+(?:\.\d+)*)*$/, 'comparisons joined by commas, e.g. <1.19 or >=1.16.0,<1.19')
      .optional()
      .describe('PEP 440 version specifier, e.g. "<1.19"'),
  })
  .strict();
export type BuildPackage = z.infer<typeof BuildPackageSchema>;

export const RecipeSchema = z
  .object({
    $schema: z.string().optional(),
    version: releaseVersion.describe('the documented release of this line, e.g. "1.4.0"'),
    line: z.string().regex(/^r\d+\.\d+$/, 'a release line like "r1.4"').describe('release line, e.g. "r1.4"'),
    tags: z
      .object({
        default: z.string().describe('git tag built when the user names only the line, e.g. "v1.4.1"'),
        known: z.array(z.string()).min(1).describe('every known git tag of this line'),
      })
      .strict(),
    tested: z
      .object({
        python: z.string(),
        compiler: z.string(),
        bazel: z.string(),
        cudnn: z.string(),
        cuda: z.string(),
      })
      .strict()
      .describe("the docs' tested build configuration, verbatim"),
    python: z
      .object({
        range: semverRange.describe('python versions that can build this release'),
        preferred: z.string().describe('the python to pick when several qualify, e.g. "3.6"'),
        hermetic: z.boolean().describe('2.14+: bazel downloads its own python; the wheel tag follows --repo_env=TF_PYTHON_VERSION'),
        hermeticVersions: z.array(z.string()).optional().describe('python versions the hermetic rule accepts'),
        buildPackages: z
          .array(BuildPackageSchema)
          .default([])
          .describe('python packages the build python needs (configure, the bazel build, packaging); a python lacking one gets a tfbuild-made build venv with it'),
      })
      .strict(),
    compiler: z
      .object({
        kind: z.enum(['gcc', 'clang']).describe('the compiler the release was tested with'),
        range: semverRange.describe('compiler versions known to build it (CPU)'),
        gpuRange: semverRange.optional().describe('host-compiler versions nvcc of this CUDA accepts'),
      })
      .strict(),
    bazel: z
      .object({
        tested: z.string(),
        range: semverRange.describe('bazel versions that build this release'),
        useBazelversionFile: z.boolean().describe("the tag has a .bazelversion: prefer it (bazelisk reads it)"),
        flagRules: z.array(BazelFlagRuleSchema).default([]),
        broken: z
          .array(z.object({ bazel: semverRange, reason: z.string() }).strict())
          .default([])
          .describe('versions known to fail, with the reason shown to the user'),
      })
      .strict(),
    jdk: z
      .object({ range: semverRange.describe('JDK major versions for that bazel, e.g. "8.x"') })
      .strict()
      .nullable()
      .describe('null when bazel embeds its own JDK'),
    gpu: z
      .object({
        cuda: z.object({ tested: z.string(), range: semverRange }).strict(),
        cudnn: z.object({ tested: z.string(), range: semverRange }).strict(),
        hermetic: z.boolean().describe('2.18+: bazel downloads CUDA/cuDNN itself'),
        computeCapabilities: z
          .object({
            default: z.string().describe('e.g. "3.5,5.2"'),
            min: z.string().describe('lowest capability the release accepts'),
            max: z.string().optional().describe('highest capability its CUDA can target'),
          })
          .strict(),
      })
      .strict()
      .nullable(),
    configure: z
      .object({
        era: z.enum(['bash', 'configure.py']),
        boolFormat: z.enum(['01', 'yn', 'truefalse']).describe('how booleans are written: r1.4 needs 0/1'),
        exitsZeroOnBazelFailure: z.boolean().describe('r1.4 configure.py exits 0 when bazel is missing/too old'),
        env: z.array(EnvEntrySchema).describe('every variable that configure would otherwise ask for'),
      })
      .strict(),
    build: z
      .object({
        era: z.enum(['E1', 'E2', 'E3', 'E4', 'E5']),
        target: z.string(),
        flags: z.array(z.string()).describe('always passed'),
        gpuFlags: z.array(z.string()),
        cpuFlags: z.array(z.string()).default([]),
        repoEnv: z.array(RepoEnvSchema).default([]),
        packaging: PackagingSchema,
        wheelName: z.object({ cpu: z.string(), gpu: z.string() }).strict().describe('the wheel project name'),
      })
      .strict(),
    patches: z.array(z.string()).default([]).describe('ids of patches/<id>.yaml to apply'),
    containers: z
      .object({ cpu: z.string(), gpu: z.string().nullable() })
      .strict()
      .describe('docker/ image generations for CPU and GPU builds'),
    verify: z.object({ era: z.enum(['graph', 'eager']) }).strict(),
    estimates: z
      .object({
        diskGiB: z.number().positive(),
        cpuHours: z.number().positive(),
        ramPerJobMiB: z.number().int().positive(),
      })
      .strict(),
    notes: z.array(z.string()).default([]),
    unconfirmed: z.array(z.string()).default([]).describe('facts not checked against a primary source'),
  })
  .strict();

export type Recipe = z.infer<typeof RecipeSchema>;
export type RecipeInput = z.input<typeof RecipeSchema>;

type EnvMap = Readonly<Record<string, string>>;

/**
 * The names a saved plan sets that no recipe may set (a hand-edited plan is data too): every environment a step
 * runs with, the install step's pip command included.
 */
export function findForbiddenEnv(steps: ReadonlyArray<{ id: string; env: EnvMap; pip?: { env: EnvMap } | null }>): string[] {
  const bad = (env: EnvMap, where: string) => Object.keys(env).filter((k) => !isAllowedEnvName(k)).map((k) => `${where}.${k}`);
  return steps.flatMap((s) => [...bad(s.env, `steps.${s.id}.env`), ...(s.pip ? bad(s.pip.env, `steps.${s.id}.pip.env`) : [])]);
}
