/** Probe problems as seen by the checks. */
import type { HostFacts } from '../probe/types.js';

/** The problem of a probe family that came back empty-handed: then "not found" would be a guess, not a finding. */
export function familyProblem(facts: HostFacts, ...probes: string[]): string | null {
  const p = facts.problems.find((x) => probes.includes(x.probe));
  return p ? p.message : null;
}
