/**
 * Where each recipe template value comes from on a host, for the message when one is missing: the real flag that
 * sets it, or what to install so the probe finds it. Pure data; a test checks every flag named here against the
 * build command's own option list.
 */
import type { TemplateVar } from '../recipes/schema.js';

export interface TemplateSource {
  /** Flags of `tfbuild build` that set or determine the value. */
  flags: string[];
  /** What provides it when no flag is given. */
  install: string;
}

export const TEMPLATE_SOURCES: Record<TemplateVar, TemplateSource> = {
  python: { flags: ['--python'], install: 'a python 3 the recipe accepts (tfbuild doctor VERSION lists them)' },
  pythonLib: { flags: ['--python'], install: 'a python whose site-packages the probe can read (its headers and pip: python3-dev, python3-pip)' },
  pythonVersion: { flags: ['--python', '--install-into'], install: 'a python of a version the recipe lists for its hermetic python' },
  cudaVersion: { flags: ['--cuda-path'], install: 'the CUDA toolkit the recipe needs (tfbuild doctor VERSION --gpu names the package)' },
  cudaPath: { flags: ['--cuda-path'], install: 'the CUDA toolkit the recipe needs (tfbuild doctor VERSION --gpu names the package)' },
  cudnnVersion: { flags: ['--cudnn-path'], install: 'cuDNN with its headers (cudnn.h or cudnn_version.h), as tfbuild doctor VERSION --gpu names it' },
  cudnnPath: { flags: ['--cudnn-path'], install: 'cuDNN with its headers (cudnn.h or cudnn_version.h), as tfbuild doctor VERSION --gpu names it' },
  computeCapabilities: { flags: ['--compute-capabilities'], install: 'an NVIDIA GPU and driver (nvidia-smi) for the probe to read' },
  hostCompiler: { flags: ['--host-compiler'], install: 'a gcc/g++ in the range the recipe names' },
  clang: { flags: ['--host-compiler'], install: 'clang in the range the recipe names (tfbuild doctor VERSION shows the command)' },
  ccOptFlags: { flags: ['--cpu-flags'], install: '' },
  wheelName: { flags: ['--recipe'], install: '' },
};

/** "Pass --x, or install y." */
export function formatTemplateHint(name: TemplateVar): string {
  const s = TEMPLATE_SOURCES[name];
  return `Pass ${s.flags.join(' or ')}${s.install ? `, or install ${s.install}` : ''}.`;
}
