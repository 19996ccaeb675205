import type { ComponentRule } from '../../rule.js';
import type { RuleHit } from '../../types.js';
import { asArray, asRecord, asString } from '../util.js';
import { stepsOf } from './document.js';

export const webDownloadChecksum: ComponentRule = {
  id: 'RB2009',
  slug: 'webdownload-checksum',
  severity: 'warning',
  description: 'Every WebDownload entry verifies a checksum and keeps TLS certificate validation on.',
  appliesTo: 'component',
  check({ data }) {
    const hits: RuleHit[] = [];
    for (const step of stepsOf(data)) {
      if (step.action !== 'WebDownload') continue;
      asArray(step.step.inputs).forEach((raw, index) => {
        const entry = asRecord(raw);
        const path = [...step.path, 'inputs', index];
        const source = asString(entry.source) ?? 'this file';
        if (entry.checksum === undefined || entry.checksum === null || entry.checksum === '') {
          hits.push({
            path,
            message: `WebDownload of ${source} has no checksum: a changed or tampered file would go into the image unnoticed. Add checksum: <hash> and algorithm: SHA256.`,
          });
        }
        if (entry.ignoreCertificateErrors === true) {
          hits.push({
            path: [...path, 'ignoreCertificateErrors'],
            message: `ignoreCertificateErrors: true lets anyone on the network path replace ${source}; remove it and fix the server's certificate (or fetch the file from S3 with S3Download).`,
          });
        }
      });
    }
    return hits;
  },
};
