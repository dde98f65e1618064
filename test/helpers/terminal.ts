import { PassThrough } from 'node:stream';
import { expect } from 'vitest';
import type { PromptContext } from '../../src/ui/prompts.js';

export const DOWN = '\u001b[B';
export const ENTER = '\r';
export const SPACE = ' ';

/** A fake terminal: real inquirer prompts read keystrokes from `input` and render to `screen`. */
export function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  // Each inquirer prompt ends its output pipe when done; a real stdout ignores that, so must this one.
  output.end = (() => output) as typeof output.end;
  let screen = '';
  output.on('data', (d: Buffer) => (screen += d.toString()));
  const ctx: PromptContext = { interactive: true, input, output };
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
  return {
    ctx,
    screen: () => screen,
    /** Type keys, each after a short pause so the prompt has rendered. */
    async keys(...ks: string[]) {
      for (const k of ks) {
        await tick(20);
        input.write(k);
      }
    },
    /** Answer the next prompt once its question is on screen (the screen is cleared first). */
    async answer(question: string, ...ks: string[]) {
      for (let i = 0; i < 200 && !screen.includes(question); i++) await tick(10);
      expect(screen).toContain(question);
      screen = '';
      await this.keys(...ks);
    },
  };
}
