// Preloaded with `--import` (NODE_OPTIONS, so every child Node process has it too) by the runtime
// entry point test: records each TypeScript file that Node loads with its own type stripping
// (Node 22.18+ and 24 do that for a `.ts` file nothing else compiled), one line per file in the
// file named by BAKERY_NATIVE_TS_LOG: `<pid> <format> <url>`. Files tsx or esbuild compiled never
// reach Node as TypeScript and are not recorded.
//
// The hook only observes; it changes nothing about how a file loads. On a Node without
// `module.registerHooks` (20, which cannot load TypeScript at all) it does nothing.
import { appendFileSync } from 'node:fs';
import module from 'node:module';

const log = process.env.BAKERY_NATIVE_TS_LOG;

if (log && typeof module.registerHooks === 'function') {
  module.registerHooks({
    load(url, context, nextLoad) {
      const result = nextLoad(url, context);
      // 'module-typescript' and 'commonjs-typescript' from import, 'typescript' from require().
      const format = String(result.format ?? context.format ?? '');
      if (format.includes('typescript')) appendFileSync(log, `${process.pid} ${format} ${url}\n`);
      return result;
    },
  });
}
