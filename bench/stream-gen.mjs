// Writes N bytes of synthetic bazel 4 build output (--curses=no) to stdout, as fast as the pipe takes it.
// Usage: node bench/stream-gen.mjs BYTES
import { Buffer } from 'node:buffer';
import process from 'node:process';

const total = Number(process.argv[2] ?? 1 << 30);
const samples = [
  (i) => `[${(i % 90000).toLocaleString('en-US')} / 91,234] Compiling tensorflow/core/kernels/cwise_op_${i % 97}.cc; ${i % 60}s local ... (2 actions running)`,
  (i) => `INFO: From Compiling tensorflow/core/kernels/conv_ops_${i % 13}.cc:`,
  (i) => `tensorflow/core/kernels/conv_ops_${i % 13}.cc:${i % 900}:12: warning: comparison of integer expressions of different signedness: 'int' and 'long unsigned int' [-Wsign-compare]`,
  (i) => `  ${i % 900} |   for (int i = 0; i < shape.dims(); ++i) {`,
  () => '      |                   ~~^~~~~~~~~~~~~~',
  (i) => `[${(i % 90000).toLocaleString('en-US')} / 91,234] 2 actions running`,
];
// A 1 MiB block of lines, written repeatedly (the content varies inside a block; blocks repeat).
let block = '';
for (let i = 0; block.length < 1 << 20; i++) block += samples[i % samples.length](i) + '\n';
const buf = Buffer.from(block);
let written = 0;
function pump() {
  while (written < total) {
    const n = Math.min(buf.length, total - written);
    written += n;
    let chunk = n === buf.length ? buf : buf.subarray(0, n);
    // End on a line break, so the log holds exactly BYTES bytes.
    if (written === total && chunk[n - 1] !== 10) {
      chunk = Buffer.from(chunk);
      chunk[n - 1] = 10;
    }
    if (!process.stdout.write(chunk)) return process.stdout.once('drain', pump);
  }
}
pump();
