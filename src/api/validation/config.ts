// ConfigMap and Secret validation: keys, sizes, secret types.
import { configMapKey } from '../names.js';
import type { ConfigMap, Secret } from '../types.js';
import { type FieldError, Path } from './field-errors.js';

const MAX_SIZE = 1024 * 1024;

export function validateConfigMap(o: ConfigMap): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const field of ['data', 'binaryData'] as const) {
    for (const [k, v] of Object.entries<string>(o[field] ?? {})) {
      for (const msg of configMapKey(k)) errs.push(new Path(field).invalid(k, msg));
      if (field === 'data' && o.binaryData && k in o.binaryData) errs.push(new Path(field).invalid(k, 'duplicate of key present in binaryData'));
      total += k.length + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
    }
  }
  if (total > MAX_SIZE) errs.push({ type: 'TooLong', field: '', detail: `must have at most ${MAX_SIZE} bytes` });
  return errs;
}

const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/basic-auth': [],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

export function validateSecret(o: Secret): FieldError[] {
  const errs: FieldError[] = [];
  const data = new Path('data');
  let total = 0;
  for (const [k, v] of Object.entries<string>(o.data ?? {})) {
    for (const msg of configMapKey(k)) errs.push(data.invalid(k, msg));
    if (typeof v === 'string' && !/^[A-Za-z0-9+/]*={0,2}$/.test(v.replace(/\s/g, ''))) errs.push(data.key(k).invalid('<secret contents redacted>', 'illegal base64 data'));
    total += typeof v === 'string' ? Math.floor((v.length * 3) / 4) : 0;
  }
  if (total > MAX_SIZE) errs.push(data.tooLong(MAX_SIZE));
  for (const key of REQUIRED_KEYS[o.type ?? ''] ?? []) if (!(key in (o.data ?? {}))) errs.push(data.key(key).required());
  return errs;
}
