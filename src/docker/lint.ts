/**
 * A small Dockerfile parser and rule set, after hadolint's rules that matter for reproducible build images
 * (DL3000 absolute WORKDIR, DL3004 no sudo, DL3006/DL3007 tagged base, DL3008-style pinning for NVIDIA
 * packages, DL3014/DL3015 apt -y and --no-install-recommends, DL3020 COPY over ADD, DL3025 JSON ENTRYPOINT/CMD)
 * plus tfbuild's own: every download is checked against a sha256. Pure: text in, findings out.
 */
export const INSTRUCTIONS = [
  'FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG',
  'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'MAINTAINER',
] as const;
export type Keyword = (typeof INSTRUCTIONS)[number];

export interface Instruction {
  keyword: Keyword;
  /** Arguments with line continuations joined. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
}

export interface Finding {
  rule: string;
  line: number;
  message: string;
}

export function parseDockerfile(text: string): { instructions: Instruction[]; errors: Finding[] } {
  const instructions: Instruction[] = [];
  const errors: Finding[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const start = i + 1;
    let body = trimmed;
    while (body.endsWith('\\')) {
      body = body.slice(0, -1);
      i++;
      if (i >= lines.length) {
        errors.push({ rule: 'parse', line: start, message: 'line continuation at end of file' });
        break;
      }
      const next = (lines[i] ?? '').trim();
      if (next.startsWith('#')) continue;
      body += ' ' + next;
    }
    const m = /^(\S+)\s*(.*)$/.exec(body);
    const word = (m?.[1] ?? '').toUpperCase();
    if (!(INSTRUCTIONS as readonly string[]).includes(word)) {
      errors.push({ rule: 'parse', line: start, message: `unknown instruction "${m?.[1] ?? body}"` });
      continue;
    }
    instructions.push({ keyword: word as Keyword, args: (m?.[2] ?? '').trim(), line: start });
  }
  return { instructions, errors };
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Downloads in a shell text that are not checked: a curl/wget with no `sha256sum -c` in the same text. */
export function findUncheckedDownloads(shell: string): string[] {
  // A command word, not a package name in an apt list: at the start, or after ; && || | ( then do, or an assignment.
  const downloads = [...shell.matchAll(/(?:^|[;&|(]|\bthen\b|\bdo\b|\$\(|=)\s*((?:curl|wget)\b[^\n;&|]*)/gm)].map((m) => (m[1] ?? '').trim());
  if (downloads.length === 0) return [];
  return /sha256sum\s+(-c|--check)/.test(shell) ? [] : downloads;
}

/** `apt-get install` lines that lack -y or --no-install-recommends. */
export function findLooseAptInstalls(shell: string): string[] {
  return (shell.match(/apt-get\s+install[^\n;&|]*/g) ?? []).filter((l) => !/\s-y\b/.test(l) || !l.includes('--no-install-recommends'));
}

/** Package arguments (after the two positional ones) that are not `name=version`. */
export function findUnpinnedPackages(pkgs: readonly string[]): string[] {
  return pkgs.filter((p) => p !== '--' && !/^[a-z0-9][a-z0-9+.-]*=[0-9][A-Za-z0-9.+~:-]*$/.test(p));
}

export interface LintOptions {
  /** Paths present in the build context (for COPY sources). */
  contextPaths?: readonly string[];
}

function argDefaults(ins: Instruction[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of ins) {
    if (i.keyword !== 'ARG') continue;
    const [name = '', ...rest] = i.args.split('=');
    out.set(name.trim(), rest.join('='));
  }
  return out;
}

export function lintDockerfile(text: string, opts: LintOptions = {}): Finding[] {
  const { instructions, errors } = parseDockerfile(text);
  const out: Finding[] = [...errors];
  const args = argDefaults(instructions);
  const first = instructions.find((i) => i.keyword !== 'ARG');
  if (!first || first.keyword !== 'FROM') out.push({ rule: 'DL3061', line: first?.line ?? 1, message: 'the first instruction after ARGs must be FROM' });
  for (const i of instructions) {
    switch (i.keyword) {
      case 'FROM': {
        const image = (i.args.split(/\s+/)[0] ?? '').replace(/^\$\{?(\w+)\}?$/, (_, n: string) => args.get(n) ?? '');
        if (image === '') out.push({ rule: 'DL3006', line: i.line, message: `FROM ${i.args}: the base image ARG has no default` });
        else if (!image.includes(':') && !image.includes('@')) out.push({ rule: 'DL3006', line: i.line, message: `FROM ${image}: tag the base image` });
        else if (image.endsWith(':latest')) out.push({ rule: 'DL3007', line: i.line, message: `FROM ${image}: pin a version, not latest` });
        break;
      }
      case 'ADD':
        out.push({ rule: 'DL3020', line: i.line, message: 'use COPY (ADD fetches URLs unchecked and unpacks archives)' });
        break;
      case 'WORKDIR':
        if (!i.args.startsWith('/') && !i.args.startsWith('$')) out.push({ rule: 'DL3000', line: i.line, message: 'WORKDIR must be absolute' });
        break;
      case 'ENTRYPOINT':
      case 'CMD':
        try {
          const v: unknown = JSON.parse(i.args);
          if (!Array.isArray(v)) throw new Error('not an array');
        } catch {
          out.push({ rule: 'DL3025', line: i.line, message: `${i.keyword} must use the JSON (exec) form so signals reach tfbuild` });
        }
        break;
      case 'RUN': {
        if (/\bsudo\b/.test(i.args)) out.push({ rule: 'DL3004', line: i.line, message: 'do not use sudo in RUN' });
        for (const d of findUncheckedDownloads(i.args)) out.push({ rule: 'TF001', line: i.line, message: `download without sha256 check: ${d}` });
        for (const a of findLooseAptInstalls(i.args)) out.push({ rule: 'DL3015', line: i.line, message: `apt-get install needs -y and --no-install-recommends: ${a}` });
        // install-cuda.sh CUDA_VERSION NVIDIA_REPO CUDNN_REPO PKG… -- PKG…
        const cuda = /install-cuda\.sh\s+(\S+)\s+(\S+)\s+(?:cuda|machine-learning)\s+(.*)$/.exec(i.args);
        if (cuda) {
          for (const p of findUnpinnedPackages((cuda[3] ?? '').split(/\s+/))) out.push({ rule: 'TF002', line: i.line, message: `NVIDIA package not pinned to a version: ${p}` });
        }
        break;
      }
      case 'COPY': {
        if (!opts.contextPaths) break;
        const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
        for (const src of parts.slice(0, -1)) {
          const s = src.replace(/\/$/, '');
          if (!opts.contextPaths.some((p) => p === s || p.startsWith(s + '/'))) out.push({ rule: 'TF003', line: i.line, message: `COPY source ${src} is not in the build context` });
        }
        break;
      }
      default:
        break;
    }
  }
  for (const [name, value] of args) {
    if (/SHA256$/.test(name) && value !== '' && !SHA256.test(value)) out.push({ rule: 'TF004', line: 1, message: `ARG ${name} is not a sha256: ${value}` });
  }
  return out;
}
