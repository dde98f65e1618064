/**
 * The Plan: a versioned, ordered list of typed steps with the exact commands, working directories and environment
 * a build runs. Plain JSON (`tfbuild plan --json`), validated with zod when read back (`tfbuild build --plan FILE`).
 * Bump PLAN_SCHEMA_VERSION on any incompatible change.
 */
import { z } from 'zod';
import { BuildOptionsSchema } from './options.js';

export const PLAN_SCHEMA_VERSION = 1;

export const STEP_KINDS = ['build-python', 'source', 'patch', 'configure', 'bazel-build', 'package', 'install', 'verify'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

const Env = z.record(z.string(), z.string());

/** Fields every step has: the command it runs (or, for steps tfbuild performs itself, the equivalent command). */
const common = {
  id: z.string(),
  title: z.string(),
  cmd: z.string(),
  args: z.array(z.string()),
  cwd: z.string(),
  /** Exact extra environment, merged over the inherited one; sorted by name. */
  env: Env,
  /** Directories put in front of PATH for this step (e.g. the chosen bazel's directory for configure). */
  pathPrepend: z.array(z.string()).default([]),
};

/**
 * The build python: a tfbuild-owned venv (`python -m venv --system-site-packages DIR`, the step's cmd/args) filled
 * with the recipe's build packages the chosen python lacks (`pip`); configure and packaging then use `python`.
 * Only in a plan the user consented to (--yes or the prompt): it installs packages from pip's configured index.
 */
export const BuildPythonStepSchema = z
  .object({
    ...common,
    kind: z.literal('build-python'),
    /** The interpreter the venv is made from (the one the user chose or the verdict picked). */
    basePython: z.string(),
    venvDir: z.string(),
    /** The venv's interpreter: configure's PYTHON_BIN_PATH. */
    python: z.string(),
    /** The requirements installed, as pip gets them (numpy<1.19, wheel). */
    packages: z.array(z.string()).min(1),
    pip: z.object({ cmd: z.string(), args: z.array(z.string()), env: Env }).strict(),
  })
  .strict()
  // What the step shows is what runs: an edited saved plan whose argv disagrees with the fields is refused.
  .superRefine((s, ctx) => {
    if (s.cmd !== s.basePython) ctx.addIssue({ code: 'custom', path: ['cmd'], message: `must be basePython (${s.basePython})` });
    if (s.args.at(-1) !== s.venvDir) ctx.addIssue({ code: 'custom', path: ['args'], message: `must end with venvDir (${s.venvDir})` });
    if (s.python !== `${s.venvDir.replace(/\/+$/, '')}/bin/python`) ctx.addIssue({ code: 'custom', path: ['python'], message: `must be venvDir's bin/python` });
    if (s.pip.cmd !== s.python) ctx.addIssue({ code: 'custom', path: ['pip', 'cmd'], message: `must be python (${s.python})` });
  });

export const SourceStepSchema = z
  .object({
    ...common,
    kind: z.literal('source'),
    mode: z.enum(['existing', 'clone']),
    dir: z.string(),
    repo: z.string(),
    tag: z.string(),
    allowDirty: z.boolean(),
  })
  .strict();

export const PatchStepSchema = z
  .object({ ...common, kind: z.literal('patch'), dir: z.string(), patches: z.array(z.string()) })
  .strict();

export const ConfigureStepSchema = z
  .object({
    ...common,
    kind: z.literal('configure'),
    /** configure's output that proves it finished (r1.4 exits 0 even when bazel is missing). */
    bazelrc: z.string(),
    exitsZeroOnBazelFailure: z.boolean(),
  })
  .strict();

export const BazelStepSchema = z
  .object({
    ...common,
    kind: z.literal('bazel-build'),
    startupArgs: z.array(z.string()),
    /** args = [...startupArgs, 'build', '--color=no', '--curses=no', ...build flags, target]: the one bazel argv. */
    target: z.string(),
    /** The python version the wheel is built for (TF_PYTHON_VERSION of hermetic-python releases), or null. */
    wheelPython: z.string().nullable(),
    /**
     * Build flags that carry credentials (remote headers, a cache URL with a password), kept off bazel's argv (which
     * every user sees in ps): the executor writes them, `${ENV}` expanded, to this 0600 rc file in a 0700 dir, named
     * by `--bazelrc=FILE` in startupArgs, and removes it when bazel is done. Null when there are none.
     */
    credentials: z.object({ rcFile: z.string(), flags: z.array(z.string()) }).strict().nullable(),
    /**
     * Run in the build's cwd and env once the build has finished (or failed), so no bazel server (a JVM holding GBs,
     * 3 hours by default) outlives it. Not run when the build is interrupted: the resume reuses the server.
     */
    shutdownArgs: z.array(z.string()).nullable().default(null),
    bazelRange: z.string(),
    jobs: z.number().int().positive(),
    localRamMiB: z.number().int().positive(),
    maxRetries: z.number().int().min(0),
    logDir: z.string(),
    /** Flags built for ISA extensions this host lacks: the wheel will not run here. */
    foreignFlags: z.array(z.string()),
    copts: z.array(z.string()),
  })
  .strict();

export const PackageStepSchema = z
  .object({
    ...common,
    kind: z.literal('package'),
    packaging: z.enum(['build_pip_package', 'wheel-rule']),
    /** Where the wheel is first written (a temp dir under the work dir, or the wheel rule's dir). */
    stagingDir: z.string(),
    outputDir: z.string(),
    /** The wheel's project name and version: a wheel `<name>-<version>-*.whl` in outputDir is refused up front. */
    wheelName: z.string(),
    wheelVersion: z.string(),
    metadata: z.record(z.string(), z.unknown()),
  })
  .strict();

export const InstallStepSchema = z
  .object({
    ...common,
    kind: z.literal('install'),
    mode: z.enum(['venv', 'into', 'none']),
    /** Interpreter that creates the venv (venv) or receives the wheel (into). */
    python: z.string(),
    venvDir: z.string().nullable(),
    /** The interpreter the wheel ends up importable from. */
    targetPython: z.string().nullable(),
    /** The pip command that installs the wheel, `{wheel}` standing for its path; null with --no-install. */
    pip: z.object({ cmd: z.string(), args: z.array(z.string()), env: Env }).strict().nullable(),
    /**
     * Before pip: the wheel is refused when its build info names ISA this host lacks or its cpXY is not this python's
     * (`tfbuild install`'s check). "This host" is the plan's host facts, so a saved plan run elsewhere is checked
     * against what the plan says; pythonVersion null: the facts do not list the receiving python, whose version is
     * read when the step runs. Null with --no-install.
     */
    guard: z.object({ hostIsa: z.array(z.string()), pythonVersion: z.string().nullable() }).strict().nullable(),
  })
  .strict();

export const VerifyStepSchema = z
  .object({
    ...common,
    kind: z.literal('verify'),
    python: z.string().nullable(),
    expectVersion: z.string(),
    expectFlags: z.array(z.string()),
    /** ISA extensions of the host the plan was made for: TF's start-up guard lists those the binary lacks. */
    hostIsa: z.array(z.string()),
    /** A CUDA build is expected (is_built_with_cuda). */
    gpu: z.boolean(),
    /** With gpu: a GPU must also be visible; false where the plan's host has no NVIDIA driver (a build box, a build container without GPU access). */
    requireGpu: z.boolean(),
    /** An expected flag the binary's start-up check cannot report on is a problem (true) or a note (false). */
    strictFlags: z.boolean(),
    era: z.enum(['graph', 'eager']),
    /** The import must not resolve under this directory (the source tree); null: no such check. */
    forbidPrefix: z.string().nullable(),
  })
  .strict();

export const StepSchema = z.discriminatedUnion('kind', [
  BuildPythonStepSchema,
  SourceStepSchema,
  PatchStepSchema,
  ConfigureStepSchema,
  BazelStepSchema,
  PackageStepSchema,
  InstallStepSchema,
  VerifyStepSchema,
]);

export type BuildPythonStep = z.infer<typeof BuildPythonStepSchema>;
export type SourceStep = z.infer<typeof SourceStepSchema>;
export type PatchStep = z.infer<typeof PatchStepSchema>;
export type ConfigureStep = z.infer<typeof ConfigureStepSchema>;
export type BazelStep = z.infer<typeof BazelStepSchema>;
export type PackageStep = z.infer<typeof PackageStepSchema>;
export type InstallStep = z.infer<typeof InstallStepSchema>;
export type VerifyStep = z.infer<typeof VerifyStepSchema>;
export type Step = z.infer<typeof StepSchema>;

export const PlanSchema = z
  .object({
    schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
    version: z.string(),
    line: z.string(),
    tag: z.string(),
    recipeVersion: z.string(),
    /** The recipe as resolved, so a saved plan runs without the catalog it came from. */
    recipeFile: z.string().nullable(),
    gpu: z.boolean(),
    workdir: z.string(),
    options: BuildOptionsSchema,
    warnings: z.array(z.string()),
    steps: z.array(StepSchema),
  })
  .strict();
export type Plan = z.infer<typeof PlanSchema>;

/** bazel's line-oriented output flags, right after `build` in every bazel step's argv. */
export const LINE_OUTPUT_FLAGS = ['--color=no', '--curses=no'] as const;

/** The build flags of a bazel step: its argv between `build --color=no --curses=no` and the target. */
export function getBazelBuildFlags(step: Pick<BazelStep, 'args' | 'startupArgs'>): string[] {
  return step.args.slice(step.startupArgs.length + 1 + LINE_OUTPUT_FLAGS.length, -1);
}

/** `{wheel}` in an argv replaced by the wheel's path. */
export function withWheel(args: readonly string[], wheel: string): string[] {
  return args.map((a) => (a === '{wheel}' ? wheel : a));
}
