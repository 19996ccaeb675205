import path from 'node:path';
import type { RecipeRule } from '../../rule.js';
import { asString } from '../util.js';
import { platformOf, valueAt } from './recipe-fields.js';

const PATH = ['build', 'workingDirectory'];
/** tmpfs mounts that STIG and CIS hardening mount noexec. */
const NOEXEC_MOUNTS = ['/tmp', '/dev/shm'];

export const workingDirectoryNoexec: RecipeRule = {
  id: 'RB3012',
  slug: 'working-directory-noexec',
  severity: 'warning',
  description: 'On Linux, AWSTOE does not run from /tmp, which hardening may mount noexec.',
  appliesTo: 'recipe',
  check({ data }) {
    if (platformOf(data) !== 'linux') return [];
    const directory = asString(valueAt(data, PATH))?.trim();
    if (!directory) return [];
    const normalized = path.posix.normalize(directory);
    const mount = NOEXEC_MOUNTS.find((m) => normalized === m || normalized.startsWith(`${m}/`));
    if (!mount) return [];
    return [
      {
        path: PATH,
        message: `${directory} is under ${mount}, a tmpfs (as on Amazon Linux 2023) that STIG and CIS hardening may mount noexec, which breaks the steps after hardening and the test stage; use /var/tmp/imagebuilder (the default) or remove workingDirectory.`,
      },
    ];
  },
};
