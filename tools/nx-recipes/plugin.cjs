// The entry point nx.json names. Nx loads a TypeScript plugin with whatever the running Node offers
// (its own type stripping on Node 22.18+ and 24, swc on Node 20), so the same sources would load two
// different ways. This file is plain CommonJS, which every Node loads the same way, and it compiles
// the plugin's sources with tsx, the one loader the workspace uses outside vitest and the esbuild
// bundles.
//
// The loader is registered only while the plugin loads and removed after: Nx runs plugins in its own
// process (.env: NX_ISOLATE_PLUGINS=false), and a hook left behind would rewrite how Nx itself
// resolves the modules it starts tasks with.
const { register } = require('tsx/cjs/api');

const unregister = register();
try {
  module.exports = require('./src/index.ts');
} finally {
  unregister();
}
