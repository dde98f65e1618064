/** The container route as `plan` and `--dry-run` show it: what `tfbuild build` runs instead of a native plan. Pure. */
export interface ContainerRoute {
  schemaVersion: 1;
  route: 'container';
  version: string;
  line: string;
  gpu: boolean;
  /** What `tfbuild build VERSION --yes` runs on this host. */
  command: string;
  reasons: string[];
  /** The image generation whose toolchain the plan is made for. */
  generation?: string;
}

export function formatContainerRoute(r: ContainerRoute): string {
  return [
    `Route for TensorFlow ${r.line} (${r.gpu ? 'GPU' : 'CPU'}): container — a native build is not practical on this host.`,
    ...r.reasons.map((x) => `  ${x}`),
    `tfbuild build ${r.version} --yes runs: ${r.command}`,
    `The plan below runs in a build container of the ${r.generation ?? 'release\'s'} image, each step through \`ENGINE exec\`; its toolchain paths are the image's`,
    `(probed in the container before the first step; the image definition: ${r.command} --print-dockerfile).`,
  ].join('\n') + '\n';
}
