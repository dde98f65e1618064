/**
 * The host the container route's host-step tests describe with --host-facts: a saved `doctor --json` of an Ubuntu
 * 22.04 laptop (no GPU stack; its verdict for r1.4 is `container`), given a python 3.5 (the cpu-cuda8/cuda8 images'
 * python, so the wheel's cp35) and, on request, CUDA 8 with cuDNN 6 or other facts; and main() run in-process.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { makeTempDir } from '../../helpers/tmp.js';

export const LAPTOP = join(import.meta.dirname, '..', '..', 'fixtures', 'hosts', 'ubuntu2204-cpu-laptop.json');

export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

type Facts = Record<string, unknown> & { pythons: Array<Record<string, unknown>> };

/** The laptop with a python 3.5, optionally CUDA 8 and cuDNN 6, and `extra` facts; written to a temporary file. */
export function writeLaptopFacts(o: { cuda?: boolean; extra?: Record<string, unknown> } = {}): string {
  const facts = { ...JSON.parse(readFileSync(LAPTOP, 'utf8')) as Facts, ...o.extra };
  facts.pythons.push({ ...facts.pythons[0], path: '/opt/py35/bin/python3.5', realPath: '/opt/py35/bin/python3.5', version: '3.5.10' });
  if (o.cuda) {
    facts.cuda = [{ version: '8.0', path: '/usr/local/cuda-8.0', source: 'version.txt', nvcc: '/usr/local/cuda-8.0/bin/nvcc', cudart: true, cupti: true, cuptiPath: null }];
    facts.cudnn = { version: '6.0.21', major: 6, header: '/usr/local/cuda-8.0/include/cudnn.h', libDir: '/usr/local/cuda-8.0/lib64', path: '/usr/local/cuda-8.0', inCudaLib64: true };
  }
  const file = join(makeTempDir('tfb-laptop-facts-'), 'laptop.json');
  writeFileSync(file, JSON.stringify(facts));
  return file;
}
