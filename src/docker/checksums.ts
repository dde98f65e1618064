/**
 * Where bazel comes from in an image, and its sha256. Standalone release binaries (0.16+) are checked against
 * recipes/bazel-releases.yaml (shared with the native downloader; the caller passes its table in). Older releases
 * only shipped installers; the installer checksums below were read from public build scripts that verify those
 * exact files (cited per entry), none computed here. A version with no known checksum still renders: the image
 * build then stops and asks for BAZEL_SHA256 as a build-arg (tfbuild docker --image-bazel-sha256).
 */
import semver from 'semver';

const BAZEL_RELEASES = 'https://github.com/bazelbuild/bazel/releases/download';

export type BazelKind = 'binary' | 'installer' | 'bazelisk' | 'apt';

export interface BazelDownload {
  kind: BazelKind;
  /** Empty for apt. */
  url: string;
  sha256: string | null;
}

const INSTALLER_SHA256: Record<string, { sha256: string; source: string }> = {
  '0.25.2': { sha256: '5b9ab8a68c53421256909f79c47bde76a051910217531cbf35ee995448254fa7', source: 'public install script pinning BAZEL_INSTALLER_SIG for 0.25.2' },
  '0.29.1': { sha256: 'f87f0057cd7d6666e4d371267fbe27a9ed47f42e6663694a1cd755c8c6858baf', source: 'public install script pinning BAZEL_INSTALLER_SIG for 0.29.1' },
  '2.1.1': { sha256: 'd6cea18d59e9c90c7ec417b2645834f968132de16d0022c7439b1e60438eb8c9', source: 'public CI config pinning BAZEL_SHA256 for the 2.1.1 installer' },
  '3.7.2': { sha256: '8416ff3900075ed588869a5b6dcc97844f56834e5a8344a2e27ec34a1eaf847e', source: 'public install script pinning BAZEL_INSTALLER_SIG for 3.7.2' },
};

const BAZELISK_SHA256: Record<string, { sha256: string; source: string }> = {
  '1.11.0': { sha256: '231ec5ca8115e94c75a1f4fbada1a062b48822ca04f21f26e4cb1cd8973cd458', source: 'lowRISC opentitan bazelisk wrapper hashes table (linux-amd64)' },
  '1.17.0': { sha256: '61699e22abb2a26304edfa1376f65ad24191f94a4ffed68a58d42b6fee01e124', source: 'public install script pinning bazelisk v1.17.0 linux-amd64' },
};

/** Releases before 0.16 have no standalone linux-x86_64 binary, only the installer script. */
function hasStandaloneBinary(version: string): boolean {
  const v = semver.coerce(version);
  return v !== null && semver.gte(v, '0.16.0');
}

/**
 * spec: "6.1.0" (release), "bazelisk-1.17.0", or "apt:PACKAGE".
 * releaseBinaries: version → sha256 of bazel-V-linux-x86_64 (null when unknown), from recipes/bazel-releases.yaml.
 */
export function getBazelDownload(spec: string, releaseBinaries: Readonly<Record<string, string | null>> = {}): BazelDownload {
  if (spec.startsWith('apt:')) return { kind: 'apt', url: '', sha256: null };
  if (spec.startsWith('bazelisk-')) {
    const v = spec.slice('bazelisk-'.length);
    return { kind: 'bazelisk', url: `https://github.com/bazelbuild/bazelisk/releases/download/v${v}/bazelisk-linux-amd64`, sha256: BAZELISK_SHA256[v]?.sha256 ?? null };
  }
  const binary = { kind: 'binary' as const, url: `${BAZEL_RELEASES}/${spec}/bazel-${spec}-linux-x86_64`, sha256: releaseBinaries[spec] ?? null };
  if (binary.sha256) return binary;
  const installer = { kind: 'installer' as const, url: `${BAZEL_RELEASES}/${spec}/bazel-${spec}-installer-linux-x86_64.sh`, sha256: INSTALLER_SHA256[spec]?.sha256 ?? null };
  if (installer.sha256 || !hasStandaloneBinary(spec)) return installer;
  return binary;
}
