// The entry point nx.json names. Nx loads a TypeScript plugin with whatever the running Node offers
// (its own type stripping on Node 22.18+ and 24, swc on Node 20), so the same sources would load two
// different ways. This file is plain CommonJS, which every Node loads the same way, and it compiles
// the plugin's sources with tsx, the one loader the workspace uses outside vitest and the esbuild
// bundles.
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = tsxRequire('./src/index.ts', __filename);
