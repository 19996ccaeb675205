import type { RecipeRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { asRecord, asString } from '../util.js';
import { architectureOf, platformOf } from './recipe-fields.js';

type Os = 'linux' | 'windows';
type Arch = 'x86_64' | 'arm64';

const LINUX_HINTS = /linux|ubuntu|canonical|debian|suse|rhel|red-?hat|centos|rocky|alma|fedora|bottlerocket/;

/** Operating system named by an SSM parameter path or a managed image name; undefined when it names none. */
function osOf(reference: string): Os | undefined {
  const lower = reference.toLowerCase();
  if (lower.includes('windows')) return 'windows';
  return LINUX_HINTS.test(lower) ? 'linux' : undefined;
}

/** Architecture named by the reference. EC2 publishes Windows images for x86_64 only. */
function architectureOfReference(reference: string): Arch | undefined {
  const lower = reference.toLowerCase();
  if (/arm64|aarch64/.test(lower)) return 'arm64';
  if (/x86_64|amd64|(?:^|[-_/])x86(?:$|[-_/])/.test(lower)) return 'x86_64';
  return osOf(lower) === 'windows' ? 'x86_64' : undefined;
}

/** The same reference for the other architecture, when a plain substitution gives it. */
function otherArchitecture(key: string, reference: string, wanted: Arch): string | undefined {
  if (wanted === 'x86_64') {
    if (key === 'managedImage') return reference.replace(/-arm64(?=\/|$)/, '-x86');
    return reference.replace(/arm64|aarch64/, /canonical|debian/i.test(reference) ? 'amd64' : 'x86_64');
  }
  if (osOf(reference) === 'windows') return undefined;
  if (key === 'managedImage') return reference.replace(/-x86(?=\/|$)/, '-arm64');
  return reference.replace(/x86_64|amd64/, 'arm64');
}

const EXAMPLE_PARENT: Record<Os, string> = {
  linux: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
  windows: '/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base',
};

export const parentImagePlatform: RecipeRule = {
  id: 'RB3001',
  slug: 'parent-image-platform',
  severity: 'error',
  description: 'The parent image matches the recipe platform and architecture.',
  appliesTo: 'recipe',
  check({ data }) {
    const platform = platformOf(data);
    const architecture = architectureOf(data);
    const parent = asRecord(asRecord(data).parentImage);
    const hits: RuleHit[] = [];
    for (const key of ['ssmParameter', 'managedImage'] as const) {
      const reference = asString(parent[key])?.trim();
      if (!reference) continue;
      const path = ['parentImage', key];
      const os = osOf(reference);
      if (platform && os && os !== platform) {
        hits.push({
          path,
          message: `The parent image '${reference}' is a ${label(os)} image but platform is ${platform}; use a ${label(platform)} parent such as ${EXAMPLE_PARENT[platform]}, or set platform: ${os}.`,
        });
        continue;
      }
      const arch = architectureOfReference(reference);
      if (architecture && arch && arch !== architecture) {
        const swapped = otherArchitecture(key, reference, architecture);
        const fix =
          swapped && swapped !== reference
            ? `use the ${architecture} variant '${swapped}'`
            : `use a parent image built for ${architecture}`;
        const windowsNote = os === 'windows' ? ' (EC2 has Windows images for x86_64 only)' : '';
        hits.push({
          path,
          message: `The parent image '${reference}' is an ${arch} image${windowsNote} but architecture is ${architecture}; ${fix}, or set architecture: ${arch} with matching instance types.`,
        });
      }
    }
    return hits;
  },
};

function label(os: Os): string {
  return os === 'windows' ? 'Windows' : 'Linux';
}
