/**
 * Build dist/ once before any test runs, so tests that drive the compiled CLI (`node bin/tfbuild.js`) never race a
 * rebuild. `npm test` also builds first; this covers `npx vitest` runs.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (process.env.TFBUILD_SKIP_BUILD === '1') return;
  try {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch {
    // tsc still emits on type errors; `npm run typecheck` is where they fail the run.
  }
}
