/**
 * The shape of a command and its strict argument parser. A command declares its options once;
 * the same declaration drives parsing, typing of `args.values` and the help text.
 */
import { parseArgs } from 'node:util';
import { closest } from '@ami-bakery/recipe-schema';
import { UsageError } from './errors.js';
import type { Io } from './io.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder in help, e.g. `FILE`. */
  valueName?: string;
  description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type Scalar<T> = T extends 'boolean' ? boolean : string;
/** Distributes over unions so the erased `OptionSpecs` yields every possible value type. */
type ValueOf<S extends OptionSpec> = S['type'] extends infer T
  ? S['multiple'] extends infer M
    ? M extends true
      ? Scalar<T>[]
      : Scalar<T>
    : never
  : never;

export interface ParsedArgs<O extends OptionSpecs = OptionSpecs> {
  values: { [K in keyof O]?: ValueOf<O[K]> };
  positionals: string[];
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** One line for `bakery help`. */
  summary: string;
  /** Synopsis, e.g. `bakery validate [PATH...] [options]`. */
  usage: string;
  /** Paragraphs shown by `bakery <name> --help` between the summary and the options. */
  details?: string;
  options: O;
  /** Returns the exit code: 0 success, 1 findings or failure the user must fix, 2 usage error. */
  run(args: ParsedArgs<O>, io: Io): Promise<number> | number;
}

/** Keeps each command's option types while letting the registry hold commands of any options. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command {
  return command as unknown as Command;
}

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'Show this help.' };

/** Parse a command's arguments strictly; a mistake becomes a one-line `UsageError`. */
export function parseCommandArgs(command: Command, argv: readonly string[]): ParsedArgs & { help: boolean } {
  const specs: OptionSpecs = { ...command.options, help: HELP_OPTION };
  const config = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: true });
    const { help, ...rest } = values as Record<string, string | boolean | (string | boolean)[] | undefined>;
    return { values: rest, positionals, help: help === true };
  } catch (cause) {
    throw new UsageError(`${describeParseError(cause, Object.keys(specs))}. Run 'bakery ${command.name} --help'.`, { cause });
  }
}

function describeParseError(cause: unknown, known: readonly string[]): string {
  const error = cause as { code?: string; message?: string };
  const message = error.message ?? String(cause);
  const option = /'(?:-\w, )?(-[^'\s,]+)/.exec(message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const given = option ?? message;
      const best = given.startsWith('--') ? closest(given.slice(2), known) : undefined;
      return `unknown option '${given}'${best ? ` (did you mean '--${best}'?)` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(message) ? `option '${option}' takes no value` : `option '${option}' needs a value`;
    default:
      return (message.split('\n')[0] ?? message).replace(/\.$/, '');
  }
}

/** Help text of one command, built from its declaration. */
export function commandHelp(command: Command): string {
  const specs: OptionSpecs = { ...command.options, help: HELP_OPTION };
  const rows = Object.entries(specs).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    return [flag, spec.description] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary,
    '',
    ...(command.details ? [command.details.trimEnd(), ''] : []),
    'Options:',
    ...rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
    '',
  ].join('\n');
}

/** The usage error for a command name that does not exist, naming the closest one. */
export function unknownCommand(name: string, known: readonly string[]): UsageError {
  const best = closest(name, known);
  return new UsageError(`unknown command '${name}'.${best ? ` Did you mean 'bakery ${best}'?` : ''} Run 'bakery help' for the list.`);
}
