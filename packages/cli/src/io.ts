/** Everything a command touches outside its arguments, injected so commands run in-process in tests. */
export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /** Folder relative paths are resolved against and findings are shown relative to. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/** Colours follow the NO_COLOR / FORCE_COLOR conventions, else whether stdout is a terminal. */
export function wantsColor(io: Io): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined) return io.env.FORCE_COLOR !== '0' && io.env.FORCE_COLOR !== 'false';
  return io.stdout.isTTY === true;
}
