/**
 * Splits a byte stream into lines with a hard cap on line length. node:readline would do the splitting, but it
 * buffers a line until its newline arrives, so one newline-free multi-GB blob (a binary or a minified file cat'ed
 * into a log) would be held whole; here the excess of an over-long line is dropped as it streams past.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** Characters kept of one line; the rest of that line is skipped. Real log lines are far shorter. */
export const MAX_LINE_CHARS = 1 << 20;

/** Calls onLine for every line of the stream (without "\n"; a trailing "\r" is removed). */
export async function forEachLine(stream: Readable, onLine: (line: string) => void): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let skipping = false;

  const emit = (line: string): void => {
    onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  };

  const take = (text: string): void => {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      if (skipping) {
        skipping = false;
      } else {
        emit(partial + text.slice(start, nl));
      }
      partial = '';
      start = nl + 1;
    }
    if (skipping) return;
    partial += text.slice(start);
    if (partial.length > MAX_LINE_CHARS) {
      emit(partial.slice(0, MAX_LINE_CHARS));
      partial = '';
      skipping = true;
    }
  };

  for await (const chunk of stream) {
    take(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
  }
  take(decoder.end());
  if (!skipping && partial.length > 0) emit(partial);
}
