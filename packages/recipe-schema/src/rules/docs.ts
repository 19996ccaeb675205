/**
 * What docs/rules.md shows for each rule besides its description: an example of the defect (as
 * the author writes it) and the fix. A rule object may carry its own `example` and `fix`; these
 * fill in the rest, so every rule id the bakery reports is documented in one place.
 */
import type { RuleMeta } from '../types.js';

export type RuleDocs = Required<Pick<RuleMeta, 'example' | 'fix'>>;

export const RULE_DOCS: Readonly<Record<string, RuleDocs>> = {
  RB0001: {
    example: 'build:\n  instanceTypes:\n    - m7i.large\n   subnetId: subnet-0abc   # one space too far',
    fix: 'Fix the line the message names: indent it like its siblings, close the quote or bracket it opens, or quote a value that starts with * or holds ": ". Only the first syntax error is reported (what follows it is usually the same mistake seen again).',
  },
  RB0002: {
    example: '# any document on which a rule crashed',
    fix: 'Nothing to change in the document: report the message (it names the rule); the other rules still ran.',
  },
  RB0003: {
    example:
      'steps:\n  - name: Install\n    action: ExecuteBash\n    name: Verify          # a second step run into the first\n    action: ExecuteBash',
    fix: 'Remove or rename the repeated key. When several keys repeat (two entries run together), start the second entry with "- ".',
  },
  RB0004: { example: 'build:\n\tinstanceTypes: [m7i.large]   # a tab', fix: 'Indent with spaces.' },
  RB0005: { example: 'bakery validate recipes/missing/recipe.yaml', fix: 'Check the path and the file permissions.' },
  RB0006: {
    example: 'suppressions:\n  - id: RB3004\n    reason: encrypted by the account default   # nothing reports RB3004 any more',
    fix: 'Remove the suppression; a path: in a suppression names a place in recipe.yaml only.',
  },
  RB0007: {
    example: 'notes: this file is neither a recipe nor a component',
    fix: 'Validate recipes and AWSTOE documents only, or fix the path given.',
  },
  RB0020: {
    example: 'components:\n  - file: components/shared.yaml   # a link to ~/.aws/credentials, /dev/zero or a FIFO',
    fix: 'Replace the link (or device, FIFO, folder) with a regular file inside the recipe folder; a file named on the command line must lie inside the workspace.',
  },
  RB0021: {
    example: '# recipe.yaml or a component document over 1 MiB',
    fix: 'Make the file smaller: recipes and component documents are a few kilobytes; move large scripts to S3.',
  },
  RB0022: {
    example: 'description: caf\\xe9   # a Latin-1 byte, not UTF-8',
    fix: 'Save the file as UTF-8; the finding points at the first byte that is not.',
  },
  RB0023: {
    example: '# recipes/a/recipe.yaml and recipes/b/recipe.yaml both say\nname: al2023-hardened',
    fix: 'Give each recipe folder its own name; the bundle folder, the stack and the Image Builder resources are named after it.',
  },
  RB0024: {
    example: '# recipes/retired.yaml\n- name: ubuntu-pro-20-04-cis-level1   # no reason, or still a recipe folder',
    fix: 'List each retired recipe once, with a reason, after removing its folder.',
  },
  RB1001: {
    example: 'phases:\n  - name: build\n    steps:\n      - name: Hello\n        action: ExecuteBash      # no inputs',
    fix: 'Add the missing property the message names. A misspelt key is reported once, as an unknown property with its did-you-mean.',
  },
  RB1002: {
    example: '      - name: Hello\n        action: ExecuteBash\n        timeout: 600             # timeoutSeconds',
    fix: 'Fix the spelling (the message names the closest known property) or remove the property.',
  },
  RB1003: {
    example: '        action: ExecuteBash\n        inputs:\n          - commands: [echo hi]   # ExecuteBash takes one map, not a list',
    fix: "Write the value in the shape the message names. Nothing under a value of the wrong shape is checked again, so one mistake gives one finding. Where AWSTOE accepts more than its reference says, so does the schema: permissions: 0755 unquoted (the reference's own examples write modes as numbers), allowedValues under a parameter and force on DeleteFile (used in AWS samples).",
  },
  RB1004: {
    example: '        onFailure: continue      # Abort, Continue or Ignore',
    fix: 'Use one of the values the message lists (they are case-sensitive).',
  },
  RB1005: { example: 'version: v1.2', fix: 'Write the value in the format the message describes, e.g. version: 1.2.0.' },
  RB1006: {
    example: 'parameters:\n  - name: Region            # a flat map: AWSTOE wants the name as the key\n    type: string',
    fix: "Stay within the size the message names; for a parameter written as a flat map, write '- Region:' and indent type, default and description below it.",
  },
  RB1007: {
    example: 'build:\n  instanceTypes: [m7i.large, m7i.large]',
    fix: 'Remove the repeated entry (the message counts entries from 1).',
  },
  RB1008: {
    example: 'parentImage:\n  ssmParameter: /aws/service/...\n  amiId: ami-0123456789abcdef0',
    fix: 'Give the value one of the allowed shapes, e.g. exactly one kind of parent image.',
  },
  RB2001: {
    example: 'phases:\n  - name: build\n    steps: [...]\n  - name: build\n    steps: [...]',
    fix: 'Merge the steps into one phase, or rename one.',
  },
  RB2002: { example: '      - name: Install\n        ...\n      - name: Install', fix: 'Give every step of a phase its own name.' },
  RB2003: {
    example: '        loop:\n          name: files\n  ...\n        loop:\n          name: files',
    fix: 'Give every loop of a phase its own name.',
  },
  RB2004: {
    example: "          commands:\n            - echo '{{ build.Downlaod.outputs.stdout }}'",
    fix: 'Name a step of this document that runs earlier (the message suggests the closest); use chaining only in inputs, loop forEach and if.',
  },
  RB2005: {
    example: "parameters:\n  - InstallPath:\n      type: string\n...\n            - cd '{{ installPath }}'",
    fix: 'Use a declared parameter or constant (names are case-sensitive; the message suggests the closest), or a loop variable of the same step.',
  },
  RB2006: {
    example: '# in a component of a Linux recipe\n        action: ExecutePowerShell',
    fix: 'Use the module for the recipe platform (ExecuteBash on Linux, ExecutePowerShell on Windows).',
  },
  RB2007: {
    example: '        if:\n          and:\n            - or:\n                - not:\n                    and: [...]   # five levels',
    fix: 'Flatten the condition or split it over two steps.',
  },
  RB2008: { example: '        onFailure: Continue', fix: 'Use Ignore to tolerate a failure, or Abort (the default) to stop at once.' },
  RB2009: {
    example:
      '        action: WebDownload\n        inputs:\n          - source: https://example.com/agent.rpm\n            destination: /tmp/agent.rpm',
    fix: 'Add checksum: <hash> and algorithm: SHA256, and keep TLS validation on.',
  },
  RB2010: { example: 'phases:\n  - name: install', fix: 'Name a phase build, validate or test.' },
  RB2011: {
    example: 'parameters:\n  - Version: {type: string}\nconstants:\n  - Version: {type: string, value: "1"}',
    fix: 'Rename or remove one of the two.',
  },
  RB2012: { example: '          path: {{ Script }}', fix: 'Quote the value: path: "{{ Script }}".' },
  RB2013: {
    example: '        if:\n          stringEquals: a\n          numberEquals: 1\n          value: a',
    fix: 'One operator per expression; combine several under and: or or:.',
  },
  RB2014: {
    example: '            - |\n              install-driver\n              exit 194',
    fix: 'Test for a marker file first, create it before rebooting, and delete it on the second run.',
  },
  RB2015: { example: '# a row of a generator table that sets nothing', fix: 'Fix the row the message names.' },
  RB2016: {
    example: "        inputs:\n          stringEquals: '{{ build.Version.outputs.stdout'\n          value: '2023'",
    fix: "Close the expression: '{{ build.Version.outputs.stdout }}'.",
  },
  RB2017: {
    example: '            - aws s3 cp {{.ConfigS3Path}} /etc/agent.json',
    fix: 'Write AWSTOE variables without the dot: {{ ConfigS3Path }}.',
  },
  RB2018: {
    example: "        action: CreateFolder\n        inputs:\n          - path: /srv/shared\n            permissions: '2750'",
    fix: 'Use three octal digits (0750 or 750) and set setuid, setgid or the sticky bit with ExecuteBash (chmod 2750 /srv/shared).',
  },
  RB3001: {
    example: 'platform: linux\nparentImage:\n  ssmParameter: /aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base',
    fix: 'Use a parent image of the recipe platform and architecture.',
  },
  RB3002: {
    example: 'architecture: x86_64\nbuild:\n  instanceTypes: [m7g.large]',
    fix: 'Use an Intel/AMD type for x86_64 (m7i.large) or a Graviton type for arm64 (m7g.large).',
  },
  RB3003: {
    example: 'build:\n  instanceMetadata:\n    httpTokens: optional',
    fix: 'Set httpTokens: required, or remove it (required is the default).',
  },
  RB3004: {
    example: 'build:\n  rootVolume:\n    sizeGiB: 30\n    encrypted: false',
    fix: 'Remove encrypted: false (encryption is the default), with kmsKeyId for a customer managed key.',
  },
  RB3005: { example: 'build:\n  terminateOnFailure: false', fix: 'Remove it, or suppress RB3005 with a reason while debugging one build.' },
  RB3006: {
    example: 'distribution:\n  launchPermissions:\n    userGroups: [all]',
    fix: 'Share with organization: true, organizationalUnits or accounts instead.',
  },
  RB3007: {
    example: 'components:\n  - file: components/hardening.yaml   # no such file',
    fix: 'Create the document in the recipe folder or fix the path (relative to recipe.yaml).',
  },
  RB3008: { example: 'components:\n  - managed: update-linux\n  - managed: update-linux', fix: 'Remove one of the two entries.' },
  RB3009: {
    example: 'components:\n  - file: ../shared/hardening.yaml',
    fix: 'Copy the document into the recipe folder and use a relative path.',
  },
  RB3010: { example: 'scanning:\n  inspector: false', fix: 'Remove it, or suppress RB3010 with the reason scanning happens elsewhere.' },
  RB3011: {
    example: 'distribution:\n  amiName: golden-al2023',
    fix: "Add {{ imagebuilder:buildDate }}: amiName: 'golden-al2023-{{ imagebuilder:buildDate }}'.",
  },
  RB3012: {
    example: 'platform: linux\nbuild:\n  workingDirectory: /tmp',
    fix: 'Remove workingDirectory (/var/tmp/imagebuilder is the default) or use a folder on a disk.',
  },
  RB3013: {
    example: 'platform: linux\ncomponents:\n  - managed: update-windows',
    fix: 'Use the component of the recipe platform (update-linux).',
  },
  RB3014: {
    example: 'tests:\n  - file: components/harden.yaml   # has only a build phase',
    fix: 'Give a test component a test phase; keep build components in components.',
  },
  RB3015: { example: 'build:\n  instanceTypes: [t3.micro]', fix: 'Use a large type such as m7i.large or m7g.large.' },
  RB3016: {
    example: 'components:\n  - file: components/harden.yaml\n    version: 1.0.0\n    parameters:\n      Baner: Authorized use only',
    fix: 'Pass exactly the parameters the document declares (the message suggests the closest name).',
  },
  RB3017: {
    example:
      "components:\n  - file: components/report.yaml\n    version: 1.0.0\n    parameters:\n      Version: '{{ build.Version.outputs.stdout }}'",
    fix: "Move the step reference into the component's inputs, or pass a fixed value.",
  },
  RB3018: {
    example: 'build:\n  instanceTypes: [m7g.larg]',
    fix: "Use an existing instance type; the message suggests the closest (here 'm7g.large').",
  },
  RB3019: {
    example: '# recipes/al2023-web/recipe.yaml\nname: al2023-website',
    fix: 'Set name: to the folder name, or rename the folder (a new name is a new recipe stack).',
  },
  RB4001: {
    example:
      'version: 1.2.0            # unchanged\nparentImage:\n  ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.12-x86_64   # changed',
    fix: 'Run pnpm bakery bump <recipe>. Only content behind the version needs it: schedule, distribution, tags and build instances update in place.',
  },
  RB4002: {
    example: 'version: 1.1.9            # 1.2.0 at the base',
    fix: 'Set a version above the one at the base, or run pnpm bakery bump <recipe>.',
  },
  RB4003: {
    example: '# validating outside a git work tree, or with an unknown --base',
    fix: 'Run inside the repository, or set BAKERY_BASE (or --base) to the ref to compare with.',
  },
  RB4004: {
    example:
      '# CI=true in a shallow clone (actions/checkout with its default fetch-depth: 1), or NX_BASE set to a commit git does not have',
    fix: 'Give the job the full history (fetch-depth: 0, or git fetch --unshallow origin) and a base git knows.',
  },
  RB5001: {
    example: '# the bundled template has a property the resource specification does not know',
    fix: 'A defect in the bundler: report it with the recipe that produced it.',
  },
  RB5002: {
    example: '# the bundled template lacks a required property',
    fix: 'A defect in the bundler: report it with the recipe that produced it.',
  },
  RB5003: { example: '# a template value has the wrong type', fix: 'A defect in the bundler: report it with the recipe that produced it.' },
  RB5004: {
    example: '# a template value is outside its allowed values',
    fix: 'Check the recipe value the finding links to; otherwise report it.',
  },
  RB5005: {
    example: '# a Ref or GetAtt names nothing in the template',
    fix: 'A defect in the bundler: report it with the recipe that produced it.',
  },
  RB5006: {
    example: '# a resource type the specification does not know',
    fix: 'A defect in the bundler: report it with the recipe that produced it.',
  },
  RB5007: { example: '# a template without Resources', fix: 'Lint bundled templates only; otherwise report it.' },
  RB5008: {
    example: 'kmsKeyId: arn:aws-cn:kms:cn-north-1:111122223333:key/...   # one partition written in',
    fix: 'Use an alias or key id, or an ARN built with the partition (the bundler does so for its own ARNs).',
  },
  RB5009: {
    example:
      'name: al2023-hardened-with-a-very-long-name\ncomponents:\n  - file: components/harden-ssh-with-an-equally-long-file-name.yaml   # stack name + stem over 128',
    fix: 'Shorten the recipe name or the component file name by the number of characters the message gives.',
  },
  RB5010: {
    example: '# components/harden.yaml holds 22,000 characters once bundled',
    fix: 'Split the document into two components, or download large scripts from S3 in a step.',
  },
  RB5090: {
    example: '# cfn-lint exited with a usage or configuration error',
    fix: 'Check the cfn-lint version and its configuration (.cfnlintrc).',
  },
  RB5091: { example: '# CI=true and no cfn-lint on PATH', fix: 'Install cfn-lint where CI runs (pip install cfn-lint).' },
  RB5092: { example: '# cfn-lint did not finish in time', fix: 'Re-run; on a loaded machine raise the timeout.' },
  RB5093: { example: '# cfn-lint printed something other than its JSON list', fix: 'Check the cfn-lint version; report the output.' },
  RB6000: {
    example: 'suppressions:\n  - id: RB3004\n    reason: shared with a partner   # RB3004 is backed by an invariant',
    fix: 'Remove the suppression and fix the finding it hid: a security invariant holds for every recipe, and the deployer and the Guard hook refuse a template that breaks it.',
  },
  RB6001: {
    example: '# a bundled template whose distribution has LaunchPermissionConfiguration: { UserGroups: [all] }',
    fix: 'Share with the organization, organizational units or accounts through distribution.launchPermissions and bundle with bakery bundle; never with every AWS account, never by editing the bundled template.',
  },
  RB6002: {
    example: 'build:\n  instanceMetadata:\n    httpTokens: optional',
    fix: 'Set build.instanceMetadata.httpTokens to required (the default when the key is left out).',
  },
  RB6003: {
    example: 'build:\n  rootVolume:\n    sizeGiB: 30\n    encrypted: false',
    fix: 'Set encrypted: true on the root volume (and every other volume); give a rootVolume so the image does not inherit an unencrypted parent volume.',
  },
  RB6004: {
    example: '# a template whose role has no PermissionsBoundary (a bundle edited after bakery bundle)',
    fix: 'Bundle the recipe with bakery bundle: every role it writes carries the build-instance or lifecycle boundary parameter. Never edit the bundled template.',
  },
  RB6005: {
    example: '# a role in a bundled template trusting another account or "*"',
    fix: 'Bundle the recipe with bakery bundle: its roles trust only ec2.amazonaws.com or imagebuilder.amazonaws.com. Never edit the bundled template.',
  },
  RB6006: {
    example: '# an inline policy in a bundled template allowing iam:* or sts:AssumeRole on "*"',
    fix: "Bundle the recipe with bakery bundle, whose policies name exact actions on the recipe's own resources. Never edit the bundled template.",
  },
  RB6007: {
    example: '# a bundled template with an AWS::KMS::Key whose policy allows Principal "*"',
    fix: 'Use the bakery key (the ArtifactKeyArn parameter) or a key of your own account managed outside the recipe; a recipe stack never creates a key open to everyone.',
  },
  RB6008: {
    example: '# a bundled template with an AWS::Lambda::Function or a Transform',
    fix: 'Recipes bundle to Image Builder resources, roles and instance profiles only; run anything else from the control plane, never from a recipe stack.',
  },
  RB6009: {
    example: '# a bundled template attaching AdministratorAccess to a role',
    fix: 'Bundle the recipe with bakery bundle: roles attach only AmazonSSMManagedInstanceCore, EC2InstanceProfileForImageBuilder and EC2ImageBuilderLifecycleExecutionPolicy.',
  },
  RB6010: {
    example: '# a bundled template with RoleName: my-role',
    fix: 'Bundle the recipe with bakery bundle: role and instance profile names are generated by CloudFormation under the path /<stack name>/.',
  },
};
