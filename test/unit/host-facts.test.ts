/**
 * Saved host descriptions are validated, not cast: what `doctor --json` writes reads back; a missing or wrong field
 * is exit 4 naming its path; a value a host lacks names a flag the build command really has.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, vi, afterEach } from 'vitest';
import { main } from '../../src/cli/main.js';
import { HostFactsSchema } from '../../src/probe/types.js';
import { register as registerBuild } from '../../src/commands/build.js';
import { register as registerPlan } from '../../src/commands/plan.js';
import { TEMPLATE_SOURCES } from '../../src/plan/template-sources.js';
import { makeTempDir } from '../helpers/tmp.js';

const LAPTOP = join(import.meta.dirname, '..', 'fixtures', 'hosts', 'ubuntu1604-cuda8-gtx1080.json');

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function saved(mutate: (host: Record<string, unknown>) => void): string {
  const host = JSON.parse(readFileSync(LAPTOP, 'utf8')) as Record<string, unknown>;
  mutate(host);
  const file = join(makeTempDir('tfb-hostfacts-'), 'doctor.json');
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, host, checks: [] }));
  return file;
}

/** Every long flag the build and plan commands accept, from commander's own lists. */
function knownFlags(): Set<string> {
  const program = new Command();
  const io = { stdout: () => undefined, stderr: () => undefined };
  const cmds = [registerBuild(program, io), registerPlan(program, io)];
  return new Set(cmds.flatMap((c) => c.options.flatMap((o) => [o.long, o.negate ? o.long : undefined].filter((x): x is string => x !== undefined))));
}

afterEach(() => vi.unstubAllEnvs());

describe('--host-facts FILE', () => {
  it('what `tfbuild doctor --json` writes on this machine passes the schema', async () => {
    const r = await cli(['doctor', '--json']);
    const host = JSON.parse(r.stdout).host;
    const parsed = HostFactsSchema.safeParse(host);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
  });

  it.each([
    ['a cuDNN without its major', (h: Record<string, unknown>) => { delete (h.cudnn as Record<string, unknown>).major; }, 'host.cudnn.major'],
    ['a python with no fields', (h: Record<string, unknown>) => { h.pythons = [{}]; }, 'host.pythons.0.path'],
    ['cores as a string', (h: Record<string, unknown>) => { (h.cpu as Record<string, unknown>).cores = '8'; }, 'host.cpu.cores'],
    ['no memory', (h: Record<string, unknown>) => { delete h.memory; }, 'host.memory'],
  ])('%s: exit 4 naming the field (never a TypeError, never undefined in an env)', async (_what, mutate, field) => {
    vi.stubEnv('CI', '1');
    const r = await cli(['plan', 'r1.4', '--gpu', '--host-facts', saved(mutate), '--workdir', '/nonexistent/w']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain(`${field}:`);
    expect(r.stdout).not.toContain('undefined');
  });

  it('the flags every template hint names exist on `tfbuild build`', () => {
    const flags = knownFlags();
    for (const [name, s] of Object.entries(TEMPLATE_SOURCES)) {
      for (const f of s.flags) expect(flags.has(f), `{${name}} names ${f}`).toBe(true);
    }
  });

  it('the flags named by refusals before step 1 exist on the command that printed them', async () => {
    vi.stubEnv('CI', '1');
    const flags = knownFlags();
    const hostDir = join(import.meta.dirname, '..', 'fixtures', 'hosts');
    const runs = [
      ['plan', 'r1.4', '--host-facts', join(hostDir, 'ubuntu2204-cpu-laptop.json')],
      ['plan', '2.17', '--gpu', '--compute-capabilities', '8.6', '--host-facts', join(hostDir, 'ubuntu2204-cpu-laptop.json'), '--no-install'],
      ['plan', 'r1.4', '--gpu', '--host-facts', join(hostDir, 'debian12-this-machine.json')],
      ['plan', 'r1.4', '--no-install', '--venv', '/tmp/v', '--host-facts', LAPTOP],
    ];
    for (const args of runs) {
      const r = await cli(args);
      expect(r.code, r.stderr).not.toBe(0);
      // Only flags of tfbuild build/plan; `tfbuild docker …` commands in the text name docker's own flags.
      const text = r.stderr.replace(/tfbuild docker[^\n;,)]*/g, '');
      for (const f of text.match(/--[a-z][a-z0-9-]*/g) ?? []) expect(flags.has(f), `${args.join(' ')} names ${f}: ${r.stderr}`).toBe(true);
    }
  });
});
