/** Reading a schema-valid recipe while building, with every read value marked with its source. */
import type { JsonPath } from '@ami-bakery/recipe-schema';
import { type Sourced, sourced } from '../sourced.js';

export class RecipeReader {
  constructor(
    readonly data: Record<string, unknown>,
    /** Display path of recipe.yaml (relative to the working directory). */
    readonly file: string,
  ) {}

  get(path: JsonPath): unknown {
    let node: unknown = this.data;
    for (const segment of path) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string | number, unknown>)[segment];
    }
    return node;
  }

  has(path: JsonPath): boolean {
    return this.get(path) !== undefined;
  }

  /** The value at `path`, marked as coming from there; undefined when absent. */
  src(path: JsonPath): Sourced | undefined {
    const value = this.get(path);
    return value === undefined ? undefined : sourced(value, this.file, path);
  }

  /** The value at `path` (marked), or the bundler's default (unmarked: it comes from no file). */
  srcOr(path: JsonPath, fallback: unknown): unknown {
    return this.src(path) ?? fallback;
  }

  /** A value computed from the value at `path`, marked as coming from there. */
  derive<T>(path: JsonPath, compute: (value: T) => unknown): Sourced | undefined {
    const value = this.get(path);
    return value === undefined ? undefined : sourced(compute(value as T), this.file, path);
  }

  string(path: JsonPath): string | undefined {
    const value = this.get(path);
    return typeof value === 'string' ? value : undefined;
  }

  record(path: JsonPath): Record<string, unknown> | undefined {
    const value = this.get(path);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  }

  list(path: JsonPath): unknown[] {
    const value = this.get(path);
    return Array.isArray(value) ? value : [];
  }
}
