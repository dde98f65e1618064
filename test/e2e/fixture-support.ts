/**
 * Shared steps of the fixture e2e tests: configure a fixture checkout the way a user would (env answers, stdin
 * closed), package its wheel, and read what the installed wheel reports about itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPython } from '../../src/tools/python.js';
import type { FixtureShape } from '../helpers/fixture.js';

export const PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

/** Every variable the shape's configure asks for, CPU build, booleans in the era's format. */
export function cpuConfigureEnv(shape: FixtureShape): Record<string, string> {
  const common = { PYTHON_BIN_PATH: PYTHON, USE_DEFAULT_PYTHON_LIB_PATH: '1', CC_OPT_FLAGS: '-Wno-sign-compare' };
  return shape === 'r1.4'
    ? {
        ...common,
        TF_NEED_JEMALLOC: '1', TF_NEED_GCP: '0', TF_NEED_HDFS: '0', TF_NEED_S3: '0', TF_ENABLE_XLA: '0',
        TF_NEED_GDR: '0', TF_NEED_VERBS: '0', TF_NEED_OPENCL: '0', TF_NEED_CUDA: '0', TF_NEED_MPI: '0',
      }
    : { ...common, TF_NEED_ROCM: 'false', TF_NEED_CUDA: '0', TF_NEED_CLANG: '0', TF_SET_ANDROID_WORKSPACE: 'no' };
}

export interface ConfigureRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** ./configure with exactly `vars` over a minimal environment, stdin closed (as tfbuild runs it). */
export function runConfigure(dir: string, vars: Record<string, string>, opts: { path?: string } = {}): ConfigureRun {
  const env: Record<string, string> = {
    PATH: opts.path ?? process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'C.UTF-8',
    ...vars,
  };
  const r = spawnSync('./configure', [], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface ConfigureRecord {
  env: Record<string, string>;
  answers: Record<string, string>;
  completed?: boolean;
  stdin_isatty: boolean;
}

export function readConfigureRecord(dir: string): ConfigureRecord {
  return JSON.parse(readFileSync(join(dir, '.configure_env.json'), 'utf8')) as ConfigureRecord;
}

/** The era's packaging: r1.4 runs build_pip_package OUTDIR; 2.17's :wheel already left it in wheel_house/. */
export function packageWheel(shape: FixtureShape, dir: string, outDir: string): string {
  if (shape === 'r1.4') {
    mkdirSync(outDir, { recursive: true });
    execFileSync('bazel-bin/tensorflow/tools/pip_package/build_pip_package', [outDir], {
      cwd: dir, env: { ...process.env, PYTHON_BIN_PATH: PYTHON }, stdio: 'pipe',
    });
  } else {
    outDir = join(dir, 'bazel-bin/tensorflow/tools/pip_package/wheel_house');
  }
  const wheels = readdirSync(outDir).filter((f) => f.endsWith('.whl'));
  if (wheels.length !== 1) throw new Error(`expected one wheel in ${outDir}, found ${wheels.join(', ')}`);
  return join(outDir, wheels[0]!);
}

export interface WheelReport {
  version: string;
  isa: string[];
  cuda: boolean;
  smoke: number;
  gpus: number;
  stderr: string;
  exitCode: number | null;
}

/** Imports the installed fixture TensorFlow in `cwd` and runs the era's smoke snippet. */
export async function readInstalledReport(python: string, shape: FixtureShape, cwd: string, env: Record<string, string> = {}): Promise<WheelReport> {
  const smoke = shape === 'r1.4' ? 'tf.Session().run(tf.constant(2) + 3)' : '(tf.constant(2) + 3).numpy()';
  const gpus = shape === 'r1.4' ? 'int(tf.test.is_gpu_available())' : "len(tf.config.list_physical_devices('GPU'))";
  const code = [
    'import json, tensorflow as tf',
    'from tensorflow import python as native',
    `print(json.dumps({"version": tf.__version__, "isa": native.compiled_isa(), "cuda": tf.test.is_built_with_cuda(), "smoke": int(${smoke}), "gpus": ${gpus}}))`,
  ].join('\n');
  const r = await runPython({ python, code, cwd, env });
  const last = r.stdout.trim().split('\n').pop() ?? '{}';
  return { ...(r.exitCode === 0 ? (JSON.parse(last) as Omit<WheelReport, 'stderr' | 'exitCode'>) : { version: '', isa: [], cuda: false, smoke: 0, gpus: 0 }), stderr: r.stderr, exitCode: r.exitCode };
}

/** ISA macros gcc defines for `flags`, restricted to the ones the fixture reports, in its order. */
export function gccIsaMacros(flags: string[]): string[] {
  const out = execFileSync('gcc', [...flags, '-dM', '-E', '-x', 'c', '/dev/null'], { encoding: 'utf8' });
  const defined = new Set([...out.matchAll(/#define __(\w+)__ 1/g)].map((m) => m[1]));
  return ['SSE', 'SSE2', 'SSE3', 'SSSE3', 'SSE4_1', 'SSE4_2', 'AVX', 'AVX2', 'FMA', 'AVX512F'].filter((m) => defined.has(m));
}

/** The host's CPU flags, as TensorFlow's cpu_feature_guard reads them. */
export function hostCpuFlags(): Set<string> {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '';
  return new Set(line.split(':')[1]?.trim().split(/\s+/) ?? []);
}

/** What the 1.x guard must list: host-supported features among TF 1.x's checks, minus the compiled macros. */
export function expectedMissingV1(compiled: string[]): string[] {
  const table: [string, string, string][] = [
    ['sse', 'SSE', 'SSE'], ['sse2', 'SSE2', 'SSE2'], ['pni', 'SSE3', 'SSE3'], ['sse4_1', 'SSE4_1', 'SSE4.1'],
    ['sse4_2', 'SSE4_2', 'SSE4.2'], ['avx', 'AVX', 'AVX'], ['avx2', 'AVX2', 'AVX2'], ['fma', 'FMA', 'FMA'],
  ];
  const host = hostCpuFlags();
  return table.filter(([flag, macro]) => host.has(flag) && !compiled.includes(macro)).map(([, , name]) => name);
}
