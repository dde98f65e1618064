/**
 * configure: ./configure with the recipe era's complete env and stdin closed. Its output is watched: a question
 * means the env is incomplete (fail at once rather than hang or take a default), and r1.4's configure.py prints
 * bazel errors but exits 0, so an error line fails the step whatever the exit code. Success also requires
 * .tf_configure.bazelrc to have been written by this run.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError, InterruptedError, ToolError } from '../errors.js';
import type { ConfigureStep } from '../plan/index.js';
import { readConfigureQuestion, runTfConfigure, type ConfigureQuestion } from '../tools/tf-scripts.js';
import { getLogFile, withPath, type StepContext, type StepOutputs } from './context.js';

/** Errors configure prints while exiting 0 (r1.4 check_bazel_version, later versions' sys.exit paths). */
const BAZEL_ERROR = /(Cannot find bazel|Please upgrade your bazel installation|Please downgrade your bazel installation|bazel version is (?:too|not)|Current Bazel version is .* expected)/i;
const ERROR_LINE = /^(?:ERROR|Error|error):|Traceback \(most recent call last\)/;

export function classifyConfigureLine(line: string): 'prompt' | 'bazel-error' | 'error' | null {
  if (BAZEL_ERROR.test(line)) return 'bazel-error';
  if (readConfigureQuestion(line) !== null) return 'prompt';
  if (ERROR_LINE.test(line)) return 'error';
  return null;
}

export async function runConfigureStep(step: ConfigureStep, ctx: StepContext): Promise<StepOutputs> {
  const logFile = getLogFile(ctx, 'configure');
  ctx.currentLog = logFile;
  const started = Date.now();
  const local = new AbortController();
  const onOuterAbort = () => local.abort();
  ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
  let problem: { kind: 'prompt' | 'bazel-error' | 'error'; line: string } | null = null;
  let asked: ConfigureQuestion | null = null;
  const hermetic = Object.keys(step.env).some((k) => k.startsWith('HERMETIC_'));
  try {
    await runTfConfigure({
      cmd: step.cmd,
      args: step.args,
      cwd: step.cwd,
      env: withPath(step, step.env),
      logFile,
      signal: local.signal,
      onLine: (line) => {
        const k = classifyConfigureLine(line);
        if (k && !problem) {
          problem = { kind: k, line };
          if (k === 'prompt') asked = readConfigureQuestion(line, { hermetic });
          // A question would wait forever (or take a wrong default): stop now.
          if (k === 'prompt') local.abort();
        }
      },
    }, ctx.exec);
  } catch (e) {
    if (!(e instanceof InterruptedError) || ctx.signal.aborted) throw e;
  } finally {
    ctx.signal.removeEventListener('abort', onOuterAbort);
  }
  if (ctx.exec.dryRun) return {};
  const p = problem as { kind: 'prompt' | 'bazel-error' | 'error'; line: string } | null;
  if (p?.kind === 'prompt') throw unansweredQuestion(step, asked ?? { question: p.line.trim(), variable: null }, logFile);
  if (p?.kind === 'bazel-error') {
    throw new EnvironmentError(`./configure rejected bazel: ${p.line.trim()}`, {
      hint: 'Install the bazel version the recipe asks for (tfbuild doctor shows it), or use bazelisk with --bazel.',
      details: [`log: ${logFile}`],
    });
  }
  const bazelrc = join(step.cwd, step.bazelrc);
  const written = existsSync(bazelrc) && statSync(bazelrc).mtimeMs >= started - 2000;
  if (p?.kind === 'error' || !written) {
    throw new ToolError(`./configure ${p ? `printed an error: ${p.line.trim()}` : `finished without writing ${step.bazelrc}`}.`, {
      command: [step.cmd, ...step.args],
      hint: `Read ${logFile}.`,
      logFile,
    });
  }
  return { bazelrc };
}

/**
 * A question means the recipe's env lacks its variable: configure would take its default (with stdin closed it
 * prints the question and goes on), so the build would not be the one planned. Stop and name the variable.
 */
export function unansweredQuestion(step: ConfigureStep, q: ConfigureQuestion, logFile: string): ToolError {
  const named = q.variable !== null ? ` (${q.variable})` : '';
  const hint =
    q.variable !== null
      ? `Add ${q.variable} to the recipe's configure.env (edit the recipe, or pass your own with --recipe FILE) and run again; tfbuild plan shows the env configure gets.`
      : "Find the variable behind this question in the tree's configure.py (its get_var/get_from_env call), add it to the recipe's configure.env (or --recipe FILE) and run again.";
  return new ToolError(`./configure asked a question tfbuild did not answer${named}: "${q.question}"`, {
    command: [step.cmd, ...step.args],
    hint,
    logFile,
    details: [`log: ${logFile}`],
  });
}
