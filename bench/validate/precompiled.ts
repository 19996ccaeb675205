/**
 * Prototype for the cold-start question: how long would loading precompiled validators take,
 * compared with compiling the schemas at start-up? Uses ajv's standalone code generation with the
 * options the schema package compiles with.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// ajv is a dependency of the schema package, not of the workspace root.
const requireFromSchema = createRequire(new URL('../../packages/recipe-schema/package.json', import.meta.url));
interface AjvLike {
  addVocabulary(keywords: string[]): unknown;
  addSchema(schema: object): unknown;
}
const { Ajv } = requireFromSchema('ajv') as { Ajv: new (options: object) => AjvLike };
const standaloneCode = (requireFromSchema('ajv/dist/standalone') as { default: (ajv: unknown, refs: Record<string, string>) => string })
  .default;

/** Writes the standalone module into `dir` and returns how long importing it takes. */
export async function precompiledLoadMs(dir: string): Promise<number> {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true, code: { source: true, esm: true } });
  ajv.addVocabulary(['x-fix', 'markdownDescription']);
  const refs: Record<string, string> = {};
  for (const name of ['recipe', 'component']) {
    const schema = JSON.parse(
      readFileSync(new URL(`../../packages/recipe-schema/schemas/${name}.schema.json`, import.meta.url), 'utf8'),
    ) as { $id: string };
    ajv.addSchema(schema);
    refs[name] = schema.$id;
  }
  const file = path.join(dir, 'validators.mjs');
  // The generated code imports ajv's runtime helpers by package name; resolve them from the schema package.
  const code = standaloneCode(ajv, refs).replace(
    /require\("(ajv\/[^"]+)"\)/g,
    (_m, id: string) => `__req(${JSON.stringify(requireFromSchema.resolve(id))})`,
  );
  writeFileSync(file, `import { createRequire } from 'node:module';\nconst __req = createRequire(import.meta.url);\n${code}`);
  const started = performance.now();
  const module = (await import(pathToFileURL(file).href)) as Record<string, (data: unknown) => boolean>;
  const elapsed = performance.now() - started;
  if (typeof module.recipe !== 'function' || module.recipe({}) !== false) throw new Error('precompiled recipe validator does not work');
  return elapsed;
}
