/**
 * Pieces of the container route around the engine calls: signal handling, host user ids, and recording the
 * image's provenance in the build info of the wheels a run wrote.
 */
import { chownSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readImageFile } from '../tools/container.js';
import type { EngineName } from './engine.js';

/** An interrupt while the image builds (or before the first step) stops the run; the work dir keeps the state. */
export function interruptSignal(outer: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  outer?.addEventListener('abort', onSig, { once: true });
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
      outer?.removeEventListener('abort', onSig);
    },
  };
}

/** Whose files the container writes: the caller; under sudo, the user who ran sudo. */
export function getHostUserIds(env: NodeJS.ProcessEnv): { uid: number; gid: number } {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  if (uid === 0 && env.SUDO_UID && env.SUDO_GID && /^\d+$/.test(env.SUDO_UID) && /^\d+$/.test(env.SUDO_GID)) {
    return { uid: Number(env.SUDO_UID), gid: Number(env.SUDO_GID) };
  }
  return { uid, gid };
}

export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

/** `key=value` lines the image build recorded (docker/scripts/lib.sh provenance). */
export function parseProvenance(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Adds the image and how its downloads were verified to the build info of each wheel this run wrote. */
export async function recordImage(engine: EngineName, path: string, image: string, generation: string, runtime: string | undefined, output: string, before: Set<string>): Promise<void> {
  const infos = listFiles(output).filter((f) => f.endsWith('.tfbuild.json') && !before.has(f));
  if (infos.length === 0) return;
  const text = await readImageFile(engine, image, '/opt/tfbuild-image/provenance', runtime, path);
  const packages = await readImageFile(engine, image, '/opt/tfbuild-image/packages', runtime, path);
  for (const f of infos) {
    const file = join(output, f);
    const info = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    info.image = {
      tag: image,
      generation,
      engine,
      provenance: parseProvenance(text ?? ''),
      packages: (packages ?? '').split('\n').filter((l) => l !== ''),
    };
    const st = statSync(file);
    writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`);
    if (process.getuid?.() === 0) chownSync(file, st.uid, st.gid);
  }
}
