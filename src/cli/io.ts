/** Where a command writes: stdout for results (plans, JSON), stderr for human text. Tests pass their own. */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}
