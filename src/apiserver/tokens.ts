// The serviceaccounts/token subresource (TokenRequest, authentication.k8s.io/v1): what `kubectl
// create token` and the kubelet's projected tokens ask for. The token is a JWT with the claims a
// service account token carries (issuer, subject, audiences, expiry, the bound namespace and
// service account); minik signs it with HMAC-SHA256 and a key made per daemon process. minik's
// own authentication stays its cluster token: these tokens are for programs that read them.
import { createHmac, randomBytes } from 'node:crypto';
import type { KubeObject, ServiceAccount } from '../api/types.js';
import type { ResourceInfo } from '../api/resources.js';
import * as E from './errors.js';
import { Path } from '../api/validation/field-errors.js';

/** The cluster's service-account issuer, and the audience a token gets when none is asked for. */
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const DEFAULT_EXPIRATION_S = 3600;
const MIN_EXPIRATION_S = 600;
const MAX_EXPIRATION_S = 2 ** 32;

const key = randomBytes(32);
const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export interface TokenRequest extends KubeObject {
  spec?: { audiences?: string[] | null; expirationSeconds?: number | null; boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null };
  status?: { token: string; expirationTimestamp: string };
}

/** Issues a token for a service account: the TokenRequest answered (201), or 422 for a bad request. */
export function requestToken(sa: ServiceAccount, body: unknown, now: number, r: ResourceInfo): TokenRequest {
  const req = (typeof body === 'object' && body !== null ? body : {}) as TokenRequest;
  const name = sa.metadata.name ?? '';
  const expiration = req.spec?.expirationSeconds ?? DEFAULT_EXPIRATION_S;
  const at = new Path('spec').child('expirationSeconds');
  const tr = { ...r, group: 'authentication.k8s.io', kind: 'TokenRequest' };
  if (!Number.isInteger(expiration)) throw E.invalid(tr, name, [at.invalid(expiration, 'must be an integer')]);
  if (expiration < MIN_EXPIRATION_S) throw E.invalid(tr, name, [at.invalid(expiration, 'may not specify a duration less than 10 minutes')]);
  if (expiration > MAX_EXPIRATION_S) throw E.invalid(tr, name, [at.invalid(expiration, 'may not specify a duration larger than 2^32 seconds')]);
  const audiences = req.spec?.audiences?.length ? req.spec.audiences : [ISSUER];
  const iat = Math.floor(now / 1000);
  const exp = iat + expiration;
  const claims = {
    aud: audiences,
    exp,
    iat,
    iss: ISSUER,
    jti: randomBytes(16).toString('hex'),
    'kubernetes.io': { namespace: sa.metadata.namespace, serviceaccount: { name, uid: sa.metadata.uid } },
    nbf: iat,
    sub: `system:serviceaccount:${sa.metadata.namespace}:${name}`,
  };
  const unsigned = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  const token = `${unsigned}.${b64url(createHmac('sha256', key).update(unsigned).digest())}`;
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace: sa.metadata.namespace, creationTimestamp: null as unknown as string },
    spec: { audiences, expirationSeconds: expiration, boundObjectRef: req.spec?.boundObjectRef ?? null },
    status: { token, expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
  };
}
