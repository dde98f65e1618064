/** OS, distribution (/etc/os-release), kernel and architecture, and the package manager fixes should use. */
import { readFile } from 'node:fs/promises';
import { arch, platform, release } from 'node:os';
import type { OsFacts } from './types.js';

type Distro = NonNullable<OsFacts['distro']>;

/** os-release(5): KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): Distro | null {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    kv.set(m[1]!, m[2]!.replace(/^(["'])(.*)\1$/, '$2'));
  }
  const id = kv.get('ID');
  if (!id) return null;
  return {
    id,
    versionId: kv.get('VERSION_ID') ?? '',
    name: kv.get('PRETTY_NAME') ?? kv.get('NAME') ?? id,
    like: (kv.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean),
  };
}

const FAMILY: Array<[OsFacts['packageManager'], string[]]> = [
  ['apt', ['debian', 'ubuntu', 'linuxmint', 'pop', 'raspbian']],
  ['dnf', ['fedora', 'rhel', 'centos', 'rocky', 'almalinux', 'ol', 'amzn']],
  ['pacman', ['arch', 'manjaro', 'endeavouros']],
  ['zypper', ['opensuse', 'suse', 'sles', 'opensuse-leap', 'opensuse-tumbleweed']],
  ['apk', ['alpine']],
];

/** CentOS/RHEL 7 and Amazon Linux 2 have yum, not dnf. */
export function packageManagerFor(distro: Distro | null): OsFacts['packageManager'] {
  if (!distro) return null;
  for (const id of [distro.id, ...distro.like]) {
    for (const [pm, ids] of FAMILY) {
      if (!ids.includes(id)) continue;
      const major = Number.parseInt(distro.versionId, 10);
      if (pm === 'dnf' && ((['rhel', 'centos', 'ol'].includes(distro.id) && major <= 7) || (distro.id === 'amzn' && major === 2))) return 'yum';
      return pm;
    }
  }
  return null;
}

export async function probeOs(): Promise<OsFacts> {
  let distro: Distro | null = null;
  for (const p of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      distro = parseOsRelease(await readFile(p, 'utf8'));
      break;
    } catch {
      /* try the next location */
    }
  }
  return { platform: platform(), arch: arch(), kernel: release(), distro, packageManager: packageManagerFor(distro) };
}
