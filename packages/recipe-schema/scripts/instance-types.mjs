// Refreshes data/instance-types.json from the instance-type list cfn-lint ships (the union over
// all regions of AWS::EC2::Instance InstanceType), so RB3018 and the editor completions follow it.
//
//   node packages/recipe-schema/scripts/instance-types.mjs
//
// It also writes the list into the recipe schema's instance type examples (editor completions).
//
// Needs the Python cfn-lint on PATH (the machine image has it).
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../data/instance-types.json', import.meta.url));
const SCHEMA = fileURLToPath(new URL('../schemas/recipe.schema.json', import.meta.url));
const RELATIVE = 'data/schemas/extensions/aws_ec2_instance/instancetype_enum.json';

const python = 'import cfnlint, os, importlib.metadata as m; print(os.path.dirname(cfnlint.__file__)); print(m.version("cfn-lint"))';
const [dir, version] = execFileSync('python3', ['-c', python], { encoding: 'utf8', timeout: 30_000 }).trim().split('\n');
const data = JSON.parse(readFileSync(path.join(dir, RELATIVE), 'utf8'));
const instanceTypes = [...new Set(data.all.enum)].sort();
const document = {
  source: {
    package: `cfn-lint (PyPI) ${version}`,
    file: `cfnlint/${RELATIVE}`,
    key: 'all',
    note: 'Every EC2 instance type CloudFormation accepts in some region. Regenerate with: node packages/recipe-schema/scripts/instance-types.mjs',
  },
  instanceTypes,
};
writeFileSync(`${OUT}.tmp`, `${JSON.stringify(document, null, 2)}\n`);
renameSync(`${OUT}.tmp`, OUT);
// The editor completes instance types from the recipe schema's examples: keep them the same list.
const schema = JSON.parse(readFileSync(SCHEMA, 'utf8'));
schema.properties.build.properties.instanceTypes.items.examples = instanceTypes;
writeFileSync(`${SCHEMA}.tmp`, `${JSON.stringify(schema, null, 2)}\n`);
renameSync(`${SCHEMA}.tmp`, SCHEMA);
console.log(`wrote ${instanceTypes.length} instance types from cfn-lint ${version} to ${path.relative(process.cwd(), OUT)}`);
