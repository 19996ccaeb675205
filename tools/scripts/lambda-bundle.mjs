// How every Lambda of the bakery is bundled with esbuild (the bootstrap Lambda, the deployer, the
// image-events function): one ESM file for the nodejs24.x runtime the stacks declare, with the AWS
// SDK bundled, not taken from the runtime: the version the tests ran against is the one that runs,
// and one pre-bundled file loads faster than resolving the runtime's node_modules (bench/lambda).
export const LAMBDA_BUNDLE_OPTIONS = Object.freeze({
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  sourcemap: 'external',
  legalComments: 'none',
  mainFields: ['module', 'main'],
  // Some SDK dependencies still call require() on Node built-ins; ESM output needs a real one.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
});
