/** `tfbuild plan VERSION [build options] [--json] [--host-facts FILE]`: the exact steps a build would run. */
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { chooseEngine, type EngineChoice, type EngineName } from '../docker/engine.js';
import { formatPlan, type Plan } from '../plan/index.js';
import { formatContainerRoute } from '../ui/route.js';
import { toJson } from '../ui/output.js';
import { addBuildOptions, type BuildFlags } from './build-options.js';
import { prepare, type Prepared } from './prepare.js';
import { hasGpuAccess, remakeWithDriver } from './container-route.js';
import { formatHostSteps } from './container-verify.js';
import { addImageOptions, givenImageFlags, hasImageOverrides, readImageOptions } from './image-options.js';
import { LITERAL_SECRET_WARNING } from './build.js';

export function register(program: Command, io: CliIO): Command {
  const cmd = program
    .command('plan')
    .description('show the exact commands, working directories and environment a build would run (nothing is run)')
    .argument('<version>', 'release to plan: r1.4, 1.4.1, v2.17.0');
  addBuildOptions(cmd)
    .option('--json', 'print the plan as JSON (run it later with tfbuild build --plan FILE)')
    .option('-y, --yes', 'plan the route `tfbuild build --yes` takes (a headless run without it refuses the container route)')
    .option('--non-interactive', 'accepted for symmetry with build: a plan never asks');
  // The image flags count when the verdict takes the container route (the same flags as tfbuild build's).
  addImageOptions(cmd)
    .action(async (version: string, flags: BuildFlags & { json?: boolean; yes?: boolean; nonInteractive?: boolean }) => {
      const image = readImageOptions(flags as Record<string, unknown>);
      // The same prepare() as `tfbuild build`: the route, the decisions and the exit code are the real run's.
      const p = await prepare({ version, flags, mode: 'plan', print: io.stderr, imageOverrides: hasImageOverrides(image) });
      if (p.route === 'container') {
        const route = {
          schemaVersion: 1 as const, route: 'container' as const, version, line: p.recipe.line, gpu: p.options.gpu, command: p.dockerCommand ?? `tfbuild docker ${version}`, reasons: p.verdict.reasons,
          ...(p.container ? { generation: p.container.generation.name } : {}),
        };
        // The plan the build container executes (made from the image's declared toolchain), with the host's driver
        // where the run gives the container the GPU (for its verify step), exactly as --dry-run and the run decide it.
        const plan = p.plan ? p.secrets.redactValue(withGpuAccess(p, image.engine)) : null;
        // Then, on this host, the install and verify of the wheel the container built (where the user chose).
        const hostSteps = p.container?.host?.steps ?? [];
        const host = plan ? formatHostSteps(p.container?.host ?? null, plan.steps.length, '').join('\n') : '';
        io.stdout(flags.json ? toJson({ ...route, plan, hostSteps }) : formatContainerRoute(route) + (plan ? formatPlan(plan) : '') + (host ? `${host}\n` : ''));
        return;
      }
      const imageFlags = givenImageFlags(image);
      if (imageFlags.length > 0) io.stderr(`note: ${imageFlags.join(', ')} only shape the container route's image; this build runs natively, without them.\n`);
      const plan = p.secrets.redactValue(p.plan!);
      // A literal credential is stored as ***: running this plan later needs it from the environment instead.
      if (JSON.stringify(plan) !== JSON.stringify(p.plan)) plan.warnings.push(LITERAL_SECRET_WARNING);
      io.stdout(flags.json ? toJson(plan) : formatPlan(plan));
    });
  return cmd;
}

/** The container plan as the run makes it: re-made with the host's driver when the chosen engine passes the GPU. */
function withGpuAccess(p: Prepared, requested: EngineName | undefined): Plan {
  const plan = p.plan!;
  if (!plan.gpu || p.facts.driver === null) return plan;
  let engine: EngineChoice;
  try {
    engine = chooseEngine(p.facts.containers, requested);
  } catch {
    return plan; // no working engine: the run stops before any step, and the declared plan is what there is to show
  }
  return hasGpuAccess(plan, p.facts, { name: engine.name, gpuPassthrough: false }).access ? remakeWithDriver(p, p.facts.driver) : plan;
}
