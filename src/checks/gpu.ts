/** The CUDA checks doctor runs with --gpu. Pure: facts in, results out. */
import type { CudaFacts, HostFacts } from '../probe/types.js';
import { fail, pass, warn, type CheckResult } from './types.js';
import { installCommand } from './fix.js';
import { CUDNN_MAJORS_FOR_CUDA, driverFitsToolkit, minDriverFor } from './cuda-tables.js';
import { familyProblem } from './problems.js';

const NVIDIA_REPO = "from NVIDIA's CUDA repository (https://developer.nvidia.com/cuda-downloads: add the cuda-keyring for your distribution first)";

/** The toolkit a build would use: --cuda-path first, then CUDA_HOME/CUDA_PATH, then /usr/local/cuda… (probe order). */
export function primaryToolkit(facts: HostFacts): CudaFacts | null {
  return facts.cuda[0] ?? null;
}

function dashed(version: string): string {
  return version.replace('.', '-');
}

function toolkitCheck(facts: HostFacts): CheckResult {
  const t = primaryToolkit(facts);
  const problem = familyProblem(facts, 'cuda');
  if (!t && problem) return warn('gpu.cuda', `could not determine the CUDA toolkits: ${problem}`, 're-run tfbuild doctor --gpu; if it persists, run <cuda>/bin/nvcc --version by hand');
  if (!t) {
    return fail('gpu.cuda', 'no CUDA toolkit found (--cuda-path, CUDA_HOME, CUDA_PATH, /usr/local/cuda*, /opt/cuda)',
      `${installCommand(facts, { apt: ['cuda-toolkit'], dnf: ['cuda-toolkit'] })} ${NVIDIA_REPO}, or pass --cuda-path DIR`);
  }
  const others = facts.cuda.slice(1).map((c) => `${c.version} (${c.path})`);
  return pass('gpu.cuda', `CUDA ${t.version} at ${t.path} (from ${t.source})${others.length ? `; also ${others.join(', ')}` : ''}`);
}

function cudnnFix(facts: HostFacts, t: CudaFacts | null): string {
  const cudaMajor = t ? Number.parseInt(t.version, 10) : null;
  const majors = cudaMajor !== null ? CUDNN_MAJORS_FOR_CUDA[cudaMajor] : undefined;
  const want = majors?.[majors.length - 1];
  const tarball = `or unpack the cuDNN${want ? ` ${want}` : ''} archive for CUDA ${t?.version ?? ''} (https://developer.nvidia.com/rdp/cudnn-archive) and pass --cudnn-path DIR`;
  if (cudaMajor !== null && want !== undefined && want >= 9) {
    return `${installCommand(facts, { apt: [`cudnn9-cuda-${cudaMajor}`], dnf: [`cudnn9-cuda-${cudaMajor}`] })} ${NVIDIA_REPO}, ${tarball}`;
  }
  if (want === 8) return `${installCommand(facts, { apt: ['libcudnn8', 'libcudnn8-dev'], dnf: ['libcudnn8', 'libcudnn8-devel'] })} ${NVIDIA_REPO}, ${tarball}`;
  return tarball.replace(/^or u/, 'U');
}

function cudnnCheck(facts: HostFacts): CheckResult {
  const t = primaryToolkit(facts);
  const c = facts.cudnn;
  if (!c) return fail('gpu.cudnn', `no cuDNN found (no cudnn_version.h or cudnn.h${t ? ` under ${t.path}` : ''}, --cudnn-path or /usr/include)`, cudnnFix(facts, t));
  const where = `cuDNN ${c.version} (${c.header})`;
  if (!c.libDir) return fail('gpu.cudnn', `${where} has headers but no libcudnn.so* beside them`, cudnnFix(facts, t));
  if (!t) return warn('gpu.cudnn', `${where}; no CUDA toolkit to match it against`, null);
  const cudaMajor = Number.parseInt(t.version, 10);
  const majors = CUDNN_MAJORS_FOR_CUDA[cudaMajor];
  if (majors && !majors.includes(c.major)) {
    return fail('gpu.cudnn', `${where} does not match CUDA ${t.version} (NVIDIA shipped cuDNN ${majors.join('/')} for CUDA ${cudaMajor})`, cudnnFix(facts, t));
  }
  return pass('gpu.cudnn', `${where}, libraries in ${c.libDir}${c.inCudaLib64 ? ' (also in CUDA lib64)' : ''}`);
}

function cuptiCheck(facts: HostFacts): CheckResult {
  const t = primaryToolkit(facts);
  if (!t) return fail('gpu.cupti', 'no CUDA toolkit, so no CUPTI', 'install the CUDA toolkit first (see gpu.cuda)');
  if (t.cupti) return pass('gpu.cupti', `libcupti in ${t.cuptiPath}`);
  return fail('gpu.cupti', `CUDA ${t.version} at ${t.path} has no libcupti (lib64 or extras/CUPTI/lib64)`,
    `${installCommand(facts, { apt: [`cuda-cupti-${dashed(t.version)}`, `cuda-cupti-dev-${dashed(t.version)}`], dnf: [`cuda-cupti-${dashed(t.version)}`] })} ${NVIDIA_REPO}`);
}

function driverCheck(facts: HostFacts): CheckResult {
  const t = primaryToolkit(facts);
  const min = t ? minDriverFor(t.version) : null;
  const need = min && t ? ` ≥ ${min} (CUDA ${t.version})` : '';
  const fix = `${installCommand(facts, { apt: ['cuda-drivers'], dnf: ['cuda-drivers'] })} ${NVIDIA_REPO}, then reboot; a driver${need} is needed to run and verify the GPU build`;
  const d = facts.driver;
  if (!d) return fail('gpu.driver', 'no NVIDIA driver (no /proc/driver/nvidia/version, no working nvidia-smi)', fix);
  const label = `NVIDIA driver ${d.version}${d.cudaVersion ? ` (supports CUDA ≤ ${d.cudaVersion})` : ''}`;
  if (!t) return pass('gpu.driver', label);
  switch (driverFitsToolkit(d.version, t.version)) {
    case 'ok':
      return pass('gpu.driver', `${label} ≥ ${min} needed by CUDA ${t.version}`);
    case 'minor-compat':
      return warn('gpu.driver', `${label} is older than ${min} (CUDA ${t.version}); runs through CUDA minor-version compatibility, without newer PTX JIT`, fix);
    case 'too-old':
      return fail('gpu.driver', `${label} is too old for CUDA ${t.version} (needs ≥ ${min})`, fix);
    default:
      return warn('gpu.driver', `${label}: no minimum known for CUDA ${t.version}`, null);
  }
}

function devicesCheck(facts: HostFacts): CheckResult {
  if (facts.gpus.length > 0) return pass('gpu.devices', facts.gpus.map((g) => `#${g.index} ${g.name}${g.memoryMiB ? ` ${g.memoryMiB} MiB` : ''}`).join(', '));
  const problem = familyProblem(facts, 'nvidia', 'nvidia-smi', 'gpus');
  if (problem) return fail('gpu.devices', `no GPU listed: ${problem}`, 'check the driver: nvidia-smi must answer quickly (a hang usually means a wedged driver; reboot or reload the nvidia module)');
  return fail('gpu.devices', 'no NVIDIA GPU visible (nvidia-smi absent or lists none)',
    'run on a machine with an NVIDIA GPU and driver; to build for another machine, pass --compute-capabilities X.Y and skip the verify step');
}

function capabilityCheck(facts: HostFacts): CheckResult {
  const fix = 'pass --compute-capabilities X.Y (TF_CUDA_COMPUTE_CAPABILITIES) for the GPUs the wheel will run on; see https://developer.nvidia.com/cuda-gpus';
  if (facts.gpus.length === 0) return warn('gpu.capability', 'compute capability unknown: no GPU to read it from', fix);
  const unknown = facts.gpus.filter((g) => !g.computeCapability);
  if (unknown.length > 0) return warn('gpu.capability', `compute capability unknown for ${unknown.map((g) => g.name).join(', ')}`, fix);
  return pass('gpu.capability', facts.gpus.map((g) => `${g.name}: ${g.computeCapability}${g.ccSource === 'name-table' ? ' (from name table: driver too old to report it)' : ''}`).join(', '));
}

export function gpuChecks(facts: HostFacts): CheckResult[] {
  return [toolkitCheck(facts), cudnnCheck(facts), cuptiCheck(facts), driverCheck(facts), devicesCheck(facts), capabilityCheck(facts)];
}
