import type { ComponentRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { asArray, asRecord } from '../util.js';
import { stepsOf } from './document.js';

/** Modules AWSTOE runs on one platform only, with what to use on the other one. */
const WINDOWS_ONLY: Readonly<Record<string, string>> = {
  ExecutePowerShell: 'use ExecuteBash',
  SetRegistry: 'drop the step or move it to a Windows component',
  InstallMSI: 'install the package with ExecuteBash (dnf, yum or apt)',
  UninstallMSI: 'remove the package with ExecuteBash (dnf, yum or apt)',
};
const NOT_ON_WINDOWS: Readonly<Record<string, string>> = {
  ExecuteBash: 'use ExecutePowerShell',
  CreateSymlink: 'use ExecutePowerShell with New-Item -ItemType SymbolicLink',
  SetFileOwner: 'use ExecutePowerShell with Set-Acl',
  SetFolderOwner: 'use ExecutePowerShell with Set-Acl',
  SetFilePermissions: 'use ExecutePowerShell with icacls',
  SetFolderPermissions: 'use ExecutePowerShell with icacls',
};
/** CreateFile and CreateFolder reject these inputs on Windows. */
const POSIX_INPUTS = ['owner', 'group', 'permissions'];

export const actionPlatform: ComponentRule = {
  id: 'RB2006',
  slug: 'action-platform',
  severity: 'error',
  description: 'Action modules and inputs match the platform of the recipe that uses the component.',
  appliesTo: 'component',
  check({ data, platform }) {
    if (platform === undefined) return [];
    const hits: RuleHit[] = [];
    for (const step of stepsOf(data)) {
      const action = step.action ?? '';
      const name = step.name ?? `step ${step.stepIndex + 1}`;
      if (platform === 'linux' && action in WINDOWS_ONLY) {
        hits.push({
          path: [...step.path, 'action'],
          message: `${action} runs only on Windows, but this component is used by a Linux recipe (step '${name}'); ${WINDOWS_ONLY[action]}.`,
        });
      }
      if (platform === 'windows' && action in NOT_ON_WINDOWS) {
        hits.push({
          path: [...step.path, 'action'],
          message: `${action} does not run on Windows, but this component is used by a Windows recipe (step '${name}'); ${NOT_ON_WINDOWS[action]}.`,
        });
      }
      if (platform === 'windows' && (action === 'CreateFile' || action === 'CreateFolder')) {
        asArray(step.step.inputs).forEach((entry, index) => {
          for (const key of POSIX_INPUTS) {
            if (key in asRecord(entry)) {
              hits.push({
                path: [...step.path, 'inputs', index, key],
                at: 'key',
                message: `${action} fails on Windows when ${key} is set (step '${name}'); remove it and set ACLs with ExecutePowerShell if needed.`,
              });
            }
          }
        });
      }
    }
    return hits;
  },
};
