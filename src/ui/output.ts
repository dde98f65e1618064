/** Output mode helpers: colour (honours NO_COLOR / FORCE_COLOR), JSON printing. Interactivity: prompts.ts getPromptContext. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
export type Color = keyof typeof codes;

export function paint(on: boolean, color: Color, s: string): string {
  return on ? `\u001b[${codes[color]}m${s}\u001b[0m` : s;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
