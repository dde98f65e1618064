/** `tfbuild status [--workdir DIR] [--json]`: where a build stands (from its state file and lock). */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../errors.js';
import { isLockStale, readLock } from '../state/lock.js';
import { getStatePath, readState } from '../state/state.js';
import { toJson } from '../ui/output.js';

export function readStatus(workdir: string) {
  const state = readState(workdir, { moveAside: false });
  const lock = readLock(workdir);
  const running = lock !== null && !isLockStale(lock);
  return { workdir, stateFile: getStatePath(workdir), state, lock, running };
}

export function register(program: Command, io: CliIO): Command {
  return program
    .command('status')
    .description('show where the build in a work dir stands and how to resume it')
    .option('--workdir <dir>', 'the work dir of the build')
    .option('--json', 'print as JSON')
    .action((f: { workdir?: string; json?: boolean }) => {
      if (f.workdir === undefined) {
        throw new UsageError('Which build? Pass --workdir DIR.', { hint: `Work dirs live under ${process.env.XDG_CACHE_HOME ?? `${homedir()}/.cache`}/tfbuild/work by default.` });
      }
      const s = readStatus(resolve(f.workdir));
      if (f.json) {
        io.stdout(toJson({ workdir: s.workdir, running: s.running, lock: s.lock, ...(s.state.kind === 'ok' ? { state: s.state.state } : { state: null, problem: s.state.kind === 'corrupt' ? s.state.reason : 'no build here' }) }));
        return;
      }
      if (s.state.kind === 'none') {
        io.stdout(`No build in ${s.workdir}.\n`);
        return;
      }
      if (s.state.kind === 'corrupt') {
        io.stdout(`The state file ${s.stateFile} is unreadable (${s.state.reason}); the next build starts afresh.\n`);
        return;
      }
      const st = s.state.state;
      const lines = [`${st.tag} (${st.gpu ? 'GPU' : 'CPU'}) in ${s.workdir}: ${s.running ? `running (pid ${s.lock?.pid})` : st.status === 'running' ? 'stopped unexpectedly (killed?)' : st.status}`];
      for (const step of st.steps) lines.push(`  done  ${step.id} (${Math.round(step.durationMs / 1000)}s)`);
      if (st.current) lines.push(`  ${s.running ? 'now ' : 'was  '} ${st.current.id} (since ${st.current.startedAt})`);
      if (st.error) lines.push(`  error: ${st.error}`);
      if (st.status !== 'done' && !s.running) lines.push(`Resume with: ${st.resumeCommand}`);
      io.stdout(lines.join('\n') + '\n');
    });
}
