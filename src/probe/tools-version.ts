/**
 * Client-only version probes for bazel, bazelisk, git and java. `bazel --version` is answered by the client and
 * never starts a server; Debian's bazel-bootstrap prints `bazel no_version`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BazelFacts, JavaFacts, ToolFacts } from './types.js';
import { findOnPath, realpathOrSelf } from './path-scan.js';
import { probeRun, type ProbeRunOptions } from '../tools/probe-run.js';
import { parseJavaMajor, parseJavaVersion, readJavaVersion } from '../tools/java.js';
import { parseBazelVersion as parseBazelVersionText, rememberBazelVersion, type BazelVersion } from '../tools/bazel.js';
import { parseGitVersion } from '../tools/git.js';

/** bazel's own parser (src/tools/bazel.ts); null when the output names no bazel at all (not even `no_version`). */
export function parseBazelVersion(stdout: string): BazelVersion | null {
  const v = parseBazelVersionText(stdout);
  return v.version === null && !v.unknownRelease ? null : v;
}

function isBazeliskBinary(path: string): boolean {
  return /bazelisk/i.test(basename(realpathOrSelf(path)));
}

/** The bazel version a bazelisk would fetch, without running it (running it downloads bazel). */
export function bazeliskPinnedVersion(env: NodeJS.ProcessEnv, workdir: string): string | null {
  if (env.USE_BAZEL_VERSION) return env.USE_BAZEL_VERSION;
  const f = join(workdir, '.bazelversion');
  if (existsSync(f)) {
    try {
      return readFileSync(f, 'utf8').trim() || null;
    } catch {
      return null;
    }
  }
  return null;
}

export async function probeBazel(env: NodeJS.ProcessEnv, workdir: string, o: ProbeRunOptions): Promise<BazelFacts | null> {
  const path = findOnPath('bazel', env);
  if (!path) return null;
  if (isBazeliskBinary(path)) {
    return { kind: 'bazelisk', path, version: bazeliskPinnedVersion(env, workdir), unknownRelease: false, raw: 'bazel is bazelisk (not run: it would download bazel)' };
  }
  const out = await probeRun(path, ['--version'], o);
  if (!out.ok) throw new Error(out.problem ?? 'bazel --version failed');
  const parsed = parseBazelVersion(out.stdout);
  if (!parsed) throw new Error(`bazel --version printed an unrecognised line: ${out.stdout.trim().slice(0, 80)}`);
  // Run with this process's environment, the answer is what a build's preflight would read: it is not run twice.
  if (o.env === undefined) rememberBazelVersion(path, out.stdout.trim());
  const facts: BazelFacts = { kind: 'bazel', path, version: parsed.version, unknownRelease: parsed.unknownRelease, raw: out.stdout.trim() };
  if (parsed.unknownRelease) facts.packageRelease = readDpkgRelease(realpathOrSelf(path), env.TFBUILD_DPKG_DIR ?? '/var/lib/dpkg');
  return facts;
}

/**
 * The upstream release of the Debian package that installed `file` (dpkg's info/PKG.list names it), from dpkg's
 * status file: bazel-bootstrap's `Version: 4.2.3+ds-9` → "4.2.3". Null when dpkg does not know the file.
 */
export function readDpkgRelease(file: string, dpkgDir: string): string | null {
  for (const pkg of ['bazel-bootstrap', 'bazel']) {
    let list: string;
    try {
      list = readFileSync(join(dpkgDir, 'info', `${pkg}.list`), 'utf8');
    } catch {
      continue;
    }
    if (!list.split('\n').includes(file)) continue;
    try {
      const status = readFileSync(join(dpkgDir, 'status'), 'utf8');
      const stanza = status.split(/\n\n/).find((b) => b.startsWith(`Package: ${pkg}\n`));
      const m = stanza ? /^Version: (?:\d+:)?(\d+\.\d+\.\d+)/m.exec(stanza) : null;
      return m?.[1] ?? null;
    } catch {
      return null;
    }
  }
  return null;
}

export function probeBazelisk(env: NodeJS.ProcessEnv, workdir: string): ToolFacts | null {
  const path = findOnPath('bazelisk', env);
  return path ? { path, version: bazeliskPinnedVersion(env, workdir) } : null;
}

export async function probeGit(env: NodeJS.ProcessEnv, o: ProbeRunOptions): Promise<ToolFacts | null> {
  const path = findOnPath('git', env);
  if (!path) return null;
  const out = await probeRun(path, ['--version'], o);
  if (!out.ok) throw new Error(out.problem ?? 'git --version failed');
  return { path, version: parseGitVersion(out.stdout), raw: out.stdout.trim() };
}

/** A JDK's `release` file (JAVA_VERSION="17.0.15") answers without starting a JVM (~350 ms). */
export function readJavaReleaseFile(javaPath: string): string | null {
  const home = dirname(dirname(realpathOrSelf(javaPath)));
  for (const f of [join(home, 'release'), join(dirname(home), 'release')]) {
    try {
      const m = /^JAVA_VERSION="([^"]+)"/m.exec(readFileSync(f, 'utf8'));
      if (m) return m[1]!;
    } catch {
      /* no release file: JRE layouts differ */
    }
  }
  return null;
}

export async function probeJava(env: NodeJS.ProcessEnv, o: ProbeRunOptions): Promise<JavaFacts | null> {
  const path = env.JAVA_HOME && existsSync(join(env.JAVA_HOME, 'bin', 'java')) ? join(env.JAVA_HOME, 'bin', 'java') : findOnPath('java', env);
  if (!path) return null;
  const fromFile = readJavaReleaseFile(path);
  if (fromFile) return { path, version: fromFile, major: parseJavaMajor(fromFile), raw: `release file: JAVA_VERSION="${fromFile}"` };
  const out = await readJavaVersion(path, o);
  const version = parseJavaVersion(out);
  return { path, version, major: version ? parseJavaMajor(version) : null, raw: out.trim().split('\n')[0] ?? '' };
}
