import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBazelVersion, readBazelVersion, rememberBazelVersion } from '../../../src/tools/bazel.js';
import { makeTempDir } from '../../helpers/tmp.js';
import { probeBazel } from '../../../src/probe/tools-version.js';

const recorded = (f: string) => readFileSync(join(import.meta.dirname, 'recorded', f), 'utf8');

describe('parseBazelVersion', () => {
  it.each([
    ['bazel 0.5.4', '0.5.4', false],
    ['bazel 6.5.0\n', '6.5.0', false],
    // Homebrew/self-built clients append a suffix.
    ['bazel 7.4.1- (@non-git)', '7.4.1', false],
    ['bazel 7.0.0-pre.20230215.2', '7.0.0-pre.20230215.2', false],
    ['bazel 6.0.0rc1', '6.0.0rc1', false],
    // `bazel version` (server) output.
    ['Build label: 6.5.0\nBuild target: bazel-out/k8-opt/bin/src/main/java/com/google/devtools/build/lib/bazel/BazelServer_deploy.jar\n', '6.5.0', false],
    // bazelisk: its own version first, then the bazel it ran.
    ['Bazelisk version: v1.19.0\nBuild label: 7.4.1\nBuild target: @@//src/main/java/com/google/devtools/build/lib/bazel:BazelServer\n', '7.4.1', false],
    // Source builds have an empty label.
    ['Build label: \nBuild target: …', null, true],
    ['bazel development version', null, true],
  ] as const)('%j → %s', (text, version, unknown) => {
    expect(parseBazelVersion(text)).toEqual({ version, unknownRelease: unknown });
  });

  it("reads Debian bazel-bootstrap's recorded `bazel --version` as an unknown release", () => {
    expect(recorded('bazel-4.2.3-debian--version.txt').trim()).toBe('bazel no_version');
    expect(parseBazelVersion(recorded('bazel-4.2.3-debian--version.txt'))).toEqual({ version: null, unknownRelease: true });
  });

  it('returns nothing for unrelated text', () => {
    expect(parseBazelVersion('command not found')).toEqual({ version: null, unknownRelease: false });
    expect(parseBazelVersion('')).toEqual({ version: null, unknownRelease: false });
  });
});

describe('readBazelVersion runs a bazel once per process', () => {
  it('answers from what the host probe read, and caches its own reads', async () => {
    const dir = makeTempDir('tfb-bzv-');
    // A bazel that counts its runs.
    const fake = join(dir, 'bazel');
    writeFileSync(fake, `#!/bin/sh\necho x >> "${dir}/runs"\necho "bazel 6.5.0"\n`, { mode: 0o755 });
    const runs = () => readFileSync(join(dir, 'runs'), 'utf8').split('\n').filter(Boolean).length;
    expect((await readBazelVersion(fake)).version).toBe('6.5.0');
    expect((await readBazelVersion(fake)).version).toBe('6.5.0');
    expect(runs()).toBe(1);
    // A path the probe already ran is not run at all (this one does not even exist).
    rememberBazelVersion(join(dir, 'probed-bazel'), 'bazel 7.4.1');
    expect(await readBazelVersion(join(dir, 'probed-bazel'))).toMatchObject({ version: '7.4.1', raw: 'bazel 7.4.1' });
  });

  it("the host probe's bazel --version (this process's environment) is the preflight's answer: one run", async () => {
    const dir = makeTempDir('tfb-bzv-probe-');
    writeFileSync(join(dir, 'bazel'), `#!/bin/sh\necho x >> "${dir}/runs"\necho "bazel 5.4.1"\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${dir}:${saved ?? ''}`;
    try {
      const facts = await probeBazel(process.env, dir, { timeoutMs: 15_000 });
      expect(facts).toMatchObject({ path: join(dir, 'bazel'), version: '5.4.1' });
      expect((await readBazelVersion(join(dir, 'bazel'))).version).toBe('5.4.1');
      expect(readFileSync(join(dir, 'runs'), 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    } finally {
      process.env.PATH = saved;
    }
  });
});
