import type { Finding, RuleMeta } from '../types.js';

export interface FormatOptions {
  /** Text of the files findings point into, keyed by `Finding.file`. Stylish quotes the offending line; JUnit lists clean files too. */
  sources?: ReadonlyMap<string, string>;
  /** ANSI colours; only stylish uses them. */
  color?: boolean;
  /** Metadata of every known rule; default `allRules()`. Findings of unknown rules (cfn-lint's) still format. */
  rules?: readonly RuleMeta[];
  /** Version written into SARIF's `tool.driver.version`. */
  toolVersion?: string;
}

/** A pure function from findings to the full text of a report. Same input, same bytes. */
export type Formatter = (findings: readonly Finding[], options?: FormatOptions) => string;
