/** The template's YAML text: deterministic, and readable by YAML 1.1 parsers (cfn-lint, CloudFormation). */
import { stringify } from 'yaml';

export function templateToYaml(template: unknown): string {
  return stringify(template, {
    // YAML 1.1 quoting: `yes`, `on`, `2010-09-09`, `0755` stay strings for PyYAML-based readers.
    version: '1.1',
    // Never fold long lines: folding would make a one-word change rewrap a whole paragraph.
    lineWidth: 0,
    minContentWidth: 0,
    // Shared objects (tag maps) are written out, never as anchors and aliases.
    aliasDuplicateObjects: false,
    indent: 2,
    indentSeq: true,
  });
}
