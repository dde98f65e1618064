/**
 * Container checks for doctor: which engine `tfbuild docker` would use and whether GPU passthrough is set up.
 * Pure: facts in, results out. Containers are the fallback route, so a missing engine is a warning, never a failure.
 */
import { chooseEngine } from '../docker/engine.js';
import type { ContainerEngineFacts } from '../probe/types.js';
import { installCommand } from './fix.js';
import { pass, warn, type CheckContext, type CheckResult } from './types.js';

function describe(e: ContainerEngineFacts): string {
  return `${e.name}${e.version ? ` ${e.version}` : ''} (${e.path})`;
}

function engineCheck(ctx: CheckContext): { result: CheckResult; engine: ContainerEngineFacts | null } {
  const engines = ctx.facts.containers;
  const install = installCommand(ctx.facts, { apt: ['podman'], dnf: ['podman'], pacman: ['podman'], zypper: ['podman'] });
  if (engines.length === 0) {
    return { result: warn('containers', 'no docker or podman: tfbuild docker (a release built in its own toolchain image) is unavailable', install), engine: null };
  }
  let chosen: ContainerEngineFacts | null = null;
  try {
    const c = chooseEngine(engines);
    chosen = engines.find((e) => e.name === c.name) ?? null;
  } catch {
    chosen = null;
  }
  const broken = engines.filter((e) => !e.works).map((e) => `${describe(e)}: ${e.problem ?? 'does not work'}`);
  if (!chosen) {
    const fix = engines.some((e) => e.name === 'docker') ? `sudo systemctl start docker, or ${install}` : install;
    return { result: warn('containers', `no working container engine (${broken.join('; ')})`, fix), engine: null };
  }
  const note = broken.length > 0 ? `; not used: ${broken.join('; ')}` : '';
  return { result: pass('containers', `tfbuild docker uses ${describe(chosen)}${note}`), engine: chosen };
}

function gpuPassthroughCheck(engine: ContainerEngineFacts): CheckResult {
  if (engine.name === 'docker') {
    if (engine.nvidia.runtime) return pass('containers.gpu', 'docker has the NVIDIA runtime: --gpus all works for tfbuild docker --gpu');
    return warn(
      'containers.gpu',
      'docker has no NVIDIA runtime: tfbuild docker --gpu (docker run --gpus all) will fail',
      'install nvidia-container-toolkit (NVIDIA\'s repository), then sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker',
    );
  }
  if (engine.nvidia.cdi) return pass('containers.gpu', 'a CDI spec for NVIDIA GPUs exists: podman --device nvidia.com/gpu=all works for tfbuild docker --gpu');
  return warn(
    'containers.gpu',
    'no NVIDIA CDI spec (/etc/cdi/nvidia.yaml): tfbuild docker --gpu (podman --device nvidia.com/gpu=all) will fail',
    'install nvidia-container-toolkit (NVIDIA\'s repository), then sudo nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml',
  );
}

/** `containers`, and with ctx.gpu `containers.gpu`. */
export function containerChecks(ctx: CheckContext): CheckResult[] {
  const { result, engine } = engineCheck(ctx);
  if (!ctx.gpu || engine === null) return [result];
  return [result, gpuPassthroughCheck(engine)];
}
