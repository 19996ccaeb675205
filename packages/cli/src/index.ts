export {
  type Command,
  commandHelp,
  defineCommand,
  type OptionSpec,
  type OptionSpecs,
  type ParsedArgs,
  parseCommandArgs,
} from './command.js';
export { commandNames, loadCommand } from './commands/index.js';
export { CliError, OutputWriteError, UsageError } from './errors.js';
export { type Input, resolveInputs } from './inputs.js';
export { type Io, processIo, wantsColor } from './io.js';
export { EXIT, main } from './main.js';
export { findWorkspaceRoot, workspaceRecipes } from './workspace.js';
export { writeFileAtomic } from './write.js';
