import { describe, expect, it } from 'vitest';
import { expandEnvRefs, expandEnvRefsOrThrow, readEnvHeaders, remoteFlags, type RemoteOptions } from '../../src/plan/remote.js';
import { UsageError } from '../../src/errors.js';

const base: RemoteOptions = { remoteHeaders: [], distdir: [] };
const ctx = { bazelVersion: '6.5.0', defaultDiskCache: '/c/disk', env: {} };

describe('remoteFlags', () => {
  it('turns on the default disk cache and nothing else for plain options', () => {
    const r = remoteFlags(base, ctx);
    expect(r.flags).toEqual(['--disk_cache=/c/disk']);
    expect(r.diskCache).toBe('/c/disk');
    expect(r.envRefs).toEqual([]);
  });

  it('--no-disk-cache (false) leaves the disk cache off; an explicit dir wins over the default', () => {
    expect(remoteFlags({ ...base, diskCache: false }, ctx).flags).toEqual([]);
    expect(remoteFlags({ ...base, diskCache: '/mine' }, ctx).flags).toEqual(['--disk_cache=/mine']);
  });

  it('maps every remote option to its bazel flag in a stable order', () => {
    const r = remoteFlags(
      {
        diskCache: false,
        remoteCache: 'grpcs://remote.buildbuddy.io',
        remoteExecutor: 'grpcs://remote.buildbuddy.io',
        remoteInstanceName: 'tf/ci',
        remoteHeaders: ['x-buildbuddy-api-key=${BB_KEY}'],
        repositoryCache: '/repo-cache',
        distdir: ['/d1', '/d2'],
      },
      ctx,
    );
    expect(r.flags).toEqual([
      '--remote_cache=grpcs://remote.buildbuddy.io',
      '--remote_executor=grpcs://remote.buildbuddy.io',
      '--spawn_strategy=remote,local',
      '--genrule_strategy=remote,local',
      '--remote_instance_name=tf/ci',
      '--remote_header=x-buildbuddy-api-key=${BB_KEY}',
      '--repository_cache=/repo-cache',
      '--distdir=/d1',
      '--distdir=/d2',
    ]);
    expect(r.envRefs).toEqual(['BB_KEY']);
    expect(r.literalSecrets).toEqual([]);
  });

  it('reads headers from TFBUILD_REMOTE_TOKEN / TFBUILD_REMOTE_HEADER_* as references, never values', () => {
    const env = { TFBUILD_REMOTE_TOKEN: 's3cr3t-token', TFBUILD_REMOTE_HEADER_X_API_KEY: 'k3y-value' };
    const r = remoteFlags({ ...base, diskCache: false, remoteCache: 'https://cache.example' }, { ...ctx, env });
    expect(r.flags).toEqual([
      '--remote_cache=https://cache.example',
      '--remote_header=x-api-key=${TFBUILD_REMOTE_HEADER_X_API_KEY}',
      '--remote_header=Authorization=Bearer ${TFBUILD_REMOTE_TOKEN}',
    ]);
    expect(r.flags.join(' ')).not.toContain('s3cr3t-token');
    expect(r.flags.join(' ')).not.toContain('k3y-value');
  });

  it('an explicit Authorization header wins over TFBUILD_REMOTE_TOKEN', () => {
    const r = remoteFlags(
      { ...base, diskCache: false, remoteCache: 'https://c', remoteHeaders: ['authorization=Basic ${B}'] },
      { ...ctx, env: { TFBUILD_REMOTE_TOKEN: 'tok-tok' } },
    );
    expect(r.flags.filter((f) => f.toLowerCase().includes('authorization'))).toEqual(['--remote_header=authorization=Basic ${B}']);
  });

  it('flags literal credentials as secrets and warns', () => {
    const r = remoteFlags(
      { ...base, diskCache: false, remoteCache: 'https://bob:hunter22@cache', remoteHeaders: ['x-key=literal-key'] },
      ctx,
    );
    expect(r.literalSecrets).toEqual(['hunter22', 'literal-key']);
    expect(r.warnings).toHaveLength(2);
  });

  it('ignores headers and instance names without a remote endpoint (with a warning)', () => {
    const r = remoteFlags({ ...base, diskCache: false, remoteInstanceName: 'x', remoteHeaders: ['a=b'] }, ctx);
    expect(r.flags).toEqual([]);
    expect(r.warnings).toHaveLength(2);
  });

  it('rejects unknown schemes with a usage error', () => {
    expect(() => remoteFlags({ ...base, remoteCache: 'ftp://x' }, ctx)).toThrow(UsageError);
    expect(() => remoteFlags({ ...base, remoteExecutor: 'http://x' }, ctx)).toThrow(/grpc:\/\//);
    expect(() => remoteFlags({ ...base, remoteCache: 'http://x', remoteHeaders: ['novalue'] }, ctx)).toThrow(UsageError);
  });

  it('uses the flag names of old bazel releases', () => {
    const opts = { ...base, remoteCache: 'http://c:8080' };
    expect(remoteFlags(opts, { ...ctx, bazelVersion: '0.24.1' }).flags).toEqual(['--disk_cache=/c/disk', '--remote_http_cache=http://c:8080']);
    const old = remoteFlags(opts, { ...ctx, bazelVersion: '0.5.4' });
    expect(old.flags).toEqual(['--remote_rest_cache=http://c:8080']);
    expect(old.warnings[0]).toMatch(/no --disk_cache/);
    expect(remoteFlags({ ...base, diskCache: false, remoteCache: 'grpcs://h:443' }, { ...ctx, bazelVersion: '0.19.2' }).flags)
      .toEqual(['--remote_cache=h:443', '--tls_enabled=true']);
    // Debian's bazel-bootstrap reports no release: treated as current.
    expect(remoteFlags(opts, { ...ctx, bazelVersion: null }).flags).toContain('--remote_cache=http://c:8080');
  });
});

describe('expandEnvRefs', () => {
  it('substitutes references and returns the values as secrets', () => {
    const r = expandEnvRefs(['--remote_header=Authorization=Bearer ${T}', '--remote_cache=https://u:${P}@h'], { T: 'tok-1', P: 'pw-2' });
    expect(r.args).toEqual(['--remote_header=Authorization=Bearer tok-1', '--remote_cache=https://u:pw-2@h']);
    expect(r.secrets.sort()).toEqual(['pw-2', 'tok-1']);
    expect(r.missing).toEqual([]);
  });

  it('names every missing variable', () => {
    expect(expandEnvRefs(['${A}', '${B}'], { A: 'x' }).missing).toEqual(['B']);
    expect(() => expandEnvRefsOrThrow(['${A}', '${B}'], {})).toThrow(/\$A, \$B/);
  });

  it('readEnvHeaders ignores empty variables', () => {
    expect(readEnvHeaders({ TFBUILD_REMOTE_TOKEN: '', TFBUILD_REMOTE_HEADER_X: '' })).toEqual([]);
  });
});
