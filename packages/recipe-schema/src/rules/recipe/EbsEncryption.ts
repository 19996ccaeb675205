import type { RecipeRule } from '../../rule.js';
import { forbidFalse } from './recipe-fields.js';

const PATH = ['build', 'rootVolume', 'encrypted'];

export const ebsEncryption: RecipeRule = {
  id: 'RB3004',
  slug: 'ebs-encryption',
  severity: 'error',
  description: 'The root volume, and so every snapshot of the AMI, is encrypted.',
  appliesTo: 'recipe',
  check: forbidFalse(
    PATH,
    'encrypted: false leaves the AMI snapshots unencrypted; remove it (encryption is the default) or set it to true, with kmsKeyId for a customer managed key.',
  ),
};
