#!/usr/bin/env node
/**
 * The hostile-input campaign, rerunnable: each case feeds the built CLI (dist/) a bad input a careful but unlucky
 * user could give it, and "holds" when the exit code is the expected one, the message says why, and a victim tree
 * (checksums of every file) is unchanged. Writes bench/results/hostile-campaign.json and prints the count.
 * Run: npm run build && node bench/hostile-campaign.mjs
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { URL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/tfbuild.js');
const facts = join(root, 'test/fixtures/hosts/debian12-this-machine.json');
const r14 = readFileSync(join(root, 'recipes/r1.4.yaml'), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'tfb-campaign-'));

function snapshot(dir) {
  const out = {};
  const walk = (d) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = lstatSync(p);
      out[p] = st.isDirectory() ? (walk(p), 'dir') : createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return JSON.stringify(out);
}

function victim() {
  const dir = mkdtempSync(join(scratch, 'victim-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'README.md'), '# project\n');
  writeFileSync(join(dir, 'src', 'main.c'), 'int main(void){return 0;}\n');
  return dir;
}

function recipe(edit) {
  const p = join(mkdtempSync(join(scratch, 'recipe-')), 'r1.4.yaml');
  writeFileSync(p, edit(r14));
  return p;
}

const envCase = (name) => ({ name: `recipe sets ${name}`, expect: 4, message: name, args: () => ['plan', '1.4', '--recipe', recipe((t) => t.replace('  env:\n', `  env:\n    - name: ${name}\n      value: x\n`)), '--host-facts', facts] });

const cases = [
  { name: 'cache clean --all on a project', expect: 2, message: 'is not a bazel disk cache', args: (v) => ['cache', 'clean', '--disk-cache', v, '--all'] },
  { name: 'cache clean --all on "." inside a project', expect: 2, message: 'is not a bazel disk cache', cwd: true, args: () => ['cache', 'clean', '--disk-cache', '.', '--all'] },
  { name: 'cache clean --max-age 0 on a project', expect: 2, message: 'is not a bazel disk cache', args: (v) => ['cache', 'clean', '--disk-cache', v, '--max-age', '0'] },
  { name: 'cache clean --max-size 0 on a project', expect: 2, message: 'is not a bazel disk cache', args: (v) => ['cache', 'clean', '--disk-cache', v, '--max-size', '0'] },
  { name: '--tag ../../x', expect: 2, message: 'not a release tag name', args: (v) => ['plan', '2.17', '--tag', '../../x', '--workdir', join(v, 'src'), '--host-facts', facts] },
  { name: '--tag a/b', expect: 2, message: 'not a release tag name', args: () => ['plan', '2.17', '--tag', 'a/b', '--host-facts', facts] },
  { name: '--tag with a space', expect: 2, message: 'not a release tag name', args: () => ['plan', '2.17', '--tag', 'v1 ;x', '--host-facts', facts] },
  envCase('BASH_ENV'), envCase('LD_PRELOAD'), envCase('PYTHONSTARTUP'), envCase('PYTHONPATH'), envCase('PATH'),
  { name: 'recipe with an alias bomb', expect: 4, message: 'alias', args: () => {
    const lv = ['a: &a [x,x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < 9; i++) lv.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    return ['plan', '1.4', '--recipe', recipe(() => lv.join('\n') + '\n'), '--host-facts', facts];
  } },
  { name: 'recipe with a dangling alias', expect: 4, message: '', args: () => ['plan', '1.4', '--recipe', recipe((t) => t.replace(/^(\s*tested:\s*).*$/m, '$1*nowhere')), '--host-facts', facts] },
  ...[' ', '0', '1e9', '99999999', '-1'].map((j) => ({ name: `--jobs ${JSON.stringify(j)}`, expect: 2, message: '--jobs', args: (v) => ['plan', '1.4', '--jobs', j, '--host-facts', facts, '--workdir', join(v, 'w')] })),
  { name: '--no-install with --install-into', expect: 2, message: 'cannot go with', args: () => ['plan', '1.4', '--no-install', '--install-into', '/usr/bin/python3', '--host-facts', facts] },
  { name: 'empty --output', expect: 2, message: 'is empty', args: () => ['plan', '1.4', '--output', '', '--host-facts', facts] },
  { name: '--source naming nothing', expect: 2, message: 'no such file', args: () => ['plan', '1.4', '--source', '/nonexistent/tensorflow', '--host-facts', facts] },
  { name: '--tag v1..2', expect: 2, message: 'not a release tag name', args: () => ['plan', '2.17', '--tag', 'v1..2', '--host-facts', facts] },
  { name: 'saved plan sets LD_PRELOAD for configure', expect: 4, message: 'LD_PRELOAD', args: (v) => {
    const plan = JSON.parse(spawnSync(process.execPath, [bin, 'plan', '1.4', '--json', '--host-facts', facts, '--workdir', join(scratch, 'pw')], { encoding: 'utf8' }).stdout);
    plan.steps.find((s) => s.kind === 'configure').env.LD_PRELOAD = join(v, 'evil.so');
    const p = join(mkdtempSync(join(scratch, 'plan-')), 'plan.json');
    writeFileSync(p, JSON.stringify(plan));
    return ['build', '1.4', '--plan', p, '--yes'];
  } },
  { name: 'explain on a directory', expect: 3, message: '', args: (v) => ['explain', v] },
  { name: 'explain on a 4 MB crafted mirrors log', expect: 0, message: '', maxMs: 20_000, args: () => {
    const p = join(scratch, 'crafted.log');
    const line = 'All mirrors are down: ['.repeat(64 * 1024 / 23);
    writeFileSync(p, (line + '\n').repeat(64));
    return ['explain', p];
  } },
];

const results = [];
for (const c of cases) {
  const v = victim();
  const before = snapshot(v);
  const t = Date.now();
  const r = spawnSync(process.execPath, [bin, ...c.args(v)], { cwd: c.cwd ? v : scratch, encoding: 'utf8', env: { ...process.env, CI: '1', NO_COLOR: '1' } });
  const ms = Date.now() - t;
  const held = r.status === c.expect && r.stderr.includes(c.message) && snapshot(v) === before && (c.maxMs === undefined || ms < c.maxMs);
  results.push({ name: c.name, expected: c.expect, got: r.status, ms, held });
  process.stdout.write(`${held ? 'held  ' : 'FAILED'} ${c.name} (exit ${r.status}, ${ms} ms)\n`);
}
rmSync(scratch, { recursive: true, force: true });
const summary = { date: new Date().toISOString(), node: process.version, tried: results.length, held: results.filter((r) => r.held).length, results };
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/hostile-campaign.json'), JSON.stringify(summary, null, 2) + '\n');
process.stdout.write(`${summary.held}/${summary.tried} held\n`);
process.exitCode = summary.held === summary.tried ? 0 : 1;
