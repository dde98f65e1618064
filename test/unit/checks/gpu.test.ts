import { describe, expect, it } from 'vitest';
import { genericChecks } from '../../../src/checks/generic.js';
import { compareVersions, driverFitsToolkit, minDriverFor } from '../../../src/checks/cuda-tables.js';
import type { CheckResult } from '../../../src/checks/types.js';
import type { HostFacts } from '../../../src/probe/types.js';
import { healthyFacts } from './facts.js';
import { readFileSync } from 'node:fs';

function gpu(facts: HostFacts): Record<string, CheckResult> {
  return Object.fromEntries(genericChecks({ facts, gpu: true }).filter((c) => c.id.startsWith('gpu.')).map((c) => [c.id, c]));
}

describe('CUDA tables', () => {
  it('minimum driver per toolkit (NVIDIA release notes), nearest older row for unlisted minors', () => {
    expect(minDriverFor('13.0')).toBe('580.65.06');
    expect(minDriverFor('12.2')).toBe('535.54.03');
    expect(minDriverFor('12.7')).toBe('560.28.03');
    expect(minDriverFor('8.0')).toBe('375.26');
    expect(minDriverFor('6.5')).toBeNull();
  });
  it('driver fit: ok, minor-version compatibility, too old', () => {
    expect(driverFitsToolkit('535.129.03', '12.2')).toBe('ok');
    expect(driverFitsToolkit('530.30.02', '12.2')).toBe('minor-compat');
    expect(driverFitsToolkit('470.256.02', '12.2')).toBe('too-old');
    expect(driverFitsToolkit('384.98', '8.0')).toBe('ok');
    expect(driverFitsToolkit('367.48', '8.0')).toBe('too-old');
    expect(compareVersions('580.65.06', '580.126.09')).toBe(-1);
  });
});

describe('--gpu checks', () => {
  it('the real H200 device host (recorded doctor --gpu --json) passes all six', () => {
    const h200 = JSON.parse(readFileSync(new URL('../../fixtures/probe/host-h200-device.json', import.meta.url), 'utf8')) as HostFacts;
    const r = gpu(h200);
    expect(Object.values(r).map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(r['gpu.driver']?.message).toBe('NVIDIA driver 580.159.04 (supports CUDA ≤ 13.0) ≥ 580.65.06 needed by CUDA 13.0');
    expect(r['gpu.capability']?.message).toBe('NVIDIA H200: 9.0');
  });

  it('a complete GPU host passes all six', () => {
    const r = gpu(healthyFacts());
    expect(Object.keys(r)).toEqual(['gpu.cuda', 'gpu.cudnn', 'gpu.cupti', 'gpu.driver', 'gpu.devices', 'gpu.capability']);
    expect(Object.values(r).every((c) => c.status === 'pass')).toBe(true);
  });

  it('this machine: CUDA 13.0 with cupti, no cuDNN, driver or GPU → exact fixes', () => {
    const r = gpu(healthyFacts({
      cuda: [{ version: '13.0', path: '/usr/local/cuda', source: 'nvcc', nvcc: '/usr/local/cuda/bin/nvcc', cudart: true, cupti: true, cuptiPath: '/usr/local/cuda/lib64' }],
      cudnn: null, driver: null, gpus: [],
    }));
    expect(r['gpu.cuda']?.status).toBe('pass');
    expect(r['gpu.cupti']?.status).toBe('pass');
    expect(r['gpu.cudnn']).toMatchObject({ status: 'fail', fix: expect.stringContaining('sudo apt-get install -y cudnn9-cuda-13') });
    expect(r['gpu.driver']).toMatchObject({ status: 'fail', fix: expect.stringContaining('≥ 580.65.06 (CUDA 13.0)') });
    expect(r['gpu.devices']?.status).toBe('fail');
    expect(r['gpu.capability']).toMatchObject({ status: 'warn', fix: expect.stringContaining('--compute-capabilities') });
  });

  it('no toolkit fails with the install command or --cuda-path', () => {
    const r = gpu(healthyFacts({ cuda: [] }));
    expect(r['gpu.cuda']).toMatchObject({ status: 'fail', fix: expect.stringMatching(/sudo apt-get install -y cuda-toolkit .*--cuda-path DIR/) });
    expect(r['gpu.cupti']?.status).toBe('fail');
  });

  it('cuDNN major must fit the toolkit era; headers without libraries fail', () => {
    const f = healthyFacts();
    expect(gpu({ ...f, cudnn: { ...f.cudnn!, version: '7.6.5', major: 7 } })['gpu.cudnn']).toMatchObject({ status: 'fail', message: expect.stringContaining('does not match CUDA 12.2') });
    expect(gpu({ ...f, cudnn: { ...f.cudnn!, version: '9.1.0', major: 9 } })['gpu.cudnn']?.status).toBe('pass');
    expect(gpu({ ...f, cudnn: { ...f.cudnn!, libDir: null } })['gpu.cudnn']?.message).toContain('no libcudnn');
    const old = gpu({ ...f, cuda: [{ ...f.cuda[0]!, version: '8.0' }], cudnn: { ...f.cudnn!, version: '6.0.21', major: 6 }, driver: { version: '384.98', cudaVersion: null, source: '/proc/driver/nvidia/version' } });
    expect(old['gpu.cudnn']?.status).toBe('pass');
    expect(gpu({ ...f, cuda: [{ ...f.cuda[0]!, version: '8.0' }], cudnn: null })['gpu.cudnn']?.fix).toMatch(/^Unpack the cuDNN 7 archive for CUDA 8.0/);
  });

  it('cupti missing names the toolkit-versioned package', () => {
    const f = healthyFacts();
    expect(gpu({ ...f, cuda: [{ ...f.cuda[0]!, cupti: false, cuptiPath: null }] })['gpu.cupti']?.fix).toContain('cuda-cupti-12-2');
  });

  it('driver too old fails, minor-version compatible warns', () => {
    const f = healthyFacts();
    expect(gpu({ ...f, driver: { version: '470.256.02', cudaVersion: '11.4', source: 'nvidia-smi' } })['gpu.driver']).toMatchObject({ status: 'fail', message: expect.stringContaining('needs ≥ 535.54.03') });
    expect(gpu({ ...f, driver: { version: '530.30.02', cudaVersion: '12.1', source: 'nvidia-smi' } })['gpu.driver']?.status).toBe('warn');
  });

  it('compute capability from the name table passes and says so; unknown warns', () => {
    const f = healthyFacts();
    expect(gpu({ ...f, gpus: [{ index: 0, name: 'Tesla K80', computeCapability: '3.7', ccSource: 'name-table', memoryMiB: 11441 }] })['gpu.capability']).toMatchObject({ status: 'pass', message: expect.stringContaining('name table') });
    expect(gpu({ ...f, gpus: [{ index: 0, name: 'Mystery GPU', computeCapability: null, ccSource: null, memoryMiB: null }] })['gpu.capability']?.status).toBe('warn');
  });
});
