/** Severity of a finding; only `error` makes a command fail. */
export type Severity = 'error' | 'warning' | 'info';

/** A JSON path into a parsed YAML document: keys and 0-based list indexes. */
export type JsonPath = ReadonlyArray<string | number>;

/** 1-based line and column; `end.column` is exclusive (as cfn-lint reports it). */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Where a finding's rule comes from: our own rules, or a wrapped external tool. */
export type FindingSource = 'bakery' | 'cfn-lint';

export interface Finding {
  /** Stable rule id, e.g. `RB3003` or a cfn-lint id such as `E3002`. */
  ruleId: string;
  /** Short kebab-case rule name, e.g. `imdsv2-required`. */
  slug: string;
  severity: Severity;
  /** What is wrong and what to do about it. */
  message: string;
  /** File the author edits, as a path relative to the working directory (posix separators). */
  file: string;
  range: Range;
  /** JSON path inside `file` the finding is about. */
  path: JsonPath;
  source: FindingSource;
  /** Set when a recipe suppression covers this finding; such findings never fail a run. */
  suppressed?: { reason: string };
}

/** Static description of a rule, shared by every kind of rule and by the generated docs. */
export interface RuleMeta {
  /** Literal id: `RB` + area digit + three digits. 0 parse/tool, 1 schema, 2 component, 3 recipe, 4 versions, 5 template. */
  id: string;
  slug: string;
  severity: Severity;
  /** One sentence: the requirement the rule enforces. */
  description: string;
  /** The defect as an author would write it (YAML), for docs/rules.md. */
  example?: string;
  /** What to do about it, for docs/rules.md. */
  fix?: string;
}

/** What a rule returns: a path in the checked document and a message. The engine adds the location. */
export interface RuleHit {
  path: JsonPath;
  message: string;
  /** Point at the key rather than the value (useful for "remove this property"). */
  at?: 'key' | 'value';
  /** Point at this text inside the string value (one {{ }} expression in a long script). */
  find?: { text: string; occurrence?: number };
}
