import { fileURLToPath } from 'node:url';
import type { Io } from '../src/index.js';
import { main } from '../src/index.js';

export const WORKSPACE = fileURLToPath(new URL('./fixtures/workspace/', import.meta.url)).replace(/\/$/, '');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `bakery <argv>` in-process with captured output; colours off unless the env asks. */
export async function bakery(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; tty?: boolean } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (stderr += text) },
    cwd: options.cwd ?? WORKSPACE,
    env: options.env ?? {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** `file:line:column ruleId` of every match in `--format json` output, the shape tests compare. */
export function located(jsonOutput: string): string[] {
  const matches = JSON.parse(jsonOutput) as Array<{
    Filename: string;
    Location: { Start: { LineNumber: number; ColumnNumber: number } };
    Rule: { Id: string };
  }>;
  return matches.map((m) => `${m.Filename}:${m.Location.Start.LineNumber}:${m.Location.Start.ColumnNumber} ${m.Rule.Id}`);
}
