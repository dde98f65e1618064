/**
 * Pieces of `dockerBuild` around the engine calls: signal handling, host user ids, compute capabilities for a
 * GPU build, and recording the image's provenance in the build info of the wheels a run wrote.
 */
import { chownSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeNvidia } from '../probe/nvidia.js';
import type { Recipe } from '../recipes/schema.js';
import { readImageFile } from '../tools/container.js';
import type { EngineName } from './engine.js';

/** Stop the container when the user interrupts; the work dir keeps the resumable state. */
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

export const hasFlag = (args: readonly string[], flag: string) => args.some((a) => a === flag || a.startsWith(`${flag}=`));

/** Compute capabilities: the flag, else the host's GPUs, else the recipe's default (said in a note). */
export async function pickComputeCapabilities(recipe: Recipe, o: { computeCapabilities?: string; passthrough?: string[] }, notes: string[]): Promise<string | null> {
  if (o.computeCapabilities !== undefined) return o.computeCapabilities;
  if (hasFlag(o.passthrough ?? [], '--compute-capabilities')) return null;
  const { gpus } = await probeNvidia(process.env, { timeoutMs: 15_000 });
  const caps = [...new Set(gpus.map((g) => g.computeCapability).filter((c): c is string => c !== null))].sort();
  if (caps.length > 0) {
    notes.push(`compute capabilities ${caps.join(',')}: this host's GPUs`);
    return caps.join(',');
  }
  const d = recipe.gpu?.computeCapabilities.default ?? null;
  if (d !== null) notes.push(`compute capabilities ${d}: the recipe's default (no GPU here; building needs none). Pass --compute-capabilities to choose.`);
  return d;
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
