/**
 * The check that a wheel can run on this host, before pip installs it: its build info and compiled ISA against this
 * CPU (TFBUILD_CPUINFO points the probe at another cpuinfo) and its python tag against the target python. Used by
 * `tfbuild install` (which probes) and by the build's own install step (which is given the plan's facts: its guard).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { checkWheelForHost, formatWheelRefusal, type WheelBuildInfo, type WheelHostReport } from '../checks/wheel.js';
import { ConfigError, EnvironmentError } from '../errors.js';
import { probeCpu } from '../probe/cpu.js';
import type { Exec } from '../exec/index.js';
import { readPythonInfo } from '../tools/python.js';

export interface WheelGuardResult extends WheelHostReport {
  wheel: string;
  python: string;
  pythonVersion: string;
  /** Why it would not run here (empty: it runs); with --force they are warnings. */
  refusals: string[];
}

export function readWheelBuildInfo(wheel: string): WheelBuildInfo | null {
  const file = `${wheel}.tfbuild.json`;
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as WheelBuildInfo;
  } catch (e) {
    throw new ConfigError(`${file} is not valid JSON (${(e as Error).message}).`, { hint: 'Restore it from the build output, or delete it to install without the checks it enables.' });
  }
}

/** Throws EnvironmentError (exit 3) when the wheel cannot run here, unless `force`. */
export async function verifyWheelRunsHere(
  wheel: string,
  python: string,
  opts: { force?: boolean; env?: NodeJS.ProcessEnv; hint?: string; exec?: Exec; host?: { hostIsa: string[]; pythonVersion: string | null } } = {},
): Promise<WheelGuardResult> {
  if (!existsSync(wheel)) throw new EnvironmentError(`${wheel} does not exist.`, { hint: 'Pass the path of a built wheel (tfbuild writes them to --output, ./dist by default).' });
  const info = readWheelBuildInfo(wheel);
  // Given (a plan's install step): exactly those facts; else this CPU and this python, probed now.
  const cpu = opts.host ? { isa: opts.host.hostIsa, source: "the plan's host facts" } : await probeCpu(opts.env ?? process.env);
  const version = opts.host?.pythonVersion ?? (await readPythonInfo(python, opts.exec)).version;
  const report = checkWheelForHost({ wheelName: basename(wheel), info, hostIsa: cpu.isa, pythonVersion: version });
  const refusals = formatWheelRefusal(report, `${python} (${version})`);
  if (refusals.length > 0 && !opts.force) {
    throw new EnvironmentError(`Refusing to install ${basename(wheel)}: ${refusals.join('; ')}.`, {
      hint:
        opts.hint ??
        (report.lacking.length > 0
          ? 'Install it on a machine whose CPU has those extensions, or rebuild here with --cpu-flags auto; --force installs it anyway.'
          : 'Pass the python the wheel was built for (--python), or rebuild for this one; --force installs it anyway.'),
      details: [`CPU flags read from ${cpu.source}: ${cpu.isa.join(' ') || 'none'}`],
    });
  }
  return { ...report, wheel, python, pythonVersion: version, refusals };
}
