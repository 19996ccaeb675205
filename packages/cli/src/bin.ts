#!/usr/bin/env node
import { processIo } from './io.js';
import { main } from './main.js';
import { quietAwsSdkNodeWarning } from './node-support.js';
import { installStopHandlers } from './signals.js';

// A signal stops cfn-lint's process group and removes temporary folders before the process ends.
installStopHandlers();
// `bakery doctor` tells about an end-of-life Node.js, once; no command repeats the SDK's notice.
quietAwsSdkNodeWarning();
// exitCode rather than exit(): pending stdout writes to a pipe must flush first.
process.exitCode = await main(process.argv.slice(2), processIo());
