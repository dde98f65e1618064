/**
 * The facts a plan for the container route is made from: the host's machine (CPU and its ISA flags, memory, disk —
 * the container shares them) with the toolchain of the image. Before the image exists (plan, --dry-run, the guided
 * questions) the toolchain is the generation's declaration; once the build container runs, the same fields are
 * probed inside it through src/exec (the container executor's transform), so what the plan names is what the
 * image has — also with --base-image or --image-bazel, where the declaration cannot know.
 */
import { basename } from 'node:path';
import type { Exec } from '../exec/index.js';
import { parseBazelVersion } from '../probe/tools-version.js';
import type { CompilerFacts, HostFacts, PythonFacts } from '../probe/types.js';
import { CLANG_NAME, GCC_NAME } from '../probe/compilers.js';
import { readCompilerVersion } from '../tools/compilers.js';
import { parseGitVersion } from '../tools/git.js';
import { parseJavaMajor, parseJavaVersion } from '../tools/java.js';
import { forgetPythonInfo, probePythonInterpreter } from '../tools/python-info.js';
import { declaredToolchain, type Generation } from './generations.js';

/** The host's machine with the image's declared toolchain (no GPU: building needs none). */
export function declaredImageFacts(host: HostFacts, g: Generation, bazelVersion: string): HostFacts {
  const t = declaredToolchain(g, bazelVersion);
  return {
    ...host,
    os: { ...host.os, distro: { id: 'ubuntu', versionId: g.ubuntu, name: `Ubuntu ${g.ubuntu}`, like: ['debian'] }, packageManager: 'apt' },
    pythons: t.pythons.map((p) => ({ path: p.path, realPath: p.path, version: p.version, numpy: p.numpy, pip: null, wheel: true, venv: true, headers: true, sitePackages: '/usr/lib/python3/dist-packages' })),
    compilers: t.compilers,
    bazel: { kind: 'bazel', path: '/usr/local/bin/bazel', version: t.bazel, unknownRelease: false },
    bazelisk: null,
    java: t.java ? { path: '/usr/bin/java', version: t.java.version, major: t.java.major } : null,
    git: { path: '/usr/bin/git', version: null },
    containers: [],
    cuda: t.cuda ? [{ version: t.cuda.version, path: t.cuda.path, source: 'version.txt', nvcc: `${t.cuda.path}/bin/nvcc`, cudart: true, cupti: true, cuptiPath: null }] : [],
    cudnn: t.cudnn ? { ...t.cudnn, header: 'cudnn.h', libDir: '/usr/lib/x86_64-linux-gnu', path: '/usr', inCudaLib64: false } : null,
    driver: null,
    gpus: [],
    problems: [],
  };
}

/** One listing of the image: its os-release, the programs in its bin folders, bazel's package release. */
const LIST_SCRIPT = [
  '. /etc/os-release 2>/dev/null; printf "os\\t%s\\t%s\\t%s\\n" "$ID" "$VERSION_ID" "$PRETTY_NAME"',
  'for d in /usr/local/bin /usr/bin; do for f in "$d"/*; do [ -x "$f" ] && printf "bin\\t%s\\n" "$f"; done; done',
  'for t in bazel git java; do p=$(command -v "$t") && printf "tool\\t%s\\t%s\\n" "$t" "$p"; done',
  'b=$(command -v bazel) && pkg=$(dpkg-query -S "$(readlink -f "$b")" 2>/dev/null | cut -d: -f1) && [ -n "$pkg" ] && printf "bazelpkg\\t%s\\n" "$(dpkg-query -W -f=\'${Version}\' "$pkg")"',
  'for c in /usr/local/cuda-*; do [ -x "$c/bin/nvcc" ] && printf "cuda\\t%s\\n" "$c"; done',
  // cuDNN as TensorFlow 1.x's configure looks for it: inside a CUDA tree (install-cuda.sh links it there), else /usr.
  'for c in /usr/local/cuda-* /usr/local/cuda /usr; do [ -e "$c/include/cudnn.h" ] && printf "cudnnroot\\t%s\\n" "$c"; done',
  'true',
].join('\n');

interface Listing {
  distro: { id: string; versionId: string; name: string } | null;
  bins: string[];
  tools: Record<string, string>;
  bazelPackage: string | null;
  cudaRoots: string[];
  cudnnRoots: string[];
}

export function parseListing(stdout: string): Listing {
  const l: Listing = { distro: null, bins: [], tools: {}, bazelPackage: null, cudaRoots: [], cudnnRoots: [] };
  for (const line of stdout.split('\n')) {
    const [k, a = '', b = '', c = ''] = line.split('\t');
    if (k === 'os' && a) l.distro = { id: a, versionId: b, name: c };
    else if (k === 'bin') l.bins.push(a);
    else if (k === 'tool') l.tools[a] = b;
    else if (k === 'bazelpkg' && a) l.bazelPackage = a;
    else if (k === 'cuda') l.cudaRoots.push(a);
    else if (k === 'cudnnroot') l.cudnnRoots.push(a);
  }
  return l;
}

async function ask(x: Exec, cmd: string, args: string[]): Promise<string | null> {
  const r = await x.run({ cmd, args, effect: 'read', timeout: 20_000, reject: false, title: `${cmd} ${args.join(' ')}`, tailLines: 5 });
  return r.exitCode === 0 ? `${r.stdout}\n${r.stderr}`.trim() : null;
}

/**
 * Probes the toolchain inside the build container with `x`, withContainerExecutor's runner. The declared facts are
 * the fallback for what cannot be read (cuDNN's version). Python answers of the host are forgotten first (the
 * same path names another interpreter in there) and again afterwards, by the caller, when it leaves.
 */
export async function probeImageFacts(declared: HostFacts, x: Exec): Promise<{ facts: HostFacts; problems: string[] }> {
  forgetPythonInfo();
  const quick = { timeoutMs: 20_000, env: {}, exec: x };
  const problems: string[] = [];
  const listed = await x.run({ cmd: 'sh', args: ['-c', LIST_SCRIPT], effect: 'read', timeout: 30_000, title: 'list the image toolchain' });
  const l = parseListing(listed.stdout);
  const bins = new Set(l.bins);

  const pythonPaths = l.bins.filter((p) => /^python3(\.\d+)?$/.test(basename(p)) && p.startsWith('/usr/bin/'));
  const pythons: PythonFacts[] = [];
  for (const p of pythonPaths) {
    try {
      pythons.push(await probePythonInterpreter(p, p, p, quick));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  // python3 first, as the declaration and the host probe order them.
  pythons.sort((a, b) => Number(basename(b.path) === 'python3') - Number(basename(a.path) === 'python3'));

  const compilers: CompilerFacts[] = [];
  for (const p of l.bins) {
    const name = basename(p);
    const kind = GCC_NAME.test(name) ? 'gcc' : CLANG_NAME.test(name) ? 'clang' : null;
    if (kind === null) continue;
    try {
      const version = await readCompilerVersion(kind, p, quick);
      const cxx = p.replace(/\/gcc(-[\d.]+)?$/, '/g++$1').replace(/\/clang(-[\d.]+)?$/, '/clang++$1');
      compilers.push({ kind, version, path: p, cxxPath: bins.has(cxx) ? cxx : null });
    } catch (e) {
      problems.push((e as Error).message);
    }
  }

  let bazel: HostFacts['bazel'] = null;
  if (l.tools.bazel) {
    const raw = await ask(x, l.tools.bazel, ['--version']);
    const v = raw === null ? null : parseBazelVersion(raw);
    if (raw !== null && v !== null) {
      bazel = { kind: 'bazel', path: l.tools.bazel, version: v.version, unknownRelease: v.unknownRelease, raw };
      if (v.unknownRelease) bazel.packageRelease = l.bazelPackage?.split(/[+~-]/)[0] ?? null;
    } else problems.push(`${l.tools.bazel} --version gave no bazel release`);
  }
  const gitRaw = l.tools.git ? await ask(x, l.tools.git, ['--version']) : null;
  const javaRaw = l.tools.java ? await ask(x, l.tools.java, ['-version']) : null;
  const javaVersion = javaRaw === null ? null : parseJavaVersion(javaRaw);
  const cuda = declared.cuda.filter((c) => l.cudaRoots.includes(c.path));

  return {
    facts: {
      ...declared,
      probedAt: new Date().toISOString(),
      os: { ...declared.os, distro: l.distro ? { ...l.distro, like: [] } : declared.os.distro },
      pythons,
      compilers,
      bazel,
      git: l.tools.git ? { path: l.tools.git, version: gitRaw === null ? null : parseGitVersion(gitRaw), ...(gitRaw ? { raw: gitRaw } : {}) } : null,
      java: l.tools.java && javaVersion ? { path: l.tools.java, version: javaVersion, major: parseJavaMajor(javaVersion) } : null,
      cuda,
      // The declared version; where it is, as listed (the CUDA root first, as the host probe orders them).
      cudnn: cuda.length > 0 && declared.cudnn && l.cudnnRoots.length > 0
        ? { ...declared.cudnn, path: l.cudnnRoots[0]!, header: `${l.cudnnRoots[0]!}/include/cudnn.h`, inCudaLib64: l.cudnnRoots[0] !== '/usr' }
        : null,
      problems: problems.map((message) => ({ probe: 'image', message })),
    },
    problems,
  };
}
