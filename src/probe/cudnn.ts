/**
 * cuDNN: version from cudnn_version.h (cuDNN 8+) or the defines in cudnn.h (cuDNN ≤ 7), and where libcudnn lives.
 * TensorFlow ≤ 1.x configure looks for the libraries in <cuda>/lib64, which is why the classic guides copy them there.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CudnnFacts } from './types.js';
import { hasLib, readFileOrNull } from './cuda.js';

export function parseCudnnHeader(text: string): { version: string; major: number } | null {
  const def = (name: string) => new RegExp(`^\\s*#\\s*define\\s+${name}\\s+(\\d+)`, 'm').exec(text)?.[1];
  const major = def('CUDNN_MAJOR');
  const minor = def('CUDNN_MINOR');
  const patch = def('CUDNN_PATCHLEVEL');
  if (major === undefined || minor === undefined) return null;
  return { version: `${major}.${minor}.${patch ?? '0'}`, major: Number(major) };
}

function multiarch(): string {
  return process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
}

/** Headers to try under one root, best first. Debian/Ubuntu packages install cudnn_version_v8.h under the multiarch dir. */
function headersUnder(root: string): string[] {
  const inc = [join(root, 'include'), root, join(root, 'include', multiarch())];
  const out: string[] = [];
  for (const d of inc) {
    out.push(join(d, 'cudnn_version.h'));
    try {
      out.push(...readdirSync(d).filter((n) => /^cudnn_version_v\d+\.h$/.test(n)).sort().reverse().map((n) => join(d, n)));
    } catch {
      /* not there */
    }
    out.push(join(d, 'cudnn.h'));
  }
  return out;
}

function libDirsUnder(root: string): string[] {
  return [join(root, 'lib64'), join(root, 'lib'), join(root, 'lib', multiarch()), join(root, 'targets', 'x86_64-linux', 'lib')];
}

export interface CudnnSearch {
  cudnnPath?: string;
  cudaRoots: string[];
  /** System roots (default /usr); tests pass [] to keep the host out. */
  systemRoots?: string[];
}

export function probeCudnn(s: CudnnSearch): { cudnn: CudnnFacts | null; problems: Array<{ probe: string; message: string }> } {
  const problems: Array<{ probe: string; message: string }> = [];
  if (s.cudnnPath && !existsSync(s.cudnnPath)) problems.push({ probe: 'cudnn-path', message: `--cudnn-path ${s.cudnnPath} does not exist` });
  const roots = [...(s.cudnnPath ? [s.cudnnPath] : []), ...s.cudaRoots, ...(s.systemRoots ?? ['/usr'])];
  const cudaLib64 = s.cudaRoots.map((r) => join(r, 'lib64'));
  for (const root of roots) {
    for (const header of headersUnder(root)) {
      const text = readFileOrNull(header);
      if (text === null) continue;
      const v = parseCudnnHeader(text);
      if (!v) continue; // cuDNN 8+'s cudnn.h only #includes cudnn_version.h
      const libDir = hasLib(libDirsUnder(root), 'libcudnn');
      return {
        cudnn: { version: v.version, major: v.major, header, libDir, path: root, inCudaLib64: hasLib(cudaLib64, 'libcudnn') !== null },
        problems,
      };
    }
  }
  if (s.cudnnPath && existsSync(s.cudnnPath)) {
    problems.push({ probe: 'cudnn-path', message: `--cudnn-path ${s.cudnnPath} holds no cudnn_version.h or cudnn.h with CUDNN_MAJOR` });
  }
  return { cudnn: null, problems };
}
