/**
 * Can this host run this wheel? Pure: the wheel's file name, its build info (`<wheel>.tfbuild.json`, written by the
 * package step) and the host's CPU and python in; the reasons it would fail out. A wheel compiled for an ISA
 * extension the CPU lacks dies at `import tensorflow` with "Illegal instruction" (SIGILL, no traceback); a wheel
 * whose cpXY tag differs from the python is refused by pip or, forced in, fails to load its extension modules.
 */
import { expandIsaImplied, findIsa } from '../plan/isa.js';

/** What `<wheel>.tfbuild.json` says about the build (fields the package step writes; older files may lack some). */
export interface WheelBuildInfo {
  cpuFlags?: string[];
  copts?: string[];
  python?: { path?: string; version?: string | null };
}

export interface WheelHostInput {
  /** The wheel's file name (tensorflow-1.4.1-cp36-cp36m-linux_x86_64.whl). */
  wheelName: string;
  /** null when the wheel has no build info beside it. */
  info: WheelBuildInfo | null;
  /** The host's ISA flags, cpuinfo names (sse4_2, avx2…). */
  hostIsa: readonly string[];
  /** The target python's version (3.11.2). */
  pythonVersion: string;
}

export interface WheelHostReport {
  /** The extensions compiled in (named in the build info, and what they imply), by table name. */
  compiled: string[];
  /** Of those, the ones this CPU lacks: the wheel would die with "Illegal instruction". */
  lacking: string[];
  /** The wheel's python tag and the one the target python needs, when they differ. */
  pythonTag: { wheel: string; python: string } | null;
  /** Things that could not be checked. */
  notes: string[];
}

/** `cp311` from a wheel name's python tag field; null for pure-python tags (py3). */
export function readWheelPythonTag(wheelName: string): string | null {
  const parts = wheelName.replace(/\.whl$/, '').split('-');
  // name-version[-build]-pytag-abitag-platform
  const tag = parts.length >= 5 ? parts[parts.length - 3] : undefined;
  return tag !== undefined && /^cp\d+$/.test(tag) ? tag : null;
}

export function checkWheelForHost(i: WheelHostInput): WheelHostReport {
  const notes: string[] = [];
  const named = i.info?.cpuFlags ?? [];
  if (i.info === null) notes.push('no build info beside the wheel (<wheel>.tfbuild.json): its CPU flags are unknown, so they were not checked');
  if (named.includes('native')) notes.push('built with -march=native: it runs on CPUs like the build host; tfbuild cannot list what that included');
  const fromCopts = (i.info?.copts ?? []).map((c) => findIsa(c)?.name).filter((n): n is string => n !== undefined);
  const entries = [...new Set([...named, ...fromCopts])].map((n) => findIsa(n)).filter((e) => e !== undefined);
  const compiled = [...expandIsaImplied(entries.map((e) => e.name))].filter((n) => findIsa(n) !== undefined);
  const host = new Set(i.hostIsa);
  const lacking = compiled.filter((n) => !host.has(findIsa(n)?.cpuinfo ?? n));
  const tag = readWheelPythonTag(i.wheelName);
  const [major, minor] = i.pythonVersion.split('.');
  const want = `cp${major}${minor}`;
  return { compiled, lacking, pythonTag: tag !== null && tag !== want ? { wheel: tag, python: want } : null, notes };
}

/** The reasons to refuse, one line each (empty: fine to install). */
export function formatWheelRefusal(r: WheelHostReport, pythonLabel: string): string[] {
  const out: string[] = [];
  if (r.lacking.length > 0) {
    out.push(`it was compiled for ${r.lacking.join(', ')}, which this CPU lacks: import tensorflow would die with "Illegal instruction"`);
  }
  if (r.pythonTag) out.push(`it is built for ${r.pythonTag.wheel}, but ${pythonLabel} needs ${r.pythonTag.python}`);
  return out;
}
