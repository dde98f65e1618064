import { describe, expect, it } from 'vitest';
import { getRemoteExecSpelling, normalizeRemoteImage, remoteExecFlags } from '../../src/plan/remote-exec.js';
import { remoteFlags } from '../../src/plan/remote.js';

const base = { remoteHeaders: [], distdir: [], diskCache: false as const };
const ctx = (bazelVersion: string | null) => ({ bazelVersion, defaultDiskCache: null, env: {}, containerGeneration: 'cpu-cuda8-ubuntu16.04' });

describe('remote execution flags per bazel release', () => {
  it('overrides both strategies whenever a remote executor is set (bazel 4.2.3: list spelling)', () => {
    const r = remoteFlags({ ...base, remoteExecutor: 'grpc://127.0.0.1:8980' }, ctx(null));
    expect(r.flags).toEqual(['--remote_executor=grpc://127.0.0.1:8980', '--spawn_strategy=remote,local', '--genrule_strategy=remote,local']);
    expect(r.notes.join('\n')).toMatch(/--spawn_strategy=remote,local --genrule_strategy=remote,local.*standalone/);
    expect(r.notes.join('\n')).toContain('cpu-cuda8-ubuntu16.04');
  });

  it('bazel 0.5.4 (r1.4) gets the single-strategy spelling and HOST:PORT', () => {
    const r = remoteFlags({ ...base, remoteExecutor: 'grpc://rbe:8980', remoteImage: 'reg/tf:1', remoteLocalFallback: true }, ctx('0.5.4'));
    expect(r.flags).toEqual(['--remote_executor=rbe:8980', '--spawn_strategy=remote', '--genrule_strategy=remote', '--remote_local_fallback']);
    expect(r.warnings.join('\n')).toMatch(/no flag for the remote platform/);
  });

  it('the platform image: exec properties from 1.0, the text protobuf before', () => {
    expect(remoteFlags({ ...base, remoteExecutor: 'grpc://h:1', remoteImage: 'docker://reg/tf:2.17' }, ctx('6.5.0')).flags)
      .toContain('--remote_default_exec_properties=container-image=docker://reg/tf:2.17');
    expect(remoteFlags({ ...base, remoteExecutor: 'grpc://h:1', remoteImage: 'reg/tf:1.14' }, ctx('0.24.1')).flags)
      .toContain('--remote_default_platform_properties=properties:{name:"container-image" value:"docker://reg/tf:1.14"}');
    expect(getRemoteExecSpelling('0.26.1').strategies).toEqual(['--spawn_strategy=remote', '--genrule_strategy=remote']);
    expect(getRemoteExecSpelling('0.27.0').strategies).toEqual(['--spawn_strategy=remote,local', '--genrule_strategy=remote,local']);
    expect(getRemoteExecSpelling('0.29.1').platform).toBe('platform-properties-textproto');
  });

  it('nothing is added without an executor; image and fallback alone are warned about', () => {
    const r = remoteExecFlags({ remoteImage: 'x/y:z', remoteLocalFallback: true }, null, null);
    expect(r.flags).toEqual([]);
    expect(r.warnings).toHaveLength(2);
    expect(remoteFlags({ ...base, remoteCache: 'http://c:8080' }, ctx(null)).flags).toEqual(['--remote_cache=http://c:8080']);
  });

  it('refuses an image reference with spaces or quotes', () => {
    expect(() => normalizeRemoteImage('reg/tf:1 --evil')).toThrow(/not an image reference/);
    expect(() => normalizeRemoteImage('"x"')).toThrow();
    expect(normalizeRemoteImage('docker://gcr.io/p/i@sha256:ab')).toBe('gcr.io/p/i@sha256:ab');
  });
});
