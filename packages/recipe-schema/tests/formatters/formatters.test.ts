import { describe, expect, it } from 'vitest';
import { formatters, json, junit, sarif, stylish } from '../../src/formatters/index.js';
import type { Finding } from '../../src/index.js';
import { FINDINGS, RECIPE, RULES, SOURCES } from './findings.js';

const options = { sources: SOURCES, rules: RULES };

describe('Formatter: stylish', () => {
  it('groups by file, quotes the source line with a caret, marks suppressed findings and ends with a summary', () => {
    expect(stylish(FINDINGS, options)).toMatchInlineSnapshot(`
      "recipes/demo/components/setup.yaml
        4:12  error  Flow sequence in block collection must be sufficiently indented and end with a ]. Fix the YAML syntax at this position.  RB0001
              4 |     steps: [
                |            ^

      recipes/demo/recipe.yaml
        5:23  warning  Failed build instances are kept running; set build.terminateOnFailure to true.  RB3005
              5 |   terminateOnFailure: false
                |                       ^^^^^
        7:17  error    [suppressed: Vendor agent needs IMDSv1 until 2027] IMDSv1 is allowed; set build.instanceMetadata.httpTokens to required.  RB3003
        8:1   error    Unknown property 'nmae' in the document root; remove it or fix its spelling. Did you mean 'name'?  RB1002
              8 | nmae: typo
                | ^^^^

      3 problems (2 errors, 1 warning) in 2 files; 1 suppressed.
      "
    `);
  });

  it('reports a clean run with the number of files read', () => {
    expect(stylish([], options)).toMatchInlineSnapshot(`
      "No problems in 3 files.
      "
    `);
  });
});

describe('Formatter: stylish with colours', () => {
  it.each([
    { name: 'off by default', color: undefined, expected: false },
    { name: 'off when asked', color: false, expected: false },
    { name: 'on when asked', color: true, expected: true },
  ])('uses ANSI escapes only when colours are on ($name)', ({ color, expected }) => {
    // Act
    const output = stylish(FINDINGS, { ...options, color });

    // Assess
    expect(output.includes('\u001b[')).toBe(expected);
    if (expected) {
      expect(output).toContain('\u001b[31merror  \u001b[0m');
      expect(output).toContain('\u001b[2m  7:17  error    [suppressed: Vendor agent needs IMDSv1 until 2027]');
    }
  });
});

const base: Finding = FINDINGS[1] as Finding;

describe('Formatter: stylish on awkward input', () => {
  const message = base.message;
  const tail = '\n1 problem (1 error, 0 warnings) in 1 file.\n';
  it.each([
    {
      name: 'a finding past the last line shows no source',
      finding: { ...base, range: { start: { line: 99, column: 1 }, end: { line: 99, column: 2 } } },
      source: 'a: 1\n',
      expected: `${RECIPE}\n  99:1  error  ${message}  RB1002\n${tail}`,
    },
    {
      name: 'a range running onto later lines underlines to the end of the first',
      finding: { ...base, range: { start: { line: 1, column: 4 }, end: { line: 3, column: 2 } } },
      source: 'a: [1,\n  2,\n  3]\n',
      expected: `${RECIPE}\n  1:4  error  ${message}  RB1002\n       1 | a: [1,\n         |    ^^^\n${tail}`,
    },
    {
      name: 'tabs and control characters cannot shift the caret or reach the terminal',
      finding: { ...base, message: 'bad \u001b[2J byte', range: { start: { line: 1, column: 3 }, end: { line: 1, column: 4 } } },
      source: 'a\t\u0007b\n',
      expected: `${RECIPE}\n  1:3  error  bad \ufffd[2J byte  RB1002\n       1 | a \ufffdb\n         |   ^\n${tail}`,
    },
    {
      name: 'a zero-width range at the end of a line still gets one caret',
      finding: { ...base, range: { start: { line: 1, column: 3 }, end: { line: 1, column: 3 } } },
      source: 'a:\n',
      expected: `${RECIPE}\n  1:3  error  ${message}  RB1002\n       1 | a:\n         |   ^\n${tail}`,
    },
    {
      name: 'a 1 MB line is cut around the caret',
      finding: { ...base, range: { start: { line: 1, column: 500_001 }, end: { line: 1, column: 1_000_001 } } },
      source: `${'x'.repeat(500_000)}y${'z'.repeat(500_000)}\n`,
      expected: `${RECIPE}\n  1:500001  error  ${message}  RB1002\n            1 | …${'x'.repeat(40)}y${'z'.repeat(79)}…\n              | ${' '.repeat(41)}${'^'.repeat(81)}\n${tail}`,
    },
    {
      name: 'a message over 400 characters (cfn-lint quoting a whole component document) is cut, saying where the rest is',
      finding: { ...base, message: `'${'d'.repeat(16_500)}' is longer than 16000`, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } },
      source: 'a: 1\n',
      expected: `${RECIPE}\n  1:1  error  '${'d'.repeat(399)}… (16123 more characters; --format json has the whole message)  RB1002\n       1 | a: 1\n         | ^\n${tail}`,
    },
  ])('$name', ({ finding, source, expected }) => {
    // Act
    const output = stylish([finding], { sources: new Map([[finding.file, source]]), rules: RULES });

    // Assess
    expect(output).toBe(expected);
  });
});

describe('Formatter: json', () => {
  it('writes cfn-lint matches, sorted, with Suppressed only on suppressed findings', () => {
    expect(json(FINDINGS, options)).toMatchInlineSnapshot(`
      "[
          {
              "Filename": "recipes/demo/components/setup.yaml",
              "Id": "26e9fc45-7a5c-7875-73e2-3015f5481a8c",
              "Level": "Error",
              "Location": {
                  "End": {
                      "ColumnNumber": 13,
                      "LineNumber": 4
                  },
                  "Path": [],
                  "Start": {
                      "ColumnNumber": 12,
                      "LineNumber": 4
                  }
              },
              "Message": "Flow sequence in block collection must be sufficiently indented and end with a ]. Fix the YAML syntax at this position.",
              "ParentId": null,
              "Rule": {
                  "Description": "The file is valid YAML.",
                  "Id": "RB0001",
                  "ShortDescription": "yaml-syntax",
                  "Source": "docs/rules.md#rb0001"
              }
          },
          {
              "Filename": "recipes/demo/recipe.yaml",
              "Id": "28846fc2-ff58-bec1-35b2-a97e8e943df8",
              "Level": "Warning",
              "Location": {
                  "End": {
                      "ColumnNumber": 28,
                      "LineNumber": 5
                  },
                  "Path": [
                      "build",
                      "terminateOnFailure"
                  ],
                  "Start": {
                      "ColumnNumber": 23,
                      "LineNumber": 5
                  }
              },
              "Message": "Failed build instances are kept running; set build.terminateOnFailure to true.",
              "ParentId": null,
              "Rule": {
                  "Description": "Failed build instances are terminated.",
                  "Id": "RB3005",
                  "ShortDescription": "terminate-on-failure",
                  "Source": "docs/rules.md#rb3005"
              }
          },
          {
              "Filename": "recipes/demo/recipe.yaml",
              "Id": "845d24e0-4d10-e97e-8599-ef31cda36e80",
              "Level": "Error",
              "Location": {
                  "End": {
                      "ColumnNumber": 25,
                      "LineNumber": 7
                  },
                  "Path": [
                      "build",
                      "instanceMetadata",
                      "httpTokens"
                  ],
                  "Start": {
                      "ColumnNumber": 17,
                      "LineNumber": 7
                  }
              },
              "Message": "IMDSv1 is allowed; set build.instanceMetadata.httpTokens to required.",
              "ParentId": null,
              "Rule": {
                  "Description": "Build instances require IMDSv2.",
                  "Id": "RB3003",
                  "ShortDescription": "imdsv2-required",
                  "Source": "docs/rules.md#rb3003"
              },
              "Suppressed": {
                  "Reason": "Vendor agent needs IMDSv1 until 2027"
              }
          },
          {
              "Filename": "recipes/demo/recipe.yaml",
              "Id": "d2fd1499-8779-ec4e-88a9-148abc021580",
              "Level": "Error",
              "Location": {
                  "End": {
                      "ColumnNumber": 5,
                      "LineNumber": 8
                  },
                  "Path": [
                      "nmae"
                  ],
                  "Start": {
                      "ColumnNumber": 1,
                      "LineNumber": 8
                  }
              },
              "Message": "Unknown property 'nmae' in the document root; remove it or fix its spelling. Did you mean 'name'?",
              "ParentId": null,
              "Rule": {
                  "Description": "Only known properties are used.",
                  "Id": "RB1002",
                  "ShortDescription": "schema-unknown-property",
                  "Source": "docs/rules.md#rb1002"
              }
          }
      ]
      "
    `);
  });

  it('writes an empty array for no findings, as cfn-lint does', () => {
    expect(json([], options)).toBe('[]\n');
  });
});

describe('Formatter: sarif', () => {
  it('writes a 2.1.0 log with every known rule, located results and in-source suppressions', () => {
    expect(sarif(FINDINGS, { ...options, toolVersion: '0.1.0' })).toMatchInlineSnapshot(`
      "{
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [
          {
            "tool": {
              "driver": {
                "name": "bakery",
                "version": "0.1.0",
                "rules": [
                  {
                    "id": "RB0001",
                    "name": "yaml-syntax",
                    "shortDescription": {
                      "text": "The file is valid YAML."
                    },
                    "defaultConfiguration": {
                      "level": "error"
                    }
                  },
                  {
                    "id": "RB1002",
                    "name": "schema-unknown-property",
                    "shortDescription": {
                      "text": "Only known properties are used."
                    },
                    "defaultConfiguration": {
                      "level": "error"
                    }
                  },
                  {
                    "id": "RB3003",
                    "name": "imdsv2-required",
                    "shortDescription": {
                      "text": "Build instances require IMDSv2."
                    },
                    "defaultConfiguration": {
                      "level": "error"
                    }
                  },
                  {
                    "id": "RB3005",
                    "name": "terminate-on-failure",
                    "shortDescription": {
                      "text": "Failed build instances are terminated."
                    },
                    "defaultConfiguration": {
                      "level": "warning"
                    }
                  }
                ]
              }
            },
            "columnKind": "utf16CodeUnits",
            "results": [
              {
                "ruleId": "RB0001",
                "ruleIndex": 0,
                "level": "error",
                "message": {
                  "text": "Flow sequence in block collection must be sufficiently indented and end with a ]. Fix the YAML syntax at this position."
                },
                "locations": [
                  {
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "recipes/demo/components/setup.yaml"
                      },
                      "region": {
                        "startLine": 4,
                        "startColumn": 12,
                        "endLine": 4,
                        "endColumn": 13
                      }
                    }
                  }
                ]
              },
              {
                "ruleId": "RB3005",
                "ruleIndex": 3,
                "level": "warning",
                "message": {
                  "text": "Failed build instances are kept running; set build.terminateOnFailure to true."
                },
                "locations": [
                  {
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "recipes/demo/recipe.yaml"
                      },
                      "region": {
                        "startLine": 5,
                        "startColumn": 23,
                        "endLine": 5,
                        "endColumn": 28
                      }
                    }
                  }
                ]
              },
              {
                "ruleId": "RB3003",
                "ruleIndex": 2,
                "level": "error",
                "message": {
                  "text": "IMDSv1 is allowed; set build.instanceMetadata.httpTokens to required."
                },
                "locations": [
                  {
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "recipes/demo/recipe.yaml"
                      },
                      "region": {
                        "startLine": 7,
                        "startColumn": 17,
                        "endLine": 7,
                        "endColumn": 25
                      }
                    }
                  }
                ],
                "suppressions": [
                  {
                    "kind": "inSource",
                    "justification": "Vendor agent needs IMDSv1 until 2027"
                  }
                ]
              },
              {
                "ruleId": "RB1002",
                "ruleIndex": 1,
                "level": "error",
                "message": {
                  "text": "Unknown property 'nmae' in the document root; remove it or fix its spelling. Did you mean 'name'?"
                },
                "locations": [
                  {
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "recipes/demo/recipe.yaml"
                      },
                      "region": {
                        "startLine": 8,
                        "startColumn": 1,
                        "endLine": 8,
                        "endColumn": 5
                      }
                    }
                  }
                ]
              }
            ]
          }
        ]
      }
      "
    `);
  });
});

describe('Formatter: junit', () => {
  it('writes one suite per file and one case per finding, failing only unsuppressed errors', () => {
    expect(junit(FINDINGS, options)).toMatchInlineSnapshot(`
      "<?xml version="1.0" encoding="UTF-8"?>
      <testsuites name="bakery" tests="5" failures="2" errors="0" skipped="1">
        <testsuite name="recipes/demo/components/clean.yaml" tests="1" failures="0" errors="0" skipped="0">
          <testcase classname="recipes/demo/components/clean.yaml" name="no findings"/>
        </testsuite>
        <testsuite name="recipes/demo/components/setup.yaml" tests="1" failures="1" errors="0" skipped="0">
          <testcase classname="recipes/demo/components/setup.yaml" name="RB0001 yaml-syntax at 4:12">
            <failure type="RB0001" message="Flow sequence in block collection must be sufficiently indented and end with a ]. Fix the YAML syntax at this position.">recipes/demo/components/setup.yaml:4:12 error Flow sequence in block collection must be sufficiently indented and end with a ]. Fix the YAML syntax at this position. (RB0001)</failure>
          </testcase>
        </testsuite>
        <testsuite name="recipes/demo/recipe.yaml" tests="3" failures="1" errors="0" skipped="1">
          <testcase classname="recipes/demo/recipe.yaml" name="RB3005 terminate-on-failure at 5:23">
            <system-out>recipes/demo/recipe.yaml:5:23 warning Failed build instances are kept running; set build.terminateOnFailure to true. (RB3005)</system-out>
          </testcase>
          <testcase classname="recipes/demo/recipe.yaml" name="RB3003 imdsv2-required at 7:17">
            <skipped message="suppressed: Vendor agent needs IMDSv1 until 2027"/>
          </testcase>
          <testcase classname="recipes/demo/recipe.yaml" name="RB1002 schema-unknown-property at 8:1">
            <failure type="RB1002" message="Unknown property 'nmae' in the document root; remove it or fix its spelling. Did you mean 'name'?">recipes/demo/recipe.yaml:8:1 error Unknown property 'nmae' in the document root; remove it or fix its spelling. Did you mean 'name'? (RB1002)</failure>
          </testcase>
        </testsuite>
      </testsuites>
      "
    `);
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    // Prepare
    const finding = { ...base, file: 'a&b.yaml', message: 'use <"x"> & \u0000 not \'y\'' };

    // Act
    const output = junit([finding], { rules: RULES });

    // Assess
    expect(output).toContain('<testsuite name="a&amp;b.yaml" tests="1" failures="1" errors="0" skipped="0">');
    expect(output).toContain('message="use &lt;&quot;x&quot;&gt; &amp; \ufffd not \'y\'"');
    expect(output).toContain('>a&amp;b.yaml:8:1 error use &lt;"x"&gt; &amp; \ufffd not \'y\' (RB1002)</failure>');
  });
});

describe('Formatters: determinism', () => {
  it.each(Object.entries(formatters))('%s gives the same bytes whatever the input order', (_name, format) => {
    // Prepare
    const reversed = [...FINDINGS].reverse();

    // Act / Assess
    expect(format(reversed, options)).toBe(format(FINDINGS, options));
  });
});
