/**
 * Class "data files and hints never run code": recipes, config files and saved plans may only set the environment
 * variables configure and bazel read; BASH_ENV, LD_PRELOAD, PYTHONSTARTUP… are config errors (exit 4) before
 * anything runs, and so are YAML alias bombs and dangling aliases in a recipe. Commands shown in hints are quoted
 * for a POSIX shell.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloneArgs, CLONE_ENV } from '../../../src/plan/clone.js';
import { isAllowedEnvName } from '../../../src/recipes/schema.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { makeVictim } from '../../helpers/victim.js';
import { createExec } from '../../../src/exec/index.js';

const bin = new URL('../../../bin/tfbuild.js', import.meta.url).pathname;
const hostFacts = new URL('../../fixtures/hosts/ubuntu1604-cuda8-gtx1080.json', import.meta.url).pathname; // r1.4 is native there: a plan is made
const r14 = new URL('../../../recipes/r1.4.yaml', import.meta.url).pathname;

function tfbuild(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, env: { ...process.env, CI: '1', NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function recipeWith(dir: string, edit: (text: string) => string): string {
  const p = join(dir, 'r1.4.yaml');
  writeFileSync(p, edit(readFileSync(r14, 'utf8')));
  return p;
}

describe('recipes set only documented variables', () => {
  for (const name of ['BASH_ENV', 'LD_PRELOAD', 'PYTHONSTARTUP', 'PATH', 'PROMPT_COMMAND']) {
    it(`a recipe setting ${name} is exit 4 naming it, and nothing is written`, () => {
      const v = makeVictim();
      const before = v.snapshot();
      const recipe = recipeWith(v.dir, (t) => t.replace('  env:\n', `  env:\n    - name: ${name}\n      value: "${v.dir}/evil.sh"\n`));
      const after = v.snapshot();
      const r = tfbuild(['plan', '1.4', '--recipe', recipe, '--host-facts', hostFacts, '--workdir', join(v.dir, 'w')]);
      expect(r.code).toBe(4);
      expect(r.err).toContain(name);
      expect(r.err).toMatch(/other names could run code/);
      expect(v.snapshot()).toEqual(after);
      expect(Object.keys(after).filter((k) => !(k in before))).toEqual(['r1.4.yaml']);
    });
  }

  it('the documented names pass', () => {
    for (const n of ['TF_NEED_CUDA', 'CUDA_TOOLKIT_PATH', 'CC_OPT_FLAGS', 'PYTHON_BIN_PATH', 'HERMETIC_PYTHON_VERSION', 'GCC_HOST_COMPILER_PATH', 'LC_ALL']) expect([n, isAllowedEnvName(n)]).toEqual([n, true]);
    for (const n of ['BASH_ENV', 'ENV', 'LD_LIBRARY_PATH', 'PYTHONPATH', 'NODE_OPTIONS']) expect([n, isAllowedEnvName(n)]).toEqual([n, false]);
  });

  it('a YAML alias bomb in a recipe is exit 4, quickly and without exhausting memory', () => {
    const dir = makeTempDir('tfb-bomb-');
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const p = join(dir, 'bomb.yaml');
    writeFileSync(p, `${levels.join('\n')}\nversion: "1.4"\n`);
    const r = tfbuild(['plan', '1.4', '--recipe', p, '--host-facts', hostFacts]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/alias/i);
  });

  it('an alias to no anchor in a recipe is exit 4', () => {
    const dir = makeTempDir('tfb-alias-');
    const recipe = recipeWith(dir, (t) => t.replace(/^(\s*tested:\s*).*$/m, '$1*nowhere'));
    const r = tfbuild(['plan', '1.4', '--recipe', recipe, '--host-facts', hostFacts]);
    expect(r.code).toBe(4);
  });
});

describe('hints quote user values for a POSIX shell', () => {
  it('a --repo with shell syntax appears single-quoted in the clone failure hint; pasting it runs nothing', async () => {
    const work = makeTempDir('tfb-hint-');
    const repo = `${work}/nope;touch ${work}/pwned`;
    const { runSourceStep } = await import('../../../src/steps/source.js');
    const dir = join(work, 'src', 'v1.4.1');
    const args = cloneArgs(repo, 'v1.4.1', join(`${dir}.partial`, 'tree'), work);
    const step = { id: 'source', kind: 'source', title: 'clone', cmd: 'git', args, cwd: work, env: { ...CLONE_ENV }, pathPrepend: [], mode: 'clone', dir, repo, tag: 'v1.4.1', allowDirty: false };
    const ctx = { signal: new AbortController().signal, emit: () => undefined, outputs: {}, logDir: work, runId: 't', setStatus: () => undefined, currentLog: null, exec: createExec() };
    const e = (await runSourceStep(step as never, ctx as never).catch((x: unknown) => x)) as { hint: string };
    expect(e.hint).toContain(`git ls-remote --tags '${repo}'`);
    const pasted = /\((git ls-remote[^)]*)\)/.exec(e.hint)![1]!;
    spawnSync('sh', ['-c', pasted], { cwd: work });
    expect(existsSync(join(work, 'pwned'))).toBe(false);
  });
});

describe('a saved plan sets only documented variables', () => {
  it("a plan tfbuild made passes its own check: every variable of every step is one it may set", async () => {
    const { findForbiddenEnv } = await import('../../../src/recipes/schema.js');
    for (const args of [['1.4'], ['1.4', '--gpu', '--compute-capabilities', '6.1']]) {
      const plan = JSON.parse(tfbuild(['plan', ...args, '--json', '--host-facts', hostFacts]).out) as { steps: Array<{ id: string; env: Record<string, string> }> };
      expect(plan.steps.map((s) => s.id)).toContain('source');
      expect(findForbiddenEnv(plan.steps)).toEqual([]);
    }
  });

  it("a plan whose install step's pip sets LD_PRELOAD is refused too", async () => {
    const { findForbiddenEnv } = await import('../../../src/recipes/schema.js');
    const plan = JSON.parse(tfbuild(['plan', '1.4', '--json', '--host-facts', hostFacts]).out) as { steps: Array<{ id: string; kind: string; env: Record<string, string>; pip?: { env: Record<string, string> } | null }> };
    const install = plan.steps.find((s) => s.kind === 'install')!;
    expect(install.pip).toBeTruthy();
    install.pip!.env.LD_PRELOAD = '/tmp/evil.so';
    expect(findForbiddenEnv(plan.steps)).toEqual(['steps.install.pip.env.LD_PRELOAD']);
  });

  it('a plan whose configure step sets LD_PRELOAD is exit 4 before any step runs', () => {
    const v = makeVictim();
    const planText = tfbuild(['plan', '1.4', '--json', '--host-facts', hostFacts, '--workdir', join(v.dir, 'w'), '--output', join(v.dir, 'out')]).out;
    const plan = JSON.parse(planText) as { steps: Array<{ kind: string; env: Record<string, string> }> };
    const configure = plan.steps.find((s) => s.kind === 'configure')!;
    configure.env.LD_PRELOAD = join(v.dir, 'evil.so');
    const p = join(makeTempDir('tfb-plan-'), 'plan.json');
    writeFileSync(p, JSON.stringify(plan));
    const before = v.snapshot();
    const r = tfbuild(['build', '1.4', '--plan', p, '--yes']);
    expect(r.code).toBe(4);
    expect(r.err).toContain('steps.configure.env.LD_PRELOAD');
    expect(v.snapshot()).toEqual(before);
  });
});
