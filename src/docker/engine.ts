/** Which container engine to use. Pure: decided from probed facts (HostFacts.containers) and the flag. */
import { EnvironmentError } from '../errors.js';
import type { ContainerEngineFacts } from '../probe/types.js';

export type EngineName = 'docker' | 'podman';

export interface EngineChoice {
  name: EngineName;
  path: string;
  /** Why this one (shown by --verbose and doctor). */
  reason: string;
}

/**
 * --engine wins when that engine works; otherwise docker when its daemon answers, else podman.
 * A docker client without a daemon (the usual state on a podman host) does not count.
 */
export function chooseEngine(engines: readonly ContainerEngineFacts[], requested?: EngineName): EngineChoice {
  const works = (n: EngineName) => engines.find((e) => e.name === n && e.works);
  if (requested) {
    const e = works(requested);
    if (e) return { name: e.name, path: e.path, reason: `--engine ${requested}` };
    const present = engines.find((x) => x.name === requested);
    throw new EnvironmentError(
      present ? `${requested} is installed but does not work: ${present.problem ?? 'its info command failed'}.` : `${requested} is not installed.`,
      { hint: requested === 'docker' ? 'Start the Docker daemon (sudo systemctl start docker), or use --engine podman.' : 'Install podman (sudo apt-get install -y podman), or use --engine docker.' },
    );
  }
  const docker = works('docker');
  if (docker) return { name: 'docker', path: docker.path, reason: 'docker answers' };
  const podman = works('podman');
  if (podman) {
    const d = engines.find((x) => x.name === 'docker');
    return { name: 'podman', path: podman.path, reason: d ? `docker does not answer (${d.problem ?? 'no daemon'}); podman works` : 'podman works; docker is not installed' };
  }
  const problems = engines.map((e) => `${e.name}: ${e.problem ?? 'does not work'}`);
  throw new EnvironmentError('No working container engine (docker or podman).', {
    hint: 'Install podman (sudo apt-get install -y podman) or start Docker, then rerun; tfbuild doctor shows what is wrong.',
    details: problems,
  });
}
