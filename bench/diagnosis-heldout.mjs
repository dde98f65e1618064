/* global console, URL */
// "Right first" of tfbuild's diagnosis on real log lines the knowledge base was not written from
// (bench/data/diagnosis-heldout.json): for each line alone, is the expected entry the first match?
// Writes bench/results/diagnosis-heldout.json. Needs `npm run build` first (reads dist/).
import { readFileSync, writeFileSync } from 'node:fs';
import { diagnoseLines } from '../dist/diagnose/index.js';

const data = JSON.parse(readFileSync(new URL('./data/diagnosis-heldout.json', import.meta.url), 'utf8'));
const misses = [];
let right = 0;
for (const c of data.lines) {
  const first = diagnoseLines([c.line]).matches[0]?.id ?? null;
  if (first === c.expect) right += 1;
  else misses.push({ expect: c.expect, got: first, line: c.line.slice(0, 160), source: c.source });
}
const result = { date: new Date().toISOString(), lines: data.lines.length, rightFirst: right, rate: Number((right / data.lines.length).toFixed(3)), misses };
writeFileSync(new URL('./results/diagnosis-heldout.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
console.log(`right first: ${right}/${data.lines.length} (${(100 * result.rate).toFixed(1)} %)`);
for (const m of misses) console.log(`  miss: expected ${m.expect}, got ${m.got}: ${m.line}`);
