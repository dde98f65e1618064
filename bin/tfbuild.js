#!/usr/bin/env node
// Refuse old Node before importing anything that needs a newer one.
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  process.stderr.write(`tfbuild needs Node.js 20 or newer; this is ${process.version}. Install Node 20+ (https://nodejs.org) and retry.\n`);
  process.exit(3);
}
// `tfbuild recipes | head`: once the reader has gone, further output is dropped instead of crashing with EPIPE (a
// running build goes on and still writes its log and state).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}
// dist/bundle is the CLI in one ESM graph (esbuild, `npm run build`): ~450 files load in a few chunks, which halves
// start-up. dist/cli is tsc's per-file output of the same sources, used when only tsc ran.
const { existsSync } = await import('node:fs');
const bundled = new URL('../dist/bundle/main.js', import.meta.url);
// The package is built before packing (`prepack`), so installing it runs no script. A git checkout has no dist/
// after `npm ci`: the first run builds it (with the devDependencies `npm ci` installed).
if (!existsSync(bundled) && !existsSync(new URL('../dist/cli/main.js', import.meta.url)) && existsSync(new URL('../src/cli/main.ts', import.meta.url))) {
  const { spawnSync } = await import('node:child_process');
  process.stderr.write('tfbuild: first run in a source checkout: building dist/ (npm run build)\n');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: new URL('..', import.meta.url), stdio: ['ignore', 2, 2] });
  if (r.status !== 0) {
    process.stderr.write('tfbuild: the build failed; run npm ci, then npm run build, and read its errors.\n');
    process.exit(1);
  }
}
const { main } = await import(existsSync(bundled) ? bundled.href : '../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
