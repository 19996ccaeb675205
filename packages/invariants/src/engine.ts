/**
 * Runs the invariant rule set (../rules/*.guard) offline from Node, with one of two engines that
 * evaluate the same files with the CloudFormation Guard evaluator:
 *
 * - `binary`: the real `cfn-guard` shipped in @cdklabs/cdk-validator-cfnguard (static builds for
 *   Linux x86_64 and aarch64, macOS), run with execa: about 20 ms a call, no start-up cost, so
 *   `bakery validate` and `lint` stay fast;
 * - `wasm`: the Guard engine inside aws-cdk-lib's bundled @aws/cloudformation-validate
 *   (WebAssembly, any platform, no child process): about 1.3 s to start once per process, then
 *   milliseconds a template. The deployer Lambda (Node 24, arm64) uses it: nothing to execute
 *   from /var/task, one folder to ship.
 *
 * `auto` takes the binary where one exists for this platform, else WASM. Tests run both on every
 * bundle and mutant and require the same verdicts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { GuardEngineFailedError, GuardEngineUnavailableError } from './errors.js';
import { invariantOfRule, RULES_DIR, ruleFiles } from './invariants.js';

/** One broken invariant at one place of a template. */
export interface Violation {
  /** Invariant id, e.g. `RB6004`. */
  ruleId: string;
  slug: string;
  /** Logical id of the resource, when the place is inside one. */
  resource?: string;
  /** JSON path into the template: `['Resources', 'InstanceRole', 'Properties', 'PermissionsBoundary']`. */
  path: (string | number)[];
  /** What is wrong and what to do about it. */
  message: string;
}

export type GuardBackend = 'binary' | 'wasm';

export interface GuardEngineOptions {
  /** `auto` (default): the binary where this platform has one, else WASM. */
  backend?: GuardBackend | 'auto';
  /** A cfn-guard binary to use instead of the shipped one (`BAKERY_CFN_GUARD` does the same). */
  binary?: string;
  /** Folder of an @aws/cloudformation-validate module to load instead of aws-cdk-lib's (e.g. next to a Lambda bundle). */
  wasmModule?: string;
  /** Folder of the `.guard` files; default: this package's rules. */
  rulesDir?: string;
  /** Per binary run; default 60 s. */
  timeoutMs?: number;
}

export interface TemplateInput {
  /** A label, unique in one call (recipe name, file name). */
  name: string;
  /** The template as an object, or its JSON / YAML text. */
  template: unknown;
}

export interface GuardEngine {
  readonly backend: GuardBackend;
  /** Violations per template name, every template at once. */
  check(templates: readonly TemplateInput[]): Promise<Map<string, Violation[]>>;
}

const require = createRequire(import.meta.url);

const PLATFORM_DIRS: Record<string, string> = { linux: 'ubuntu', darwin: 'macos' };
const ARCH_DIRS: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };

/** The shipped cfn-guard binary for this platform, or undefined when there is none (e.g. Windows). */
export function shippedGuardBinary(platform: string = process.platform, arch: string = process.arch): string | undefined {
  const os = PLATFORM_DIRS[platform];
  const cpu = ARCH_DIRS[arch];
  if (os === undefined || cpu === undefined) return undefined;
  try {
    const main = require.resolve('@cdklabs/cdk-validator-cfnguard');
    return path.join(path.dirname(main), '..', 'bin', os, cpu, 'cfn-guard');
  } catch {
    return undefined;
  }
}

/** Where the WASM engine module lives: aws-cdk-lib's bundled copy unless told otherwise. */
export function wasmModuleDir(): string {
  const fromCdk = createRequire(require.resolve('aws-cdk-lib/package.json'));
  return path.dirname(fromCdk.resolve('@aws/cloudformation-validate/package.json'));
}

function templateText(template: unknown): string {
  return typeof template === 'string' ? template : JSON.stringify(template);
}

/** `/Resources/R/Properties/0` or `Properties.X.0` -> JSON path segments, list indexes as numbers. */
function segments(parts: string[]): (string | number)[] {
  return parts.filter((part) => part !== '').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The message of a custom `<< RB6004 slug: text >>`, without its id and slug. */
function cleanMessage(text: string): string {
  return text
    .trim()
    .replace(/^RB\d{4}\s+[a-z0-9-]+:\s*/, '')
    .replace(/\s+/g, ' ');
}

function violation(ruleName: string, jsonPath: (string | number)[], message: string): Violation | undefined {
  const invariant = invariantOfRule(ruleName);
  if (invariant === undefined) return undefined;
  const inResource = jsonPath[0] === 'Resources' && typeof jsonPath[1] === 'string';
  const resource = inResource ? (jsonPath[1] as string) : undefined;
  // Outside Resources (a Transform) the WASM engine gives a line, not a path: both report the template itself.
  return {
    ruleId: invariant.id,
    slug: invariant.slug,
    ...(resource ? { resource } : {}),
    path: inResource ? jsonPath : [],
    message: cleanMessage(message),
  };
}

/** Violations sorted and without duplicates (a clause checked through two queries reports twice). */
function normalize(violations: Violation[]): Violation[] {
  const byKey = new Map<string, Violation>();
  for (const v of violations) byKey.set(JSON.stringify([v.ruleId, v.path, v.message]), v);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

// ----- binary ------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function asRecord(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** The place a failed clause is about: the value it resolved, or how far it got before a key was missing. */
function clausePath(check: Json): (string | number)[] {
  const resolved = asRecord(check.Resolved) ?? asRecord(check.InResolved);
  if (resolved) {
    const found = asRecord(resolved.value) ?? asRecord(resolved.from) ?? asRecord(asRecord(resolved.lhs));
    const p = found?.path;
    if (typeof p === 'string') return segments(p.split('/'));
  }
  const unresolved = asRecord(check.UnResolved);
  if (unresolved) {
    const traversed = asRecord(asRecord(unresolved.value)?.traversed_to)?.path;
    // The deepest place that exists (the WASM engine reports the same); the message names what is missing.
    if (typeof traversed === 'string') return segments(traversed.split('/'));
  }
  // Fall back to the first path anywhere in the check.
  const stack: unknown[] = [check];
  while (stack.length > 0) {
    const node = stack.shift();
    const record = asRecord(node);
    if (record) {
      if (typeof record.path === 'string' && record.path !== '') return segments(record.path.split('/'));
      stack.push(...Object.values(record));
    } else if (Array.isArray(node)) stack.push(...node);
  }
  return [];
}

/** Every failed clause under a rule of cfn-guard's structured JSON report. */
function collectClauses(node: unknown, ruleName: string, out: Violation[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectClauses(item, ruleName, out);
    return;
  }
  const record = asRecord(node);
  if (!record) return;
  const clause = asRecord(record.Clause);
  if (clause) {
    const body = asRecord(clause.Unary) ?? asRecord(clause.Binary) ?? clause;
    const messages = asRecord(body.messages);
    const custom = typeof messages?.custom_message === 'string' ? messages.custom_message.trim() : '';
    const error = typeof messages?.error_message === 'string' ? messages.error_message : '';
    const check = asRecord(body.check) ?? {};
    const v = violation(ruleName, clausePath(check), custom !== '' ? custom : error);
    if (v) out.push(v);
    return;
  }
  for (const value of Object.values(record)) collectClauses(value, ruleName, out);
}

function parseBinaryReport(stdout: string): Map<string, Violation[]> {
  let reports: unknown;
  try {
    reports = JSON.parse(stdout);
  } catch (error) {
    throw new GuardEngineFailedError(`cfn-guard printed no JSON report: ${stdout.slice(0, 200)}`, { cause: error });
  }
  const byFile = new Map<string, Violation[]>();
  for (const report of Array.isArray(reports) ? reports : [reports]) {
    const record = asRecord(report) ?? {};
    const name = String(record.name ?? '');
    const found: Violation[] = [];
    for (const item of Array.isArray(record.not_compliant) ? record.not_compliant : []) {
      const rule = asRecord(asRecord(item)?.Rule);
      if (rule) collectClauses(rule.checks, String(rule.name ?? ''), found);
    }
    byFile.set(name, [...(byFile.get(name) ?? []), ...found]);
  }
  return byFile;
}

function binaryEngine(binary: string, rulesDir: string, timeoutMs: number): GuardEngine {
  return {
    backend: 'binary',
    async check(templates) {
      const result = new Map<string, Violation[]>();
      if (templates.length === 0) return result;
      const scratch = mkdtempSync(path.join(tmpdir(), 'bakery-guard-'));
      try {
        const dataDir = path.join(scratch, 'data');
        mkdirSync(dataDir);
        const fileOf = new Map<string, string>();
        templates.forEach(({ name, template }, index) => {
          // cfn-guard reads JSON and YAML alike; a number keeps file names free of the caller's text.
          const file = path.join(dataDir, `${index}.${typeof template === 'string' ? 'yaml' : 'json'}`);
          writeFileSync(file, templateText(template));
          fileOf.set(file, name);
        });
        const args = [
          'validate',
          '--data',
          dataDir,
          '--rules',
          rulesDir,
          '--output-format',
          'json',
          '--show-summary',
          'none',
          '--structured',
        ];
        let run: { exitCode?: number; stdout: string; stderr: string; timedOut?: boolean };
        try {
          run = await execa(binary, args, { reject: false, timeout: timeoutMs, stripFinalNewline: false });
        } catch (error) {
          throw new GuardEngineFailedError(`cannot run ${binary}: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
        }
        if (run.timedOut) throw new GuardEngineFailedError(`cfn-guard did not finish within ${timeoutMs} ms (${binary})`);
        // 0: every rule passed or was skipped; 19: some rule failed. Anything else is the tool failing.
        if (run.exitCode !== 0 && run.exitCode !== 19)
          throw new GuardEngineFailedError(
            `cfn-guard exited with ${String(run.exitCode)}: ${(run.stderr || run.stdout).trim().slice(0, 500)}`,
          );
        const parsed = parseBinaryReport(run.stdout);
        for (const [file, name] of fileOf) result.set(name, normalize(parsed.get(file) ?? []));
        return result;
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  };
}

// ----- WASM --------------------------------------------------------------------------------

interface WasmDiagnostic {
  ruleId: string;
  message: string;
  source?: string;
  entity?: { logicalId?: string };
  propertyPath?: string;
}

interface WasmModule {
  CelEngine: new (config: {
    guardRules: { name: string; content: string }[];
  }) => {
    validateTemplate(template: unknown, config: Record<string, unknown>): { diagnostics: WasmDiagnostic[] };
  };
  TemplateContent: new (content: string, name?: string) => unknown;
}

function wasmEngine(moduleDir: string, rulesDir: string): GuardEngine {
  let loaded: WasmModule;
  try {
    loaded = require(moduleDir) as WasmModule;
  } catch (error) {
    throw new GuardEngineUnavailableError(`cannot load the WASM Guard engine from ${moduleDir}`, { cause: error });
  }
  let engine: InstanceType<WasmModule['CelEngine']>;
  try {
    engine = new loaded.CelEngine({ guardRules: ruleFiles(rulesDir) });
  } catch (error) {
    throw new GuardEngineFailedError(
      `the WASM Guard engine rejected the rules in ${rulesDir}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  return {
    backend: 'wasm',
    async check(templates) {
      const result = new Map<string, Violation[]>();
      for (const { name, template } of templates) {
        const report = engine.validateTemplate(new loaded.TemplateContent(templateText(template), 'template'), {
          disableBuiltinRules: true,
          detailLevel: 'STANDARD',
        });
        const found: Violation[] = [];
        for (const diagnostic of report.diagnostics) {
          if (diagnostic.source !== undefined && diagnostic.source !== 'GUARD') continue;
          const property = segments((diagnostic.propertyPath ?? '').split('.'));
          const logicalId = diagnostic.entity?.logicalId;
          const jsonPath = logicalId === undefined ? property : ['Resources', logicalId, ...property];
          const v = violation(diagnostic.ruleId, jsonPath, diagnostic.message);
          if (v) found.push(v);
        }
        result.set(name, normalize(found));
      }
      return result;
    },
  };
}

// ----- choosing ----------------------------------------------------------------------------

/**
 * An engine for the rule set. Throws GuardEngineUnavailableError when the asked backend (or, for
 * `auto`, both) cannot be loaded.
 */
export function createGuardEngine(options: GuardEngineOptions = {}): GuardEngine {
  const rulesDir = options.rulesDir ?? RULES_DIR;
  const backend = options.backend ?? 'auto';
  const binary = options.binary ?? process.env.BAKERY_CFN_GUARD ?? shippedGuardBinary();
  if (backend === 'binary' || (backend === 'auto' && binary !== undefined && options.wasmModule === undefined)) {
    if (binary === undefined)
      throw new GuardEngineUnavailableError(`no cfn-guard binary for ${process.platform}/${process.arch}; use the wasm backend`);
    return binaryEngine(binary, rulesDir, options.timeoutMs ?? 60_000);
  }
  let moduleDir = options.wasmModule;
  if (moduleDir === undefined) {
    try {
      moduleDir = wasmModuleDir();
    } catch (error) {
      throw new GuardEngineUnavailableError('neither a cfn-guard binary nor aws-cdk-lib (the WASM Guard engine) is installed', {
        cause: error,
      });
    }
  }
  return wasmEngine(moduleDir, rulesDir);
}

let defaultEngine: GuardEngine | undefined;

/**
 * The invariants a template breaks (empty: none), with rule id, resource, JSON path and message.
 * Uses one engine per process (`auto`); pass `engine` to choose.
 */
export async function checkTemplate(template: unknown, engine?: GuardEngine): Promise<Violation[]> {
  if (engine === undefined && defaultEngine === undefined) defaultEngine = createGuardEngine();
  const chosen = engine ?? (defaultEngine as GuardEngine);
  const result = await chosen.check([{ name: 'template', template }]);
  return result.get('template') ?? [];
}

export { parseBinaryReport };
