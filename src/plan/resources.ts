/** --jobs and bazel's RAM budget from the host, the recipe's per-job estimate and the user's overrides. */
export interface Resources {
  jobs: number;
  localRamMiB: number;
}

/** TensorFlow's biggest compile actions need about 2 GB each (recipe.estimates.ramPerJobMiB). */
export const DEFAULT_RAM_PER_JOB_MIB = 2048;

export function computeResources(
  host: { cores: number; availableMiB: number },
  ramPerJobMiB: number,
  override: { jobs?: number | undefined; localRamMiB?: number | undefined },
): Resources {
  const byRam = Math.max(1, Math.floor(host.availableMiB / Math.max(1, ramPerJobMiB)));
  const jobs = override.jobs ?? Math.max(1, Math.min(Math.max(1, host.cores), byRam));
  // Leave a fifth of the free memory to the bazel server, the page cache and the desktop.
  const localRamMiB = override.localRamMiB ?? Math.max(1024, Math.floor(host.availableMiB * 0.8));
  return { jobs, localRamMiB };
}

/** After an OOM kill: half the jobs and three quarters of the RAM budget. */
export function reduceResources(r: Resources): Resources {
  return { jobs: Math.max(1, Math.floor(r.jobs / 2)), localRamMiB: Math.max(512, Math.floor(r.localRamMiB * 0.75)) };
}
