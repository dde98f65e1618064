import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The sha256 of a file, hex, read as a stream (a wheel or a bazel binary is hundreds of MiB). */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
