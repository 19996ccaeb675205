#!/usr/bin/env node
import { processIo } from './io.js';
import { main } from './main.js';
import { installStopHandlers } from './signals.js';

installStopHandlers();

// exitCode rather than exit(): pending stdout writes to a pipe must flush first.
process.exitCode = await main(process.argv.slice(2), processIo());
