/**
 * tfbuild's runtime for a container run, mounted read-only at /opt/tfbuild-runtime: the host's node binary, the C
 * libraries it links (libc, libstdc++, …) with their own dynamic loader, a `run` script that starts node through that
 * loader, and tfbuild's payload. Official Node 20 binaries need glibc 2.28, which Ubuntu 16.04 (2.23) and 18.04
 * (2.27) images lack; started through the host's loader with --library-path, node uses the host's libraries while
 * every program it starts (bazel, gcc, python) uses the image's own. File-system work only; no processes.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, closeSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { getPackageRoot, writeTfbuildPayload } from './context.js';
import { IMAGE_PATHS } from './dockerfile.js';

/** PT_INTERP of a 64-bit little-endian ELF executable (its dynamic loader), or null for a static one. */
export function readElfInterpreter(path: string): string | null {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head[5] !== 1) {
      throw new ConfigError(`${path} is not a 64-bit little-endian ELF executable.`, { hint: 'Pass the node binary itself with --node PATH.' });
    }
    const phoff = Number(head.readBigUInt64LE(0x20));
    const phentsize = head.readUInt16LE(0x36);
    const phnum = head.readUInt16LE(0x38);
    const ph = Buffer.alloc(phentsize * phnum);
    readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < phnum; i++) {
      const o = i * phentsize;
      if (ph.readUInt32LE(o) !== 3) continue; // PT_INTERP
      const off = Number(ph.readBigUInt64LE(o + 8));
      const size = Number(ph.readBigUInt64LE(o + 32));
      const buf = Buffer.alloc(size);
      readSync(fd, buf, 0, size, off);
      return buf.toString('latin1').replace(/\0+$/, '');
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The libraries Node's official and distribution builds link, besides the loader. */
const NODE_LIBS = ['libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'librt.so.1', 'libstdc++.so.6', 'libgcc_s.so.1'];

export interface RuntimeInput {
  dir: string;
  /** The node binary (default: the one running tfbuild). */
  node: string;
  packageRoot?: string;
  /** Where to look for the libraries (default: the loader's folder and the usual multiarch folders). */
  libDirs?: string[];
}

/** Writes the runtime into `dir` (replacing an older one); returns the files it copied from the host. */
export function writeRuntime(input: RuntimeInput): { dir: string; loader: string | null; libs: string[] } {
  const root = input.packageRoot ?? getPackageRoot();
  rmSync(input.dir, { recursive: true, force: true });
  mkdirSync(join(input.dir, 'lib'), { recursive: true });
  const nodeReal = realpathSync(input.node);
  copyFileSync(nodeReal, join(input.dir, 'node'));
  chmodSync(join(input.dir, 'node'), 0o755);
  const rt = IMAGE_PATHS.runtime;
  const interp = readElfInterpreter(nodeReal);
  const libs: string[] = [];
  let loader: string | null = null;
  if (interp !== null) {
    const loaderReal = realpathSync(interp);
    loader = basename(interp);
    copyFileSync(loaderReal, join(input.dir, 'lib', loader));
    chmodSync(join(input.dir, 'lib', loader), 0o755);
    const dirs = input.libDirs ?? [dirname(loaderReal), '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/lib64'];
    for (const name of NODE_LIBS) {
      const from = dirs.map((d) => join(d, name)).find((p) => existsSync(p));
      if (from === undefined) continue; // e.g. librt/libdl are part of libc since glibc 2.34 and may be absent
      copyFileSync(realpathSync(from), join(input.dir, 'lib', name));
      libs.push(from);
    }
  }
  const start = loader === null
    ? `exec "${rt}/node" "${rt}/tfbuild/bin/tfbuild.js" "$@"`
    : `exec "${rt}/lib/${loader}" --library-path "${rt}/lib" "${rt}/node" "${rt}/tfbuild/bin/tfbuild.js" "$@"`;
  writeFileSync(join(input.dir, 'run'), `#!/bin/sh\n# node through the host's own loader and libraries (written by tfbuild docker).\n${start}\n`);
  chmodSync(join(input.dir, 'run'), 0o755);
  writeTfbuildPayload(root, join(input.dir, 'tfbuild'));
  return { dir: input.dir, loader, libs };
}
