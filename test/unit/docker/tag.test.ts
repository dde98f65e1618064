import { describe, expect, it } from 'vitest';
import { formatImageTag, hashContext, type ContextEntry } from '../../../src/docker/tag.js';

const a: ContextEntry = { path: 'Dockerfile', sha256: '1'.repeat(64), mode: 0o644 };
const b: ContextEntry = { path: 'scripts/entrypoint.sh', sha256: '2'.repeat(64), mode: 0o755 };

describe('image tag', () => {
  it('hash ignores order, follows content, path and the exec bit', () => {
    expect(hashContext([a, b])).toBe(hashContext([b, a]));
    expect(hashContext([a, b])).not.toBe(hashContext([a, { ...b, sha256: '3'.repeat(64) }]));
    expect(hashContext([a, b])).not.toBe(hashContext([a, { ...b, path: 'scripts/other.sh' }]));
    expect(hashContext([a, b])).not.toBe(hashContext([a, { ...b, mode: 0o644 }]));
    expect(hashContext([a, b])).toBe(hashContext([a, { ...b, mode: 0o700 }]));
  });
  it('tag = recipe line + generation + 12 hex of the hash, valid for docker and podman', () => {
    const t = formatImageTag('r1.4', 'cuda8-ubuntu16.04', 'abcdef0123456789');
    expect(t).toBe('localhost/tfbuild:r1.4-cuda8-ubuntu16.04-abcdef012345');
    expect(t.split(':')[1]).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
  });
});
