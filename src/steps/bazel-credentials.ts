/**
 * The bazel step's credential flags (remote headers, a URL with a password), `${ENV}` expanded, in a private rc file
 * named by the plan's `--bazelrc`: neither argv (ps) nor a file other users can read shows them.
 *
 * bazel's client hands every rc option (`--default_override=…`) and its whole environment (`--client_env=…`, where
 * a `${ENV}` credential lives) to its server, and the server logs that request at INFO from
 * `com.google.devtools.build.lib.server.GrpcServerImpl` into java.log under the output base (0644; bazel 4.2.3).
 * The client configures that logging with `-Djava.util.logging.config.file=OUTPUT_BASE/javalog.properties`, and a
 * `--host_jvm_args` comes after it on the JVM's command line, so the last definition wins: the same rc file's
 * `startup` line points the server at a copy of bazel's own logging settings (same handler, same java.log, same
 * limits) in which only that one logger is raised to WARNING. java.log stays where bazel users look for it, without
 * the credentials.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { shellQuote, type Exec } from '../exec/index.js';
import { expandEnvRefsOrThrow } from '../plan/remote.js';
import type { BazelStep } from '../plan/index.js';

/**
 * bazel's output base for a workspace: OUTPUT_USER_ROOT/md5(workspace), the workspace as getcwd() reports it
 * (symlinks resolved).
 */
export function getBazelOutputBase(outputUserRoot: string, workspace: string, onThisHost = true): string {
  let physical = workspace;
  // In a container the work dir is mounted at the same path, unresolved: that path is the container's getcwd().
  if (onThisHost) {
    try {
      physical = realpathSync(workspace);
    } catch {
      /* not there yet: bazel will see the path as given */
    }
  }
  return join(outputUserRoot, createHash('md5').update(physical).digest('hex'));
}

/** bazel 4.2.3's own java.log settings (startup_options.cc), with the logger of the command request raised to WARNING. */
export function formatServerLogging(outputBase: string): string {
  // java.util.Properties reads a backslash as an escape.
  const prefix = join(outputBase, 'java.log').replace(/\\/g, '\\\\');
  return [
    'handlers=com.google.devtools.build.lib.util.SimpleLogHandler',
    '.level=INFO',
    'com.google.devtools.build.lib.util.SimpleLogHandler.level=INFO',
    `com.google.devtools.build.lib.util.SimpleLogHandler.prefix=${prefix}`,
    'com.google.devtools.build.lib.util.SimpleLogHandler.limit=1024000',
    'com.google.devtools.build.lib.util.SimpleLogHandler.total_limit=20971520',
    'com.google.devtools.build.lib.util.SimpleLogHandler.formatter=com.google.devtools.build.lib.util.SingleLineFormatter',
    'com.google.devtools.build.lib.server.GrpcServerImpl.level=WARNING',
    '',
  ].join('\n');
}

/**
 * Writes the rc file (0600 in a 0700 dir) and, beside it, the server's logging settings. `--bazelrc` stops bazel
 * reading ~/.bazelrc, so it is imported first. Returns a function that removes both (call it after the server's
 * shutdown: its startup options name them).
 */
export function writeCredentialsRc(step: BazelStep, x: Exec, env: Readonly<Record<string, string | undefined>> = process.env): () => void {
  if (step.credentials === null || x.dryRun) return () => undefined;
  const expanded = expandEnvRefsOrThrow(step.credentials.flags, env);
  x.secrets.addAll(expanded.secrets);
  const file = step.credentials.rcFile;
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const lines: string[] = [];
  const home = env.HOME ? join(env.HOME, '.bazelrc') : null;
  if (home && existsSync(home)) lines.push(`try-import ${shellQuote(home)}`);
  const root = step.startupArgs.find((a) => a.startsWith('--output_user_root='))?.slice('--output_user_root='.length);
  const logging = join(dir, 'javalog.properties');
  if (root) {
    // bazel resets the output root itself to 0755: its parent (tfbuild's cache dir) is private, so only this user
    // reaches the output base (its command.log, the build's outputs).
    mkdirSync(dirname(root), { recursive: true, mode: 0o700 });
    chmodSync(dirname(root), 0o700);
    rmSync(logging, { force: true });
    writeFileSync(logging, formatServerLogging(getBazelOutputBase(root, step.cwd, !x.elsewhere)), { mode: 0o600, flag: 'wx' });
    lines.push(`startup ${shellQuote(`--host_jvm_args=-Djava.util.logging.config.file=${logging}`)}`);
  }
  // bazel splits rc lines like a shell does: a header value with spaces ("Bearer …") must be quoted.
  lines.push(...expanded.args.map((f) => `build ${shellQuote(f)}`));
  rmSync(file, { force: true });
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600, flag: 'wx' });
  return () => {
    rmSync(file, { force: true });
    rmSync(logging, { force: true });
  };
}
