/* global Buffer */
// Writes a synthetic bazel build log of about `mb` MiB: progress lines, INFO/WARNING noise, compiler warnings,
// a benign 404 mirror warning now and then, and the root cause (a cc1plus OOM kill) near the end.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const NOISE = [
  'INFO: From Compiling tensorflow/core/kernels/cwise_op_add_1.cc:',
  "tensorflow/core/framework/op_kernel.h:123:5: warning: unused variable 'x' [-Wunused-variable]",
  '[12,345 / 23,456] Compiling tensorflow/core/kernels/conv_ops_fused_float.cc; 45s local ... (2 actions running)',
  'INFO: Analyzed target //tensorflow/tools/pip_package:build_pip_package (412 packages loaded, 28412 targets configured).',
  'external/eigen_archive/unsupported/Eigen/CXX11/src/Tensor/TensorContraction.h:456:12: note: in instantiation of member function',
  'Loading: 0 packages loaded',
  "  123 |   for (int i = 0; i < dims.size(); ++i) {",
  '      |                   ~~^~~~~~~~~~~~~',
];
const BENIGN =
  'WARNING: Download from https://storage.googleapis.com/mirror.tensorflow.org/github.com/x/y.tar.gz failed: class com.google.devtools.build.lib.bazel.repository.downloader.UnrecoverableHttpException GET returned 404 Not Found';
export const ROOT_CAUSE = 'gcc: fatal error: Killed signal terminated program cc1plus';

/** Resolves to { bytes, lines, rootCauseLine } once the file is written. */
export async function writeSyntheticLog(path, mb) {
  const out = createWriteStream(path);
  const target = mb * 1024 * 1024;
  let bytes = 0;
  let lines = 0;
  let rootCauseLine = 0;
  while (bytes < target) {
    let chunk = '';
    for (let k = 0; k < 2000; k++) {
      lines += 1;
      const line = lines % 50_000 === 0 ? BENIGN : `${NOISE[lines % NOISE.length]} #${lines}`;
      chunk += line + '\n';
    }
    if (rootCauseLine === 0 && bytes + chunk.length >= target * 0.9) {
      lines += 1;
      rootCauseLine = lines;
      chunk += ROOT_CAUSE + '\n';
    }
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { bytes, lines, rootCauseLine };
}
