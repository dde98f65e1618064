/**
 * What remote execution needs besides `--remote_executor`, spelled for the bazel release that runs. PURE.
 *
 * The spellings are data (REMOTE_EXEC_SPELLINGS), each row with the fact it rests on:
 *   - strategies: bazel 0.27 made `--spawn_strategy`/`--strategy` take a list and stopped falling back silently
 *     (bazel issue 7480, flipped by PR 8286): `remote,local` runs what can run remotely there and the rest (actions
 *     tagged no-remote) here. Before 0.27 a single `remote` did that fallback by itself. Both the spawn and the
 *     genrule strategy are passed because TensorFlow 1.x's tools/bazel.rc pins both to `standalone`; checked with
 *     bazel 4.2.3 and its reference worker: with only one of the two overridden, the other kind still ran locally.
 *   - the platform: `--remote_default_exec_properties=K=V` arrived in 2019 (bazel PR 9010, in 1.0), deprecating
 *     `--remote_default_platform_properties`, which takes a text protobuf and was introduced in early 2019 (bazel issue
 *     7166, taken here as 0.23) and deleted in 9.0. Older releases only read the platform from a platform rule.
 *   - `--remote_local_fallback` exists in every release that has `--remote_executor` (bazel 0.5 already read it).
 */
import semver from 'semver';
import { UsageError } from '../errors.js';

export interface RemoteExecOptions {
  remoteExecutor?: string | undefined;
  remoteImage?: string | undefined;
  remoteLocalFallback?: boolean | undefined;
}

export interface RemoteExecSpelling {
  /** semver range of bazel releases this row covers. */
  bazel: string;
  strategies: readonly string[];
  /** How the platform's container image is passed, or null when no flag does it. */
  platform: 'exec-properties' | 'platform-properties-textproto' | null;
}

export const REMOTE_EXEC_SPELLINGS: readonly RemoteExecSpelling[] = [
  { bazel: '>=1.0.0', strategies: ['--spawn_strategy=remote,local', '--genrule_strategy=remote,local'], platform: 'exec-properties' },
  {
    bazel: '>=0.27.0 <1.0.0',
    strategies: ['--spawn_strategy=remote,local', '--genrule_strategy=remote,local'],
    platform: 'platform-properties-textproto',
  },
  { bazel: '>=0.23.0 <0.27.0', strategies: ['--spawn_strategy=remote', '--genrule_strategy=remote'], platform: 'platform-properties-textproto' },
  { bazel: '<0.23.0', strategies: ['--spawn_strategy=remote', '--genrule_strategy=remote'], platform: null },
];

/** The row for a release; null (an unversioned distro build, all 4.x or later) is the current spelling. */
export function getRemoteExecSpelling(bazelVersion: string | null): RemoteExecSpelling {
  const v = bazelVersion === null ? null : semver.coerce(bazelVersion);
  const first = REMOTE_EXEC_SPELLINGS[0] as RemoteExecSpelling;
  if (v === null) return first;
  return REMOTE_EXEC_SPELLINGS.find((r) => semver.satisfies(v, r.bazel)) ?? first;
}

const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/;

/** `docker://reg/img:tag` or `reg/img:tag` → `reg/img:tag`; throws a UsageError on anything that is not an image ref. */
export function normalizeRemoteImage(image: string): string {
  const ref = image.replace(/^docker:\/\//, '');
  if (!IMAGE.test(ref)) {
    throw new UsageError(`--remote-image ${JSON.stringify(image)} is not an image reference.`, {
      hint: 'e.g. --remote-image registry.example.com/tfbuild/r2.17-cpu:2024-06 (a registry the workers can pull from).',
    });
  }
  return ref;
}

export interface RemoteExecFlags {
  flags: string[];
  warnings: string[];
  notes: string[];
}

export function remoteExecFlags(o: RemoteExecOptions, bazelVersion: string | null, containerGeneration: string | null): RemoteExecFlags {
  const flags: string[] = [];
  const warnings: string[] = [];
  const notes: string[] = [];
  if (o.remoteExecutor === undefined) {
    if (o.remoteImage !== undefined) warnings.push('--remote-image is ignored without --remote-executor.');
    if (o.remoteLocalFallback === true) warnings.push('--remote-local-fallback is ignored without --remote-executor.');
    return { flags, warnings, notes };
  }
  const spelling = getRemoteExecSpelling(bazelVersion);
  flags.push(...spelling.strategies);
  notes.push(`Remote execution: the plan passes ${spelling.strategies.join(' ')} because the source tree's bazelrc may pin `
    + 'local strategies (TensorFlow 1.x sets standalone), which would run every action on this host without a word.');
  if (o.remoteImage !== undefined) {
    const image = normalizeRemoteImage(o.remoteImage);
    if (spelling.platform === 'exec-properties') flags.push(`--remote_default_exec_properties=container-image=docker://${image}`);
    else if (spelling.platform === 'platform-properties-textproto') {
      flags.push(`--remote_default_platform_properties=properties:{name:"container-image" value:"docker://${image}"}`);
    } else {
      warnings.push(`bazel ${bazelVersion ?? ''} has no flag for the remote platform (added in 0.23): --remote-image is ignored; `
        + 'define a platform with remote_execution_properties in the workspace instead.');
    }
  } else {
    notes.push('No --remote-image: remote actions run in the worker\'s default image, which may have another compiler or python'
      + (containerGeneration ? ` than this recipe's toolchain (the ${containerGeneration} image of \`tfbuild docker\`)` : '')
      + '. Push that image where the workers pull from and pass --remote-image REGISTRY/IMAGE.');
  }
  if (o.remoteLocalFallback === true) flags.push('--remote_local_fallback');
  return { flags, warnings, notes };
}
