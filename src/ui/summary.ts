/** What deciding shows: the container paragraph and the final screen (steps, key choices, cost). Pure. */
import { formatCommand } from '../exec/format.js';
import type { BuildOptions } from '../plan/options.js';
import type { Plan } from '../plan/types.js';
import type { HostFacts } from '../probe/types.js';
import type { Recipe } from '../recipes/schema.js';
import type { Origins, VerdictLike } from './decide.js';

/** Text of a verdict reason or fix, whatever its shape (string, {message}, {title}). */
export function textOf(x: unknown): string {
  if (typeof x === 'string') return x;
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    for (const k of ['message', 'text', 'title', 'summary', 'reason']) if (typeof o[k] === 'string') return o[k];
  }
  return JSON.stringify(x);
}


/** The paragraph shown when native is off the table. */
export function formatContainerParagraph(verdict: VerdictLike, recipe: Recipe, dockerCommand: string): string {
  const reasons = verdict.reasons.map((r) => textOf(r).replace(/^not natively:\s*/, ''));
  const why = reasons.length > 0 ? reasons.join('; ') : 'this host does not meet its toolchain';
  return (
    `A native build of TensorFlow ${recipe.line} is not practical here: ${why}. ` +
    `A container has the toolchain it was released with (${recipe.tested.compiler}, bazel ${recipe.tested.bazel}, python ${recipe.tested.python}), ` +
    `so \`${dockerCommand}\` builds the same wheel without changing this machine.`
  );
}

export function getDockerCommand(verdict: VerdictLike | undefined, version: string, gpu: boolean): string {
  const next = verdict?.nextCommand;
  if (typeof next === 'string' && next.startsWith('tfbuild docker')) return next;
  return `tfbuild docker ${version}${gpu ? ' --gpu' : ''}`;
}

function hoursText(h: number): string {
  if (h < 1) return `${Math.max(1, Math.round(h * 60))} min`;
  return `${h < 10 ? h.toFixed(1) : Math.round(h)} h`;
}

/** The final screen: what will run, with which key choices, and what it costs. Pure. */
export function formatSummary(o: {
  options: BuildOptions;
  origins: Origins;
  recipe: Recipe;
  tag: string;
  facts: HostFacts;
  plan?: Plan | undefined;
}): string {
  const { options: opt, recipe, facts, plan } = o;
  const lines: string[] = [];
  lines.push(`TensorFlow ${o.tag} (${recipe.line}, ${opt.gpu ? 'GPU' : 'CPU'})`);
  if (plan) {
    lines.push('  steps:');
    plan.steps.forEach((s, n) => lines.push(`    ${n + 1}. ${s.title}`));
  }
  const from = (k: keyof BuildOptions): string => {
    const src = o.origins[k];
    return src === undefined || src === 'default' ? '' : ` (${src})`;
  };
  const bazelStep = plan?.steps.find((s) => s.kind === 'bazel-build');
  const pythonStep = plan?.steps.find((s) => s.kind === 'install');
  lines.push('  key choices:');
  lines.push(`    python:        ${opt.python ?? (pythonStep && 'python' in pythonStep ? pythonStep.python : 'probed')}${from('python')}`);
  const wheelPy = bazelStep?.kind === 'bazel-build' ? bazelStep.wheelPython : null;
  if (recipe.python.hermetic && wheelPy) lines.push(`    wheel python:  ${wheelPy} (bazel's hermetic python; cp${wheelPy.replace('.', '')} wheel)`);
  lines.push(`    compiler:      ${opt.hostCompiler ?? 'probed'}${from('hostCompiler')}`);
  const cpu = Array.isArray(opt.cpuFlags) ? opt.cpuFlags.join(',') : opt.cpuFlags;
  const copts = bazelStep?.kind === 'bazel-build' && bazelStep.copts.length > 0 ? ` → ${bazelStep.copts.join(' ')}` : '';
  lines.push(`    CPU flags:     ${cpu}${copts}${from('cpuFlags')}`);
  if (opt.gpu) {
    lines.push(`    CUDA:          ${opt.cudaPath ?? 'probed'}${from('cudaPath')}`);
    lines.push(`    compute caps:  ${(opt.computeCapabilities ?? []).join(',')}${from('computeCapabilities')}`);
  }
  lines.push(`    source:        ${opt.source ?? `clone ${o.tag}`}${from('source')}`);
  lines.push(`    output:        ${opt.output}${from('output')}`);
  const inst = opt.install.mode === 'into' ? `into ${opt.install.python}` : opt.install.mode === 'venv' ? 'new venv' : 'none';
  lines.push(`    install:       ${inst}${from('install')}`);
  if (bazelStep?.kind === 'bazel-build') lines.push(`    bazel jobs:    ${bazelStep.jobs} (RAM budget ${bazelStep.localRamMiB} MiB)`);
  const est = recipe.estimates;
  const cores = Math.max(1, Math.min(opt.jobs ?? facts.cpu.cores, facts.cpu.cores));
  const disk = facts.disk ? ` (${facts.disk.freeGiB.toFixed(0)} GiB free at ${facts.disk.measured})` : '';
  lines.push(`  estimated: ${est.diskGiB} GiB disk${disk}, about ${hoursText(est.cpuHours / cores)} on ${cores} core${cores === 1 ? '' : 's'}`);
  if (facts.disk && facts.disk.freeGiB < est.diskGiB) {
    lines.push(`  warning: only ${facts.disk.freeGiB.toFixed(1)} GiB free; the build needs about ${est.diskGiB} GiB.`);
  }
  // The one step that installs something: its exact commands, which "Start the build?" consents to.
  const venv = plan?.steps.find((s) => s.kind === 'build-python');
  if (venv?.kind === 'build-python') {
    lines.push(`  installs first (build venv, never into ${venv.basePython}):`);
    lines.push(`    $ ${formatCommand([venv.cmd, ...venv.args])}`, `    $ ${formatCommand([venv.pip.cmd, ...venv.pip.args])}`);
  }
  for (const w of plan?.warnings ?? []) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

