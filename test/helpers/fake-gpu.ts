/**
 * Fake NVIDIA pieces for tests, built from recorded real outputs (test/fixtures/probe): an `nvidia-smi` script to
 * put first on PATH, a /proc/driver/nvidia/version file (TFBUILD_PROC_DRIVER), a CUDA toolkit tree for --cuda-path
 * and a cuDNN tree for --cudnn-path. Only what cannot exist on the CI image (no GPU, driver or cuDNN) is faked.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, removeTree } from './tmp.js';

export const PROBE_FIXTURES = fileURLToPath(new URL('../fixtures/probe/', import.meta.url));

export function readFixture(rel: string): string {
  return readFileSync(join(PROBE_FIXTURES, rel), 'utf8');
}

/** ok: modern driver; old-driver: rejects compute_cap (R470); hang: never answers; garbage: prints nonsense; no-driver: NVML failure. */
export type SmiMode = 'ok' | 'old-driver' | 'hang' | 'garbage' | 'no-driver';

export interface FakeGpuOptions {
  smi?: SmiMode | null;
  /** Default table (driver + CUDA version header). */
  table?: string;
  /** CSV answer to the compute_cap query. */
  csv?: string;
  /** /proc/driver/nvidia/version contents; null = no file. */
  procDriver?: string | null;
  /** Fake CUDA toolkit: version.json version, or null for none. */
  cuda?: { version: string; nvcc?: string; cupti?: 'lib64' | 'extras' | null; versionFile?: 'json' | 'txt' | 'none' } | null;
  /** Fake cuDNN: which header and version, where the libs go. */
  cudnn?: { header: string; libMajor: number; inCudaLib64?: boolean } | null;
}

export interface FakeGpuHost {
  root: string;
  binDir: string;
  procDriverPath: string;
  cudaPath: string | null;
  cudnnPath: string | null;
  /** process.env with the fake nvidia-smi first on PATH and TFBUILD_PROC_DRIVER set. */
  env: NodeJS.ProcessEnv;
  cleanup: () => void;
}

function script(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

function heredoc(text: string): string {
  return `cat <<'TFBUILD_EOF'\n${text.replace(/\n$/, '')}\nTFBUILD_EOF\n`;
}

function smiBody(mode: SmiMode, table: string, csv: string): string {
  switch (mode) {
    case 'hang':
      return 'exec sleep 60';
    case 'garbage':
      return 'echo "Segmentation fault (core dumped) \u0001\u0002 ??"; echo "%%%"; exit 0';
    case 'no-driver':
      return 'echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."; exit 9';
    case 'old-driver':
      return [
        'case "$1" in',
        `  --query-gpu=*compute_cap*) ${heredoc(readFixture('nvidia-smi/query-old-driver-error.txt'))}  exit 2 ;;`,
        `  --query-gpu=*) ${heredoc(readFixture('nvidia-smi/query-old-driver.csv'))}  ;;`,
        `  *) ${heredoc(readFixture('nvidia-smi/table-470.txt'))}  ;;`,
        'esac',
      ].join('\n');
    default:
      return ['case "$1" in', `  --query-gpu=*) ${heredoc(csv)}  ;;`, `  *) ${heredoc(table)}  ;;`, 'esac'].join('\n');
  }
}

export function makeFakeGpuHost(o: FakeGpuOptions = {}): FakeGpuHost {
  const root = makeTempDir('tfbuild-fakegpu-');
  const binDir = join(root, 'bin');
  mkdirSync(binDir);
  const smi = o.smi === undefined ? 'ok' : o.smi;
  if (smi) script(join(binDir, 'nvidia-smi'), smiBody(smi, o.table ?? readFixture('nvidia-smi/table-580.txt'), o.csv ?? readFixture('nvidia-smi/query-2gpu.csv')));

  const procDriverPath = join(root, 'proc-driver-nvidia-version');
  const proc = o.procDriver === undefined ? readFixture('driver/proc-580-closed.txt') : o.procDriver;
  if (proc !== null) writeFileSync(procDriverPath, proc);

  let cudaPath: string | null = null;
  if (o.cuda) {
    cudaPath = join(root, 'cuda');
    for (const d of ['bin', 'lib64', 'include', 'extras/CUPTI/lib64']) mkdirSync(join(cudaPath, d), { recursive: true });
    const vf = o.cuda.versionFile ?? 'json';
    if (vf === 'json') writeFileSync(join(cudaPath, 'version.json'), JSON.stringify({ cuda: { name: 'CUDA SDK', version: `${o.cuda.version}.20250820` }, cuda_cudart: { name: 'CUDA Runtime (cudart)', version: `${o.cuda.version}.96` } }, null, 3));
    if (vf === 'txt') writeFileSync(join(cudaPath, 'version.txt'), `CUDA Version ${o.cuda.version}.61\n`);
    if (o.cuda.nvcc) script(join(cudaPath, 'bin', 'nvcc'), heredoc(readFixture(o.cuda.nvcc)));
    const major = o.cuda.version.split('.')[0]!;
    writeFileSync(join(cudaPath, 'lib64', `libcudart.so.${major}`), '');
    const cupti = o.cuda.cupti === undefined ? 'lib64' : o.cuda.cupti;
    if (cupti === 'lib64') writeFileSync(join(cudaPath, 'lib64', `libcupti.so.${major}`), '');
    if (cupti === 'extras') writeFileSync(join(cudaPath, 'extras', 'CUPTI', 'lib64', `libcupti.so.${major}`), '');
  }

  let cudnnPath: string | null = null;
  if (o.cudnn) {
    cudnnPath = join(root, 'cudnn');
    mkdirSync(join(cudnnPath, 'include'), { recursive: true });
    mkdirSync(join(cudnnPath, 'lib64'), { recursive: true });
    const header = o.cudnn.header;
    const target = header.includes('cudnn_version') ? 'cudnn_version.h' : 'cudnn.h';
    writeFileSync(join(cudnnPath, 'include', target), readFixture(header));
    if (target === 'cudnn_version.h') writeFileSync(join(cudnnPath, 'include', 'cudnn.h'), readFixture('cudnn/cudnn-v8-stub.h'));
    writeFileSync(join(cudnnPath, 'lib64', `libcudnn.so.${o.cudnn.libMajor}`), '');
    if (o.cudnn.inCudaLib64 && cudaPath) writeFileSync(join(cudaPath, 'lib64', `libcudnn.so.${o.cudnn.libMajor}`), '');
  }

  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`, TFBUILD_PROC_DRIVER: procDriverPath };
  return { root, binDir, procDriverPath, cudaPath, cudnnPath, env, cleanup: () => removeTree(root) };
}
