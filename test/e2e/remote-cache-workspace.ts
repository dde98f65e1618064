/**
 * A one-file cc_binary workspace that Debian's bazel 4.2.3 builds offline (shared/ENVIRONMENT.md): the
 * @rules_cc and @rules_java repos bazel would download are replaced by tiny local ones re-exporting the native
 * rules. Used by the remote-cache test and bench/cache.mjs until the TF-shaped fixture is wired in.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/tmp.js';

export interface CcWorkspace {
  dir: string;
  /** `--override_repository=…` flags that keep bazel offline. */
  overrides: string[];
  target: string;
}

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

export function makeCcWorkspace(base = makeTempDir('tfbuild-ws-'), files = 2): CcWorkspace {
  const dir = join(base, 'ws');
  const rulesCc = join(base, 'rules_cc');
  const rulesJava = join(base, 'rules_java');
  write(join(rulesCc, 'WORKSPACE'), '');
  write(join(rulesCc, 'cc', 'BUILD'), '');
  write(
    join(rulesCc, 'cc', 'defs.bzl'),
    ['cc_library', 'cc_binary', 'cc_test', 'cc_toolchain', 'cc_toolchain_suite', 'cc_import'].map((r) => `${r} = native.${r}\n`).join(''),
  );
  write(join(rulesJava, 'WORKSPACE'), '');
  write(join(rulesJava, 'java', 'BUILD'), '');
  write(
    join(rulesJava, 'java', 'defs.bzl'),
    ['java_import', 'java_runtime', 'java_toolchain', 'java_library', 'java_binary'].map((r) => `${r} = native.${r}\n`).join(''),
  );
  write(join(dir, 'WORKSPACE'), '');
  const libs = Array.from({ length: files }, (_, i) => `part${i}`);
  for (const l of libs) {
    write(join(dir, 'pkg', `${l}.cc`), `int ${l}(int x) { return x * ${libs.indexOf(l) + 2}; }\n`);
  }
  write(
    join(dir, 'pkg', 'hello.cc'),
    `#include <cstdio>\n${libs.map((l) => `int ${l}(int);`).join('\n')}\nint main() { int s = 0; ${libs.map((l) => `s += ${l}(1);`).join(' ')} std::printf("hello %d\\n", s); return 0; }\n`,
  );
  write(
    join(dir, 'pkg', 'BUILD'),
    `${libs.map((l) => `cc_library(name = "${l}", srcs = ["${l}.cc"])\n`).join('')}cc_binary(name = "hello", srcs = ["hello.cc"], deps = [${libs.map((l) => `":${l}"`).join(', ')}])\n`,
  );
  return {
    dir,
    overrides: [`--override_repository=rules_cc=${rulesCc}`, `--override_repository=rules_java=${rulesJava}`],
    target: '//pkg:hello',
  };
}
