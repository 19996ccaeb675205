import { commandHelp, parseCommandArgs, unknownCommand } from './command.js';
import { overview } from './commands/help.js';
import { commandNames, loadCommand } from './commands/index.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { cliVersion } from './version.js';

export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3 } as const;

/** Run `bakery <argv>` against `io`; returns the exit code and never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h') {
      io.stdout.write(await overview());
      return EXIT.ok;
    }
    if (name === '--version' || name === '-v') {
      io.stdout.write(`${cliVersion()}\n`);
      return EXIT.ok;
    }
    const command = await loadCommand(name);
    if (!command) throw unknownCommand(name, commandNames());
    const args = parseCommandArgs(command, rest);
    if (args.help) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run({ values: args.values, positionals: args.positionals }, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`bakery: ${error.message}\n`);
      return EXIT.usage;
    }
    const detail = io.env.BAKERY_DEBUG ? (error instanceof Error ? (error.stack ?? error.message) : String(error)) : describe(error);
    io.stderr.write(
      `bakery: internal error: ${detail}\nThis is a defect in bakery, not in your input; set BAKERY_DEBUG=1 for the stack trace.\n`,
    );
    return EXIT.internal;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
