// Parsing Kubernetes REST paths into what they address.
import { type Conversion, conversionFor } from '../api/conversion.js';
import { BUILTIN, type ResourceCatalog, type ResourceInfo } from '../api/resources.js';

/** The stored resource behind a path, directly or through an alternate version. */
function lookup(cat: ResourceCatalog, group: string, version: string, plural: string): { r: ResourceInfo; convert?: Conversion } | undefined {
  const r = cat.forPath(group, version, plural);
  if (r) return { r };
  const c = conversionFor(group, version, plural);
  if (!c) return undefined;
  const stored = cat.forKind(c.stored, c.kind);
  return stored ? { r: stored, convert: c } : undefined;
}

/** What a request path addresses. */
export type Route =
  | { type: 'resource'; r: ResourceInfo; namespace?: string; name?: string; subresource?: string; convert?: Conversion }
  | { type: 'discovery'; what: 'api' | 'apis' | 'group' | 'groupVersion'; group: string; version: string }
  | { type: 'version' | 'health' | 'openapi-v2' | 'openapi-v3' | 'openapi-v3-gv'; path: string }
  | { type: 'unknown' };

/** Maps a URL path, as its decoded segments, to a route among the catalog's resources; `unknown` when nothing is served there. */
export function parsePath(parts: string[], cat: ResourceCatalog = BUILTIN): Route {
  if (parts.length === 0) return { type: 'unknown' };
  const pathname = '/' + parts.join('/');
  if (parts[0] === 'version' && parts.length === 1) return { type: 'version', path: pathname };
  if (['healthz', 'readyz', 'livez'].includes(parts[0])) return { type: 'health', path: pathname };
  if (parts[0] === 'openapi') {
    if (parts[1] === 'v2') return { type: 'openapi-v2', path: pathname };
    if (parts[1] === 'v3') return parts.length === 2 ? { type: 'openapi-v3', path: pathname } : { type: 'openapi-v3-gv', path: parts.slice(2).join('/') };
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { type: 'discovery', what: 'api', group: '', version: '' };
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { type: 'discovery', what: 'apis', group: '', version: '' };
    if (parts.length === 2) return { type: 'discovery', what: 'group', group: parts[1], version: '' };
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return { type: 'unknown' };
  if (rest.length === 0) return { type: 'discovery', what: 'groupVersion', group, version };

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const inner = lookup(cat, group, version, rest[2])?.r;
    if (inner && inner.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const found = lookup(cat, group, version, rest[0]);
  if (!found || rest.length > 3) return { type: 'unknown' };
  const { r, convert } = found;
  if (namespace === undefined && r.namespaced && rest.length > 1) return { type: 'unknown' };
  const name = rest[1];
  const subresource = rest[2];
  if (subresource && !r.subresources.includes(subresource)) return { type: 'unknown' };
  return { type: 'resource', r, namespace, name, subresource, ...(convert ? { convert } : {}) };
}
