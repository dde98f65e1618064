#!/usr/bin/env node
// Refuse old Node before importing anything that needs a newer one.
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  process.stderr.write(`tfbuild needs Node.js 20 or newer; this is ${process.version}. Install Node 20+ (https://nodejs.org) and retry.\n`);
  process.exit(3);
}
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
