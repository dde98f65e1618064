/** Turn package names into the exact install command for the probed distribution. */
import type { HostFacts } from '../probe/types.js';

export interface PackageNames {
  apt?: string[];
  dnf?: string[];
  pacman?: string[];
  zypper?: string[];
}

// Always `sudo `: the command must stay a pure function of the facts (a plan made elsewhere prints the same text).
const SUDO = 'sudo ';

/**
 * `sudo apt-get install -y python3-dev` on Debian/Ubuntu, `sudo dnf install -y …` on Fedora/RHEL,
 * `sudo pacman -S --needed …` on Arch, `sudo zypper install -y …` on SUSE. When the distribution is unknown or
 * has no package list here, names every known variant so the reader can pick.
 */
export function installCommand(facts: HostFacts, pkgs: PackageNames): string {
  const s = SUDO;
  const pm = facts.os.packageManager;
  if (pm === 'apt' && pkgs.apt?.length) return `${s}apt-get install -y ${pkgs.apt.join(' ')}`;
  if ((pm === 'dnf' || pm === 'yum') && pkgs.dnf?.length) return `${s}${pm} install -y ${pkgs.dnf.join(' ')}`;
  if (pm === 'pacman' && pkgs.pacman?.length) return `${s}pacman -S --needed ${pkgs.pacman.join(' ')}`;
  if (pm === 'zypper' && pkgs.zypper?.length) return `${s}zypper install -y ${pkgs.zypper.join(' ')}`;
  const options: string[] = [];
  if (pkgs.apt?.length) options.push(`apt-get install -y ${pkgs.apt.join(' ')}`);
  if (pkgs.dnf?.length) options.push(`dnf install -y ${pkgs.dnf.join(' ')}`);
  if (pkgs.pacman?.length) options.push(`pacman -S --needed ${pkgs.pacman.join(' ')}`);
  if (pkgs.zypper?.length) options.push(`zypper install -y ${pkgs.zypper.join(' ')}`);
  return options.length > 0 ? `install with your package manager, e.g. ${options.join(' | ')}` : 'install it with your package manager';
}
