/**
 * Content-matched edit of a bazel archive block: find the call whose arguments contain `name = "<archive>"`, then
 * its `urls = [...]` list, and add URLs after the existing ones. The sha256 is never touched, so bazel still
 * refuses any tarball that is not byte-identical. Pure: text in, text out.
 */
export type ArchiveEdit =
  | { status: 'applies'; text: string }
  | { status: 'already-applied' }
  | { status: 'conflict'; reason: string };

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** [start, end) of the parenthesised call containing index `at`, skipping string literals. */
function findEnclosingCall(text: string, at: number): [number, number] | null {
  let depth = 0;
  let start = -1;
  for (let i = at; i >= 0; i--) {
    const c = text[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) {
        start = i;
        break;
      }
      depth--;
    }
  }
  if (start < 0) return null;
  depth = 0;
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return [start, i + 1];
    }
  }
  return null;
}

export function editArchiveUrls(text: string, archive: string, addUrls: readonly string[]): ArchiveEdit {
  const nameRe = new RegExp(`name\\s*=\\s*["']${escapeRe(archive)}["']`, 'g');
  const hits = [...text.matchAll(nameRe)];
  if (hits.length === 0) return { status: 'conflict', reason: `no archive block with name = "${archive}"` };
  if (hits.length > 1) return { status: 'conflict', reason: `${hits.length} archive blocks named "${archive}"` };
  const call = findEnclosingCall(text, hits[0]!.index!);
  if (!call) return { status: 'conflict', reason: `the "${archive}" block is not inside a call` };
  const block = text.slice(call[0], call[1]);
  const missing = addUrls.filter((u) => !block.includes(`"${u}"`));
  if (missing.length === 0) return { status: 'already-applied' };

  const list = /(\n?)([ \t]*)urls\s*=\s*\[([\s\S]*?)\]/.exec(block);
  if (!list) {
    const single = /([ \t]*)url\s*=\s*("[^"]*")\s*,/.exec(block);
    if (!single) return { status: 'conflict', reason: `the "${archive}" block has no urls = [...] list` };
    const ind = single[1] ?? '';
    const rebuilt = `${ind}urls = [\n${[single[2], ...missing.map((u) => `"${u}"`)].map((u) => `${ind}    ${u},`).join('\n')}\n${ind}],`;
    const nb = block.slice(0, single.index) + rebuilt + block.slice(single.index + single[0].length);
    return { status: 'applies', text: text.slice(0, call[0]) + nb + text.slice(call[1]) };
  }
  const body = list[3] ?? '';
  const entries = [...body.matchAll(/^([ \t]*)"[^"]*"\s*,?[ \t]*$/gm)];
  const listStart = list.index + list[0].indexOf('[') + 1;
  let newBody: string;
  const last = entries[entries.length - 1];
  if (last && body.includes('\n')) {
    // Multi-line list: one URL per line with the indentation of the existing entries.
    const indent = last[1] ?? '';
    const lastEnd = last.index! + last[0].length;
    const lastLine = last[0].trimEnd();
    const withComma = lastLine.endsWith(',') ? last[0] : last[0].replace(/("[^"]*")/, '$1,');
    newBody = body.slice(0, last.index) + withComma + missing.map((u) => `\n${indent}"${u}",`).join('') + body.slice(lastEnd);
  } else {
    const trimmed = body.trim().replace(/,\s*$/, '');
    newBody = [trimmed, ...missing.map((u) => `"${u}"`)].filter((s) => s !== '').join(', ');
  }
  const nb = block.slice(0, listStart) + newBody + block.slice(listStart + body.length);
  return { status: 'applies', text: text.slice(0, call[0]) + nb + text.slice(call[1]) };
}
