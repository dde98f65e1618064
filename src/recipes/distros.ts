/**
 * What a distribution release can install from its own archive (plus NVIDIA's CUDA repository and apt.llvm.org for
 * Debian/Ubuntu). The verdict uses this to tell "install gcc-5" from "gcc 5 is not packaged here: use a container".
 * Data from the distributions' package archives as remembered, not probed: correct it here, no code depends on a row.
 */
import semver from 'semver';

export interface DistroPackages {
  /** gcc majors (or "4.8") with a gcc-N package. */
  gcc: string[];
  /** clang majors with a clang-N package (apt.llvm.org adds more, see `llvmApt`). */
  clang: string[];
  /** python X.Y with a pythonX.Y package (and -dev). */
  python: string[];
  /** JDK majors with an openjdk-N-jdk package. */
  jdk: number[];
  /** CUDA toolkit versions NVIDIA's repository ships for this release. */
  cuda: string;
  /** cuDNN versions NVIDIA ships for this release. */
  cudnn: string;
  /** apt.llvm.org serves this release (clang 13 and newer through llvm.sh). */
  llvmApt: boolean;
}

const TABLE: Record<string, DistroPackages> = {
  'ubuntu:16.04': { gcc: ['4.7', '4.8', '4.9', '5'], clang: ['3.8'], python: ['2.7', '3.5'], jdk: [8], cuda: '>=8.0.0 <11.0.0', cudnn: '>=5.0.0 <8.0.0', llvmApt: false },
  'ubuntu:18.04': { gcc: ['4.8', '5', '6', '7', '8'], clang: ['6', '7', '8', '9', '10'], python: ['2.7', '3.6', '3.7', '3.8'], jdk: [8, 11], cuda: '>=9.2.0 <12.2.0', cudnn: '>=7.0.0 <9.0.0', llvmApt: true },
  'ubuntu:20.04': { gcc: ['7', '8', '9', '10'], clang: ['7', '8', '9', '10', '11', '12'], python: ['3.8', '3.9'], jdk: [8, 11, 17], cuda: '>=11.0.0 <13.0.0', cudnn: '>=8.0.0 <10.0.0', llvmApt: true },
  'ubuntu:22.04': { gcc: ['9', '10', '11', '12'], clang: ['11', '12', '13', '14', '15'], python: ['3.10', '3.11'], jdk: [8, 11, 17, 21], cuda: '>=11.7.0', cudnn: '>=8.5.0', llvmApt: true },
  'ubuntu:24.04': { gcc: ['9', '10', '11', '12', '13', '14'], clang: ['14', '15', '16', '17', '18'], python: ['3.12'], jdk: [8, 11, 17, 21], cuda: '>=12.5.0', cudnn: '>=9.0.0', llvmApt: true },
  'debian:11': { gcc: ['9', '10'], clang: ['11', '13'], python: ['3.9'], jdk: [11, 17], cuda: '>=11.2.0 <13.0.0', cudnn: '>=8.1.0', llvmApt: true },
  'debian:12': { gcc: ['11', '12'], clang: ['13', '14', '15', '16'], python: ['3.11'], jdk: [17], cuda: '>=12.2.0', cudnn: '>=8.9.0', llvmApt: true },
};

export function getDistroPackages(distro: { id: string; versionId: string } | null): DistroPackages | null {
  if (!distro) return null;
  return TABLE[`${distro.id}:${distro.versionId}`] ?? null;
}

/** The packaged gcc majors whose x.y.0 lies in `range`, newest first. */
export function findInstallableGcc(pkgs: DistroPackages, range: string): string[] {
  return pkgs.gcc.filter((g) => satisfiesLoose(g, range)).reverse();
}

/** Packaged or apt.llvm.org clang majors in `range`, newest first (llvm.sh serves 13 and newer). */
export function findInstallableClang(pkgs: DistroPackages, range: string): { major: string; viaLlvmSh: boolean }[] {
  const out = pkgs.clang.filter((c) => satisfiesLoose(c, range)).map((major) => ({ major, viaLlvmSh: false }));
  if (pkgs.llvmApt) {
    for (let m = 13; m <= 21; m++) {
      if (satisfiesLoose(String(m), range) && !out.some((c) => c.major === String(m))) out.push({ major: String(m), viaLlvmSh: true });
    }
  }
  return out.sort((a, b) => Number(b.major) - Number(a.major));
}

export function findInstallablePython(pkgs: DistroPackages, range: string): string[] {
  return pkgs.python.filter((p) => satisfiesLoose(p, range)).reverse();
}

function satisfiesLoose(v: string, range: string): boolean {
  const c = semver.coerce(v);
  return c !== null && semver.satisfies(c.version, range);
}
