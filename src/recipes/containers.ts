/**
 * Build-image generations under docker/: one per CUDA major and the Ubuntu release NVIDIA shipped it for. A CPU-only
 * image of a generation has the same userland without CUDA and carries the `cpu-` prefix. Recipes name one of these;
 * the docker command builds the image of that name.
 */
export const GPU_CONTAINER_GENERATIONS = [
  'cuda8-ubuntu16.04',
  'cuda9-ubuntu16.04',
  'cuda10-ubuntu18.04',
  'cuda11-ubuntu20.04',
  'cuda12-ubuntu22.04',
] as const;
export type GpuContainerGeneration = (typeof GPU_CONTAINER_GENERATIONS)[number];

export const CPU_CONTAINER_GENERATIONS = GPU_CONTAINER_GENERATIONS.map((g) => `cpu-${g}` as const);
export type CpuContainerGeneration = `cpu-${GpuContainerGeneration}`;

/** Every generation a recipe may name: GPU ones first, then their CPU twins. */
export const CONTAINER_GENERATIONS: readonly (GpuContainerGeneration | CpuContainerGeneration)[] = [
  ...GPU_CONTAINER_GENERATIONS,
  ...CPU_CONTAINER_GENERATIONS,
];

export function isGpuContainerGeneration(name: string): name is GpuContainerGeneration {
  return (GPU_CONTAINER_GENERATIONS as readonly string[]).includes(name);
}

export function isCpuContainerGeneration(name: string): name is CpuContainerGeneration {
  return (CPU_CONTAINER_GENERATIONS as readonly string[]).includes(name);
}
