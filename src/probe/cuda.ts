/**
 * CUDA toolkits: --cuda-path, CUDA_HOME, CUDA_PATH, /usr/local/cuda, /usr/local/cuda-*, /opt/cuda, de-duplicated by
 * real path (reported under the first name found, so /usr/local/cuda stays /usr/local/cuda).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CudaFacts } from './types.js';
import { realpathOrSelf, isExecutableFile } from './path-scan.js';
import { readNvccVersion } from '../tools/nvcc.js';
import type { ProbeRunOptions } from '../tools/probe-run.js';

export interface CudaSearch {
  cudaPath?: string;
  env: NodeJS.ProcessEnv;
  /** Roots scanned for cuda-* (tests point this elsewhere). */
  scanRoots?: string[];
}

export function cudaCandidates(s: CudaSearch): string[] {
  const out: string[] = [];
  if (s.cudaPath) out.push(s.cudaPath);
  for (const v of [s.env.CUDA_HOME, s.env.CUDA_PATH]) if (v) out.push(v);
  for (const root of s.scanRoots ?? ['/usr/local']) {
    out.push(join(root, 'cuda'));
    try {
      const versioned = readdirSync(root).filter((n) => /^cuda-\d+(\.\d+)*$/.test(n));
      versioned.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
      out.push(...versioned.map((n) => join(root, n)));
    } catch {
      /* root missing */
    }
  }
  out.push('/opt/cuda');
  return out;
}

/** version.json (CUDA 11.1+): {"cuda": {"version": "11.8.20220929"}} → "11.8". */
export function parseCudaVersionJson(text: string): string | null {
  try {
    const v = (JSON.parse(text) as { cuda?: { version?: unknown } }).cuda?.version;
    const m = typeof v === 'string' ? /^(\d+\.\d+)/.exec(v) : null;
    return m ? m[1]! : null;
  } catch {
    return null;
  }
}

/** version.txt (CUDA ≤ 11.0): `CUDA Version 10.1.243` → "10.1". */
export function parseCudaVersionTxt(text: string): string | null {
  return /CUDA Version (\d+\.\d+)/.exec(text)?.[1] ?? null;
}

function libDirs(root: string): string[] {
  return [join(root, 'lib64'), join(root, 'lib'), join(root, 'targets', 'x86_64-linux', 'lib'), join(root, 'targets', 'sbsa-linux', 'lib')];
}

export function hasLib(dirs: readonly string[], stem: string): string | null {
  for (const d of dirs) {
    try {
      if (readdirSync(d).some((n) => n.startsWith(`${stem}.so`))) return d;
    } catch {
      /* not there */
    }
  }
  return null;
}

export function readFileOrNull(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

/** True when the directory looks like a CUDA toolkit at all. */
export function looksLikeCuda(root: string): boolean {
  return existsSync(join(root, 'version.json')) || existsSync(join(root, 'version.txt')) || isExecutableFile(join(root, 'bin', 'nvcc'));
}

export async function probeCudaRoot(path: string, o: ProbeRunOptions): Promise<CudaFacts> {
  const nvccPath = join(path, 'bin', 'nvcc');
  const nvcc = isExecutableFile(nvccPath) ? nvccPath : null;
  let version: string | null = null;
  let source: CudaFacts['source'] = 'version.json';
  const json = readFileOrNull(join(path, 'version.json'));
  if (json !== null) version = parseCudaVersionJson(json);
  if (version === null) {
    const txt = readFileOrNull(join(path, 'version.txt'));
    if (txt !== null) {
      version = parseCudaVersionTxt(txt);
      source = 'version.txt';
    }
  }
  if (version === null && nvcc) {
    version = await readNvccVersion(nvcc, o);
    source = 'nvcc';
  }
  if (version === null) throw new Error(`${path}: no version in version.json, version.txt or nvcc --version`);
  const libs = libDirs(path);
  const cuptiPath = hasLib([...libs, join(path, 'extras', 'CUPTI', 'lib64')], 'libcupti');
  return { version, path, source, nvcc, cudart: hasLib(libs, 'libcudart') !== null, cupti: cuptiPath !== null, cuptiPath };
}

export async function probeCuda(s: CudaSearch, o: ProbeRunOptions): Promise<{ cuda: CudaFacts[]; problems: Array<{ probe: string; message: string }> }> {
  const problems: Array<{ probe: string; message: string }> = [];
  if (s.cudaPath) {
    if (!existsSync(s.cudaPath)) problems.push({ probe: 'cuda-path', message: `--cuda-path ${s.cudaPath} does not exist` });
    else if (!looksLikeCuda(s.cudaPath)) problems.push({ probe: 'cuda-path', message: `--cuda-path ${s.cudaPath} holds no CUDA toolkit (no version.json, version.txt or bin/nvcc)` });
  }
  const seen = new Set<string>();
  const roots: string[] = [];
  for (const c of cudaCandidates(s)) {
    if (!looksLikeCuda(c)) continue;
    const real = realpathOrSelf(c);
    if (seen.has(real)) continue;
    seen.add(real);
    roots.push(c);
  }
  const settled = await Promise.allSettled(roots.map((r) => probeCudaRoot(r, o)));
  const cuda: CudaFacts[] = [];
  settled.forEach((r, i) => {
    if (r.status === 'fulfilled') cuda.push(r.value);
    else problems.push({ probe: roots[i] === s.cudaPath ? 'cuda-path' : 'cuda', message: r.reason instanceof Error ? r.reason.message : String(r.reason) });
  });
  return { cuda, problems };
}
