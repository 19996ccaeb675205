/**
 * Bundles the CLI into one ES module (`dist/bakery.mjs`) so it starts without a TypeScript loader,
 * and lists the files it was built from (`dist/bakery.inputs.json`) so `bin/bakery.mjs` can tell
 * when it is stale. The schema package reads its JSON Schemas relative to its own source file; the
 * bundle keeps those paths pointing into the checkout, so a bundle belongs to the checkout it was
 * built in.
 *
 *   pnpm exec tsx packages/cli/scripts/build-bin.ts
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { writeFileAtomic } from '../src/write.js';

export const BIN_ENTRY = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
export const BIN_BUNDLE = fileURLToPath(new URL('../dist/bakery.mjs', import.meta.url));
const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Freeze `import.meta.url` in workspace sources that read files next to themselves. */
const keepSourceUrls: Plugin = {
  name: 'keep-source-urls',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

export async function buildBin(outfile = BIN_BUNDLE): Promise<string> {
  const result = await build({
    entryPoints: [BIN_ENTRY],
    outfile,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Bundled CommonJS dependencies (ajv) call require(); give the ES module one.
    banner: { js: "import { createRequire as __bakeryRequire } from 'node:module'; const require = __bakeryRequire(import.meta.url);" },
    plugins: [keepSourceUrls],
    logLevel: 'warning',
    legalComments: 'none',
  });
  // Dependencies change through the lockfile; workspace sources are listed one by one.
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes('node_modules'))
    .map((input) => path.resolve(process.cwd(), input))
    .concat(path.join(WORKSPACE_ROOT, 'pnpm-lock.yaml'))
    .sort();
  // Several tasks may rebuild at once; each rename is atomic, so no reader sees a torn file.
  for (const file of result.outputFiles) writeFileAtomic(file.path, file.text);
  writeFileAtomic(outfile.replace(/\.mjs$/, '.inputs.json'), `${JSON.stringify({ inputs }, null, 2)}\n`);
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(await buildBin());
}
