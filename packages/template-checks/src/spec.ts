/**
 * The CloudFormation resource specification the checks run against.
 *
 * Source: `@aws-cdk/aws-service-spec` (CDK's resource database, generated from the CloudFormation
 * registry schemas), read as raw JSON. Chosen over the WASM `@aws/cloudformation-validate` engine
 * bundled in aws-cdk-lib because:
 * - speed: that engine needs ~0.9 s to construct and ~7 ms per template, and it also emits
 *   noise (an I9001 "create-only" note per property); this database, slimmed and cached below,
 *   loads in tens of milliseconds and checking a template is well under a millisecond;
 * - control: the database gives types, `required`, `allowedValues` and GetAtt attribute names,
 *   which is exactly what RB5001-RB5006 need, and lets every check understand intrinsic functions
 *   and report paths our location module can place. The WASM engine misses a Ref to an unknown
 *   resource (cfn-lint's E1020) and reports no source positions.
 * What it lacks (patterns, min/max lengths) is left to cfn-lint, which runs next in `bakery lint`.
 *
 * The raw database is 15 MB of JSON with documentation; building the slim index from it costs
 * ~0.5 s, so the slim index is written once to a cache file keyed by the database version and
 * read back by later processes.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { SpecLoadError } from './errors.js';

/** A property's value type, reduced to what the checks need. */
export type TypeSpec =
  | { kind: 'string'; allowed?: readonly string[] }
  | { kind: 'integer' | 'number' | 'boolean' | 'json' | 'date-time' | 'tag' }
  | { kind: 'array' | 'map'; element: TypeSpec }
  | { kind: 'struct'; ref: string }
  | { kind: 'union'; types: readonly TypeSpec[] };

export interface PropertySpec {
  type: TypeSpec;
  required?: true;
}

/** A named property type (the spec's "type definition"), e.g. `EbsInstanceBlockDeviceSpecification`. */
export interface StructSpec {
  name: string;
  properties: Record<string, PropertySpec>;
}

export interface ResourceSpec {
  properties: Record<string, PropertySpec>;
  /** Names accepted by `Fn::GetAtt`, including dotted ones such as `LatestVersion.Arn`. */
  attributes: readonly string[];
}

interface SlimSpec {
  format: number;
  specVersion: string;
  resources: Record<string, ResourceSpec>;
  structs: Record<string, StructSpec>;
}

export interface Spec {
  readonly specVersion: string;
  resource(cfnType: string): ResourceSpec | undefined;
  struct(ref: string): StructSpec | undefined;
  resourceTypes(): readonly string[];
}

/** Bump when the slim layout changes, so older cache files are ignored. */
const FORMAT = 1;

let loaded: Spec | undefined;

/** The process-wide spec, loaded on first use. */
export function getSpec(): Spec {
  loaded ??= loadSpec();
  return loaded;
}

export interface LoadSpecOptions {
  /** Folder for the slim cache file; `null` disables the cache. Default: this package's `node_modules/.cache`. */
  cacheDir?: string | null;
}

/** Load the spec, reading or refreshing the slim cache. Throws `SpecLoadError` when the database is unusable. */
export function loadSpec(options: LoadSpecOptions = {}): Spec {
  const { dbPath, version } = locateDatabase();
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const cacheFile = cacheDir === null ? undefined : path.join(cacheDir, `aws-service-spec-${version}-f${FORMAT}.tsv`);
  const cached = cacheFile === undefined ? undefined : readCache(cacheFile, version);
  if (cached) return cached;
  let raw: unknown;
  try {
    raw = JSON.parse(gunzipSync(readFileSync(dbPath)).toString('utf8'));
  } catch (cause) {
    throw new SpecLoadError(dbPath, { cause });
  }
  const slim = slimDatabase(raw, version);
  if (cacheFile !== undefined) writeCache(cacheFile, slim);
  return toSpec(slim);
}

/** Reduce the raw service-spec database to the slim index. Exported for tests. */
export function slimDatabase(raw: unknown, specVersion: string): SlimSpec {
  const schema = (raw as { schema?: Record<string, { entities?: unknown }> } | null)?.schema;
  const resources = schema?.resource?.entities;
  const typeDefinitions = schema?.typeDefinition?.entities;
  if (!Array.isArray(resources) || !Array.isArray(typeDefinitions)) {
    throw new SpecLoadError('the aws-service-spec database', { cause: new Error('no schema.resource or schema.typeDefinition entities') });
  }
  const slim: SlimSpec = { format: FORMAT, specVersion, resources: {}, structs: {} };
  for (const entity of resources as RawResource[]) {
    if (typeof entity.cloudFormationType !== 'string') continue;
    slim.resources[entity.cloudFormationType] = {
      properties: slimProperties(entity.properties),
      attributes: Object.keys(entity.attributes ?? {}).sort(),
    };
  }
  for (const entity of typeDefinitions as RawTypeDefinition[]) {
    if (typeof entity.$id !== 'string') continue;
    slim.structs[entity.$id] = { name: String(entity.name ?? entity.$id), properties: slimProperties(entity.properties) };
  }
  return slim;
}

interface RawType {
  type?: string;
  element?: RawType;
  types?: RawType[];
  reference?: { $ref?: string };
  allowedValues?: unknown[];
}
interface RawProperty {
  type?: RawType;
  required?: boolean;
  previousTypes?: RawType[];
}
interface RawResource {
  cloudFormationType?: string;
  properties?: Record<string, RawProperty>;
  attributes?: Record<string, unknown>;
}
interface RawTypeDefinition {
  $id?: string;
  name?: string;
  properties?: Record<string, RawProperty>;
}

function slimProperties(properties: Record<string, RawProperty> | undefined): Record<string, PropertySpec> {
  const out: Record<string, PropertySpec> = {};
  for (const [name, property] of Object.entries(properties ?? {})) {
    // CloudFormation keeps accepting a property's earlier shapes (e.g. a policy as JSON or as a
    // string), so a value matching any of them is valid.
    const shapes = [property.type, ...(property.previousTypes ?? [])].filter((t): t is RawType => t !== undefined).map(slimType);
    const type: TypeSpec = shapes.length === 1 ? (shapes[0] as TypeSpec) : { kind: 'union', types: shapes };
    out[name] = property.required === true ? { type, required: true } : { type };
  }
  return out;
}

function slimType(raw: RawType): TypeSpec {
  switch (raw.type) {
    case 'string': {
      const allowed = raw.allowedValues?.filter((v): v is string => typeof v === 'string');
      return allowed && allowed.length > 0 ? { kind: 'string', allowed } : { kind: 'string' };
    }
    case 'integer':
    case 'number':
    case 'boolean':
    case 'json':
    case 'date-time':
    case 'tag':
      return { kind: raw.type };
    case 'array':
    case 'map':
      return { kind: raw.type, element: raw.element ? slimType(raw.element) : { kind: 'json' } };
    case 'ref':
      return raw.reference?.$ref ? { kind: 'struct', ref: raw.reference.$ref } : { kind: 'json' };
    case 'union':
      return { kind: 'union', types: (raw.types ?? []).map(slimType) };
    default:
      // A kind this code does not know yet: accept any value rather than report false errors.
      return { kind: 'json' };
  }
}

function toSpec(slim: SlimSpec): Spec {
  let types: readonly string[] | undefined;
  return {
    specVersion: slim.specVersion,
    resource: (cfnType) => (Object.hasOwn(slim.resources, cfnType) ? slim.resources[cfnType] : undefined),
    struct: (ref) => (Object.hasOwn(slim.structs, ref) ? slim.structs[ref] : undefined),
    resourceTypes: () => {
      types ??= Object.keys(slim.resources).sort();
      return types;
    },
  };
}

/**
 * Cache layout: a JSON header line, then one line per entry, `R<tab>type<tab>json` or
 * `S<tab>id<tab>json`. Splitting lines is far cheaper than parsing 3 MB of nested JSON, and a run
 * only parses the handful of entries its templates use.
 */
function serialize(slim: SlimSpec): string {
  const lines = [JSON.stringify({ format: slim.format, specVersion: slim.specVersion })];
  for (const [type, resource] of Object.entries(slim.resources)) lines.push(`R\t${type}\t${JSON.stringify(resource)}`);
  for (const [id, struct] of Object.entries(slim.structs)) lines.push(`S\t${id}\t${JSON.stringify(struct)}`);
  return `${lines.join('\n')}\n`;
}

function lazySpec(text: string, version: string): Spec | undefined {
  const lines = text.split('\n');
  const header = JSON.parse(lines[0] ?? '') as { format?: number; specVersion?: string };
  if (header.format !== FORMAT || header.specVersion !== version) return undefined;
  const resources = new Map<string, string>();
  const structs = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const second = line.indexOf('\t', 2);
    if (second < 0) continue;
    (line.startsWith('R') ? resources : structs).set(line.slice(2, second), line.slice(second + 1));
  }
  const parsedResources = new Map<string, ResourceSpec>();
  const parsedStructs = new Map<string, StructSpec>();
  let types: readonly string[] | undefined;
  const lookup = <T>(source: Map<string, string>, memo: Map<string, T>, key: string): T | undefined => {
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const json = source.get(key);
    if (json === undefined) return undefined;
    const value = JSON.parse(json) as T;
    memo.set(key, value);
    return value;
  };
  return {
    specVersion: version,
    resource: (cfnType) => lookup(resources, parsedResources, cfnType),
    struct: (ref) => lookup(structs, parsedStructs, ref),
    resourceTypes: () => {
      types ??= [...resources.keys()].sort();
      return types;
    },
  };
}

function locateDatabase(): { dbPath: string; version: string } {
  try {
    const require = createRequire(import.meta.url);
    const manifestPath = require.resolve('@aws-cdk/aws-service-spec/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: string };
    return { dbPath: path.join(path.dirname(manifestPath), 'db.json.gz'), version: String(manifest.version ?? 'unknown') };
  } catch (cause) {
    throw new SpecLoadError('@aws-cdk/aws-service-spec', { cause });
  }
}

function defaultCacheDir(): string {
  return path.join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', '.cache', 'template-checks');
}

function readCache(file: string, version: string): Spec | undefined {
  try {
    return lazySpec(readFileSync(file, 'utf8'), version);
  } catch {
    // Missing or damaged: rebuilt from the database and rewritten.
    return undefined;
  }
}

function writeCache(file: string, slim: SlimSpec): void {
  // Written to a temporary name and renamed, so a concurrent reader never sees half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temporary, serialize(slim));
    renameSync(temporary, file);
  } catch {
    // A read-only install just loads the full database each time; the checks still work.
  }
}
