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
    // tsc for dist/, then esbuild for dist/bundle, which bin/tfbuild.js runs: a stale bundle would test old code.
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch {
    // tsc still emits on type errors; `npm run typecheck` is where they fail the run.
  }
  try {
    execFileSync('npm', ['run', 'bundle', '--silent'], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    throw new Error(`npm run bundle failed: ${(e as { stderr?: Buffer }).stderr?.toString() ?? String(e)}`);
  }
}
