import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LambdaCodeMissingError } from './errors.js';

/** The esbuild output of control-plane/bootstrap-lambda: `index.mjs` exports `handler`. */
const DEFAULT_LAMBDA_CODE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bootstrap-lambda/dist');
const LAMBDA_HANDLER = 'index.handler';
const LAMBDA_ENTRY_FILE = 'index.mjs';

/** Returns the absolute bundle folder, or throws a message that says how to build it. */
function resolveLambdaCodeDir(codeDir: string = DEFAULT_LAMBDA_CODE_DIR): string {
  const dir = path.resolve(codeDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new LambdaCodeMissingError(dir, 'the folder does not exist');
  if (!existsSync(path.join(dir, LAMBDA_ENTRY_FILE))) throw new LambdaCodeMissingError(dir, `${LAMBDA_ENTRY_FILE} is not there`);
  return dir;
}

export { DEFAULT_LAMBDA_CODE_DIR, LAMBDA_ENTRY_FILE, LAMBDA_HANDLER, resolveLambdaCodeDir };
