// Secrets: `stringData` is write-only, folded into base64 `data` on create and update.
import type { Secret } from '../../api/types.js';
import { defineStrategy } from './strategy.js';

function foldStringData(o: Secret): void {
  if (o.stringData && typeof o.stringData === 'object') {
    o.data = { ...(o.data ?? {}) };
    for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete o.stringData;
  }
}

defineStrategy(['Secret'], {
  keepsStatusOnCreate: true,
  prepareForCreate: foldStringData,
  prepareForUpdate: (o) => foldStringData(o),
});
