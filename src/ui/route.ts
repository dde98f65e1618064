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
}

export function formatContainerRoute(r: ContainerRoute): string {
  return [
    `Route for TensorFlow ${r.line} (${r.gpu ? 'GPU' : 'CPU'}): container — a native build is not practical on this host.`,
    ...r.reasons.map((x) => `  ${x}`),
    `tfbuild build ${r.version} --yes runs: ${r.command}`,
    `(the container runs the same steps with the release's own toolchain; see: ${r.command} --print-dockerfile)`,
  ].join('\n') + '\n';
}
