/** Plan → text: every step with its exact command, working directory and environment. Pure. */
import { formatCommand } from '../exec/format.js';
import type { Plan, Step } from './types.js';

function formatStepDetails(s: Step): string[] {
  const lines: string[] = [];
  lines.push(`    cwd: ${s.cwd}`);
  const env = Object.entries(s.env);
  if (env.length > 0) {
    lines.push('    env:');
    for (const [k, v] of env) lines.push(`      ${k}=${v}`);
  }
  if (s.pathPrepend.length > 0) lines.push(`    PATH prefix: ${s.pathPrepend.join(':')}`);
  if (s.cmd !== '') lines.push(`    $ ${formatCommand([s.cmd, ...s.args])}`);
  if (s.kind === 'install' && s.pip && s.mode === 'venv') lines.push(`    $ ${formatCommand([s.pip.cmd, ...s.pip.args])}`);
  if (s.kind === 'build-python') {
    // pip runs with its own env: shown where it differs from the step's.
    const pipEnv = Object.entries(s.pip.env).filter(([k, v]) => s.env[k] !== v);
    const dropped = Object.keys(s.env).filter((k) => !(k in s.pip.env));
    if (pipEnv.length > 0 || dropped.length > 0) {
      lines.push('    then, with env:');
      for (const [k, v] of Object.entries(s.pip.env)) lines.push(`      ${k}=${v}`);
    }
    lines.push(`    $ ${formatCommand([s.pip.cmd, ...s.pip.args])}`);
  }
  if (s.kind === 'install' && s.guard) {
    const py = s.guard.pythonVersion !== null ? `cp${s.guard.pythonVersion.replace('.', '')}` : `${s.pip?.cmd ?? s.python}'s cpXY (its version read when the step runs: the plan's facts do not list it)`;
    lines.push(`    before pip, refuses a wheel whose build info needs CPU flags beyond [${s.guard.hostIsa.join(', ')}] or whose tag is not ${py} (the plan's host facts)`);
  }
  if (s.kind === 'bazel-build') {
    lines.push(`    jobs ${s.jobs}, RAM budget ${s.localRamMiB} MiB, OOM retries ${s.maxRetries}; bazel range ${s.bazelRange}`);
    lines.push(`    logs: ${s.logDir}`);
    if (s.shutdownArgs) lines.push(`    then (not after an interrupt): $ ${formatCommand([s.cmd, ...s.shutdownArgs])}`);
    if (s.credentials) {
      lines.push(`    credentials (not on argv; written to ${s.credentials.rcFile}, mode 0600, removed after):`);
      for (const f of s.credentials.flags) lines.push(`      build ${f}`);
    }
  }
  if (s.kind === 'package') {
    const from = s.packaging === 'wheel-rule' ? `newest ${s.stagingDir}/*.whl (from the :wheel rule), copied by tfbuild` : 'wheel';
    lines.push(`    ${from} → ${s.outputDir} (never overwritten) + <wheel>.tfbuild.json`);
  }
  if (s.kind === 'verify' && s.python) {
    lines.push(`    expects version ${s.expectVersion}, CPU flags [${s.expectFlags.join(', ')}], CUDA ${s.gpu ? 'yes' : 'no'}`);
  }
  return lines;
}

export function formatPlan(plan: Plan): string {
  const out: string[] = [];
  out.push(`Plan for TensorFlow ${plan.tag} (${plan.line}, ${plan.gpu ? 'GPU' : 'CPU'}) in ${plan.workdir}`);
  for (const w of plan.warnings) out.push(`warning: ${w}`);
  out.push(formatSteps(plan.steps).trimEnd());
  return out.join('\n') + '\n';
}

/** Steps with their details, numbered from `first` (the container route's host steps follow its plan's). */
export function formatSteps(steps: readonly Step[], first = 1): string {
  return steps.flatMap((s, n) => [`${n + first}. [${s.kind}] ${s.title}`, ...formatStepDetails(s)]).join('\n') + '\n';
}
