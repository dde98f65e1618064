import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, loadRecipeFile, recipesDir } from '../../../src/recipes/index.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const fixtures = path.resolve(here, '../../fixtures');

/** The reference CSV: version,python,compiler,bazel,cudnn,cuda,source (quoted fields may hold commas). */
function readMatrix(): Record<string, string>[] {
  const lines = readFileSync(path.join(fixtures, 'tf-build-matrix.csv'), 'utf8').trim().split('\n');
  const header = (lines.shift() ?? '').split(',');
  return lines.map((line) => {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) {
        cells.push(cur);
        cur = '';
      } else cur += ch;
    }
    cells.push(cur);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
  });
}

describe('recipe catalog', () => {
  it('has one valid recipe file per documented release line, each passing schema and rules on its own', () => {
    const files = readdirSync(recipesDir()).filter((f) => /^r\d+\.\d+\.yaml$/.test(f));
    expect(files).toHaveLength(38);
    for (const f of files) {
      const r = loadRecipeFile(path.join(recipesDir(), f));
      expect(r.errors, f).toEqual([]);
      expect(r.value?.line, f).toBe(f.replace(/\.yaml$/, ''));
    }
  });

  it('loads all 38 recipes, sorted by version, without overlapping lines or tags', () => {
    const catalog = loadCatalog();
    expect(catalog.map((r) => r.version)).toEqual(
      [...catalog.map((r) => r.version)].sort((a, b) => {
        const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
        return (x[0]! - y[0]!) || (x[1]! - y[1]!) || (x[2]! - y[2]!);
      }),
    );
    expect(new Set(catalog.map((r) => r.line)).size).toBe(38);
    const tags = catalog.flatMap((r) => r.tags.known);
    expect(new Set(tags).size).toBe(tags.length);
  });

  it('matches every row of the tested-build-configurations table exactly', () => {
    const rows = readMatrix();
    expect(rows).toHaveLength(38);
    const byVersion = new Map(loadCatalog().map((r) => [r.version, r]));
    for (const row of rows) {
      const recipe = byVersion.get(row.version!);
      expect(recipe, row.version).toBeDefined();
      expect(recipe!.tested, row.version).toEqual({
        python: row.python,
        compiler: row.compiler,
        bazel: row.bazel,
        cudnn: row.cudnn,
        cuda: row.cuda,
      });
      const [M, m] = row.version!.split('.');
      expect(recipe!.line).toBe(`r${M}.${m}`);
      expect(recipe!.tags.known).toContain(`v${row.version}`);
    }
  });
});
