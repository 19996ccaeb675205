// Builds the CLI bundle the launcher (bakery.mjs) runs: `dist/bakery.mjs` plus its lazily loaded
// chunks, with esbuild's API in this process, and `dist/bakery.meta.json` listing every file the
// bundle was built from, so the launcher can tell when it is stale without building.
//
// Plain JavaScript: it must run before anything can compile TypeScript.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));
const WORKSPACE_ROOT = path.resolve(CLI_DIR, '../..');
const SCHEMA_DIR = path.join(WORKSPACE_ROOT, 'packages/recipe-schema');
const SCHEMA_VALIDATOR = path.join(SCHEMA_DIR, 'src/schema-validator.ts');
export const DIST = path.join(CLI_DIR, 'dist');
export const ENTRY = 'bakery.mjs';
export const META = 'bakery.meta.json';
/** Chunks a running process may still load are kept this long after a rebuild replaced them. */
const CHUNK_GRACE_MS = 10 * 60 * 1000;

// Bundled CommonJS dependencies (ajv) call require(); give each ES module one.
const BANNER = "import { createRequire as __bakeryRequire } from 'node:module'; const require = __bakeryRequire(import.meta.url);";

/**
 * Workspace sources that read files next to themselves (the JSON Schemas, the CLI's
 * package.json, the CloudFormation spec cache) keep their own location: a bundle belongs to the
 * checkout it was built in, and dist/ is never committed.
 */
const keepSourceUrls = {
  name: 'keep-source-urls',
  setup(builder) {
    builder.onLoad({ filter: /[\\/](?:packages|control-plane)[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

/**
 * The two schema validators as ajv standalone code, generated with the schema package's own
 * `newAjv`, so the bundle validates exactly as the sources do without compiling at start-up.
 * Returns the module text, or throws.
 */
async function precompiledValidators(esbuild, scratch) {
  const generator = await esbuild.build({
    stdin: {
      contents: [
        `import { newAjv, SCHEMA_FILES } from ${JSON.stringify(SCHEMA_VALIDATOR)};`,
        "import standaloneCode from 'ajv/dist/standalone/index.js';",
        "import { readFileSync } from 'node:fs';",
        'export function generate() {',
        '  const ajv = newAjv({ code: { source: true, esm: true } });',
        '  const refs = {};',
        '  for (const [name, url] of Object.entries(SCHEMA_FILES)) {',
        "    const schema = JSON.parse(readFileSync(url, 'utf8'));",
        '    ajv.addSchema(schema);',
        '    refs[name] = schema.$id;',
        '  }',
        '  return { code: standaloneCode.default ? standaloneCode.default(ajv, refs) : standaloneCode(ajv, refs), names: Object.keys(refs) };',
        '}',
      ].join('\n'),
      resolveDir: path.dirname(SCHEMA_VALIDATOR),
      sourcefile: 'precompile-validators.ts',
      loader: 'ts',
    },
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: BANNER },
    plugins: [keepSourceUrls],
    logLevel: 'silent',
  });
  const runner = path.join(scratch, 'precompile-validators.mjs');
  writeFileSync(runner, generator.outputFiles[0].text);
  const { code, names } = (await import(pathToFileURL(runner).href)).generate();
  // The generated code requires ajv's runtime helpers by package name; the bundle resolves them
  // from the schema package, which depends on ajv (the CLI does not).
  const fromSchema = createRequire(path.join(SCHEMA_DIR, 'package.json'));
  const resolved = code.replace(/require\("(ajv\/[^"]+)"\)/g, (_match, id) => `require(${JSON.stringify(fromSchema.resolve(id))})`);
  return `${resolved}\nexport const __bakeryPrecompiledValidators = { ${names.join(', ')} };\n`;
}

/**
 * Builds into `outDir` (default packages/cli/dist). Every file is written through a temporary
 * name and renamed, and chunk names carry a content hash, so processes starting while another
 * one rebuilds always load a complete bundle. Returns the meta data written.
 */
export async function buildBundle({ outDir = DIST, precompile = true, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const startedAt = Date.now();
  const esbuild = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  const scratch = path.join(outDir, `.build-${process.pid}-${startedAt}`);
  mkdirSync(scratch, { recursive: true });
  try {
    const inject = [];
    const extraInputs = [];
    if (precompile) {
      try {
        const validators = path.join(scratch, 'validators.mjs');
        writeFileSync(validators, await precompiledValidators(esbuild, scratch));
        inject.push(validators);
        extraInputs.push(
          path.join(SCHEMA_DIR, 'schemas/recipe.schema.json'),
          path.join(SCHEMA_DIR, 'schemas/component.schema.json'),
          path.join(SCHEMA_DIR, 'schemas/catalog.schema.json'),
        );
      } catch (error) {
        log(
          `bakery: building without precompiled schema validators (${error instanceof Error ? error.message.split('\n')[0] : error}); start-up is slower.`,
        );
      }
    }
    const result = await esbuild.build({
      entryPoints: { bakery: path.join(CLI_DIR, 'src/bin.ts') },
      outdir: outDir,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      write: false,
      metafile: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      inject,
      // The schema package reads this global; the injected module provides the binding.
      define: inject.length > 0 ? { 'globalThis.__bakeryPrecompiledValidators': '__bakeryPrecompiledValidators' } : {},
      // Loaded at run time from the workspace when needed (CDK, and tsx to compile it).
      external: ['@ami-bakery/bakery-stack', 'tsx', 'tsx/*'],
      banner: { js: BANNER },
      plugins: [keepSourceUrls],
      logLevel: 'silent',
      legalComments: 'none',
    });
    // Dependencies change through the lockfile; workspace sources are listed one by one.
    const inputs = [
      ...Object.keys(result.metafile.inputs)
        .map((input) => path.resolve(process.cwd(), input))
        .filter((input) => !input.includes(`${path.sep}node_modules${path.sep}`) && !input.startsWith(scratch)),
      ...extraInputs,
      path.join(WORKSPACE_ROOT, 'pnpm-lock.yaml'),
      fileURLToPath(import.meta.url),
    ];
    const outputs = [];
    // Chunks first: the entry that imports them appears last.
    const files = [...result.outputFiles].sort((a, b) => Number(path.basename(a.path) === ENTRY) - Number(path.basename(b.path) === ENTRY));
    for (const file of files) {
      writeAtomic(file.path, file.contents);
      outputs.push(path.relative(outDir, file.path));
    }
    const entry = path.join(outDir, ENTRY);
    // The bundle's time is when the build started: a source saved during the build is newer.
    const builtAt = new Date(startedAt);
    utimesSync(entry, builtAt, builtAt);
    const meta = {
      builtAt: startedAt,
      entryMtimeMs: statSync(entry).mtimeMs,
      precompiledValidators: inject.length > 0,
      outputs: outputs.sort(),
      inputs: [...new Set(inputs)].sort(),
    };
    writeAtomic(path.join(outDir, META), `${JSON.stringify(meta, null, 2)}\n`);
    removeOldChunks(outDir, new Set(outputs));
    return meta;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Is the bundle in `outDir` missing, or older than a file it was built from? */
export function isStale(outDir = DIST) {
  try {
    const meta = JSON.parse(readFileSync(path.join(outDir, META), 'utf8'));
    // Another tool rewrote the entry: its inputs are unknown.
    if (statSync(path.join(outDir, ENTRY)).mtimeMs !== meta.entryMtimeMs) return true;
    for (const output of meta.outputs) statSync(path.join(outDir, output));
    return meta.inputs.some((input) => statSync(input).mtimeMs > meta.builtAt);
  } catch {
    // Never built, an output or a source gone, or unreadable meta data: build.
    return true;
  }
}

function writeAtomic(file, contents) {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${createHash('sha1').update(String(Math.random())).digest('hex').slice(0, 8)}.tmp`;
  try {
    writeFileSync(temp, contents);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function removeOldChunks(outDir, keep) {
  const dir = path.join(outDir, 'chunks');
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    if (keep.has(path.join('chunks', name))) continue;
    try {
      if (Date.now() - statSync(file).mtimeMs > CHUNK_GRACE_MS) rmSync(file, { force: true });
    } catch {
      // removed by a concurrent build
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const meta = await buildBundle();
  process.stdout.write(
    `${path.join(DIST, ENTRY)} (${meta.outputs.length} files, ${meta.inputs.length} inputs, precompiled validators: ${meta.precompiledValidators ? 'yes' : 'no'})\n`,
  );
}
