/** `tfbuild plan VERSION [build options] [--json] [--host-facts FILE]`: the exact steps a build would run. */
import type { Command } from 'commander';
import type { CliIO } from '../cli/main.js';
import { formatPlan } from '../plan/index.js';
import { toJson } from '../ui/output.js';
import { addBuildOptions, makePlan, toBuildOptions, type BuildFlags } from './build-options.js';

export function register(program: Command, io: CliIO): Command {
  const cmd = program
    .command('plan')
    .description('show the exact commands, working directories and environment a build would run (nothing is run)')
    .argument('<version>', 'release to plan: r1.4, 1.4.1, v2.17.0');
  addBuildOptions(cmd)
    .option('--json', 'print the plan as JSON (run it later with tfbuild build --plan FILE)')
    .action(async (version: string, flags: BuildFlags & { json?: boolean }) => {
      const { plan } = await makePlan(toBuildOptions(version, flags), { hostFactsFile: flags.hostFacts });
      io.stdout(flags.json ? toJson(plan) : formatPlan(plan));
    });
  return cmd;
}
