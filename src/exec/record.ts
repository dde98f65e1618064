/**
 * TFBUILD_EXEC_RECORD=FILE: every process a runner starts is appended to FILE as one JSON line (argv, cwd, read or
 * write, the extra environment), masked with that runner's secrets. Tests compare it with the plan; users can audit
 * a run with it. Read when a runner is made, so every runner of the process records, probes included.
 */
import { appendFileSync } from 'node:fs';
import type { SecretRegistry } from './redact.js';

export type Recorder = (command: string[], cwd: string | undefined, effect: 'read' | 'write', env: Readonly<Record<string, string | undefined>> | undefined) => void;

export function recorderFromEnv(env: NodeJS.ProcessEnv, secrets: SecretRegistry): Recorder | undefined {
  const file = env.TFBUILD_EXEC_RECORD;
  if (!file) return undefined;
  return (command, cwd, effect, e) => {
    appendFileSync(file, JSON.stringify(secrets.redactValue({ argv: command, cwd: cwd ?? null, effect, env: e ?? {} })) + '\n', { mode: 0o600 });
  };
}
