import { commandHelp, defineCommand, unknownCommand } from '../command.js';
import { UsageError } from '../errors.js';
import { commandNames, loadCommand } from './index.js';

export default defineCommand({
  name: 'help',
  summary: 'List the commands, or show the options of one.',
  usage: 'bakery help [COMMAND]',
  options: {},
  async run(args, io) {
    const [name, ...extra] = args.positionals;
    if (extra.length > 0) throw new UsageError(`help takes at most one command name, got: ${args.positionals.join(' ')}`);
    if (name !== undefined) {
      const command = await loadCommand(name);
      if (!command) throw unknownCommand(name, commandNames());
      io.stdout.write(commandHelp(command));
      return 0;
    }
    io.stdout.write(await overview());
    return 0;
  },
});

export async function overview(): Promise<string> {
  const commands = await Promise.all(commandNames().map(async (name) => (await loadCommand(name)) ?? { name, summary: '' }));
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: bakery <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'bakery <command> --help' for the options of a command.",
    'Exit codes: 0 no errors, 1 errors found, 2 usage error, 3 the tool itself failed.',
    '',
  ].join('\n');
}
