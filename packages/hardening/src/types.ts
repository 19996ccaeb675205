/** A path into a parsed YAML or JSON value: keys and 0-based indexes. */
export type JsonPath = (string | number)[];

/**
 * A problem of a benchmark table the schema cannot see: where (a path into the table) and what
 * to do. Validation turns it into a finding with its rule id and file:line:column.
 */
export interface TableHit {
  path: JsonPath;
  message: string;
}

/** Platform of the AWSTOE documents a generator writes. */
export type Platform = 'linux' | 'windows';
