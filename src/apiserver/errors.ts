// The one error type on the wire: a Kubernetes `Status`. Every failure of the API becomes a
// StatusError with Kubernetes' reason, code and message.
import type { ResourceInfo } from '../api/resources.js';
import { qualifiedPlural } from '../api/resources.js';
import type { Status, StatusCause } from '../api/types.js';
import { type FieldError, causeReason, formatFieldError } from '../api/validation/index.js';

/** A failure that is answered with a `kind: Status` body. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string {
    return this.status.reason ?? '';
  }
}

function make(code: number, reason: string, message: string, details?: Status['details']): StatusError {
  // Go's field order (kind, apiVersion, metadata, status, message, reason, details, code): some clients compare bodies.
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
  return new StatusError(s);
}

export const notFound = (r: ResourceInfo, name: string) =>
  make(404, 'NotFound', `${qualifiedPlural(r)} "${name}" not found`, { name, ...(r.group ? { group: r.group } : {}), kind: r.plural });

export const alreadyExists = (r: ResourceInfo, name: string) =>
  make(409, 'AlreadyExists', `${qualifiedPlural(r)} "${name}" already exists`, { name, ...(r.group ? { group: r.group } : {}), kind: r.plural });

export const conflict = (r: ResourceInfo, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
  make(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedPlural(r)} "${name}": ${why}`, { name, ...(r.group ? { group: r.group } : {}), kind: r.plural });

/**
 * 422 for a request a ValidatingAdmissionPolicy denied: the apiserver's Invalid with one error
 * that names no field (`deployments.apps "web" is invalid: : ValidatingAdmissionPolicy ...`).
 */
export function policyInvalid(r: ResourceInfo, name: string, message: string): StatusError {
  return make(422, 'Invalid', `${qualifiedPlural(r)} "${name}" is invalid: : ${message}`, { name, ...(r.group ? { group: r.group } : {}), kind: r.plural, causes: [{ reason: '', message, field: '' }] });
}

/** 405 for a write to the objects of a CRD that is being deleted. */
export const terminatingCRD = (verb: string) => make(405, 'MethodNotAllowed', `${verb} not allowed while custom resource definition is terminating`);

/** Several messages as one, as Go's error aggregate words them: one alone, several in brackets. */
export const aggregate = (msgs: string[]): string => (msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`);

/** 422 Invalid with one cause per field error; the message lists them as the apiserver does. */
export function invalid(r: ResourceInfo, name: string, errs: FieldError[]): StatusError {
  const kind = r.group ? `${r.kind}.${r.group}` : r.kind;
  const msgs = errs.map(formatFieldError);
  const causes: StatusCause[] = errs.map((e) => ({ reason: causeReason(e.type), message: formatFieldError(e).slice(e.field.length + 2), field: e.field }));
  return make(422, 'Invalid', `${kind} "${name}" is invalid: ${aggregate(msgs)}`, { name, ...(r.group ? { group: r.group } : {}), kind: r.kind, causes });
}

/**
 * 422 for a request the apiserver could decode but not apply (a JSON patch that does not apply):
 * its generic wording, with the reason in the causes.
 */
export const unprocessable = (detail: string) => make(422, 'Invalid', 'the server rejected our request due to an error in our request', { causes: [{ reason: 'FieldValueInvalid', message: detail }] });

/** 422 for invalid request options (`DeleteOptions.meta.k8s.io "" is invalid: ...`). */
export function invalidOptions(kind: string, errs: FieldError[]): StatusError {
  const msgs = errs.map(formatFieldError);
  const causes: StatusCause[] = errs.map((e) => ({ reason: causeReason(e.type), message: formatFieldError(e).slice(e.field.length + 2), field: e.field }));
  return make(422, 'Invalid', `${kind}.meta.k8s.io "" is invalid: ${aggregate(msgs)}`, { group: 'meta.k8s.io', kind, causes });
}

/** 409 for server-side apply fields other managers own (one cause per field). */
export const applyConflict = (message: string, causes: StatusCause[]) => make(409, 'Conflict', message, { causes });

/** 504 for a watch or list from a revision the store has not reached (after waiting for it). */
export const tooLargeResourceVersion = (requested: number, current: number) =>
  make(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });

/** 431 for a request line and headers over Node.js's 16 KiB limit. */
export const headersTooLarge = () => make(431, 'RequestHeaderFieldsTooLarge', 'Request Header Fields Too Large: the request line and headers are limited to 16 KiB');

export const badRequest = (message: string, causes?: StatusCause[]) => make(400, 'BadRequest', message, causes ? { causes } : undefined);
export const unauthorized = () => make(401, 'Unauthorized', 'Unauthorized');
export const forbidden = (r: ResourceInfo, name: string, why: string, causes?: StatusCause[]) =>
  make(403, 'Forbidden', `${qualifiedPlural(r)} "${name}" is forbidden: ${why}`, { name, ...(r.group ? { group: r.group } : {}), kind: r.plural, ...(causes ? { causes } : {}) });
/** RBAC's refusal of a request: the whole message made by the authorizer (api/rbac.ts). */
export const forbiddenRequest = (message: string, details?: Status['details']) => make(403, 'Forbidden', message, details);
/** An access review the apiserver's validation refuses. */
export const invalidReview = (kind: string, field: string, why: string) =>
  make(422, 'Invalid', `${kind}.authorization.k8s.io "" is invalid: ${field}: Invalid value: "null": ${why}`, { group: 'authorization.k8s.io', kind, causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: "null": ${why}`, field }] });
export const methodNotSupported = (r: ResourceInfo, verb: string) =>
  make(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualifiedPlural(r)}"`, { ...(r.group ? { group: r.group } : {}), kind: r.plural });
export const gone = (message: string) => make(410, 'Expired', message);
export const tooLarge = (message = 'Request entity too large: limit is 3145728') => make(413, 'RequestEntityTooLarge', message);
/** 415 for a body in a media type minik reads, of a kind it does not read in it. */
export const unsupportedMediaTypeFor = (ct: string, why: string) => make(415, 'UnsupportedMediaType', `the body of the request was in an unsupported format (${ct}): ${why}`);
export const unsupportedMediaType = (ct: string) => make(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got ${ct})`);
/** 415 for a strategic merge patch of a custom object (custom resources have no patch strategies). */
export const strategicNotSupported = () =>
  make(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
export const notAcceptable = () => make(406, 'NotAcceptable', 'the server was unable to respond with a content type that the client supports');
export const notFoundPath = () => make(404, 'NotFound', 'the server could not find the requested resource');
/**
 * A store failure no handler turned into a Status itself: over etcd a write can fail when it
 * commits, because another daemon wrote the object first (409) or etcd did not answer (503).
 */
export function storeFailure(code: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Compacted' | 'Unavailable', message: string): StatusError {
  switch (code) {
    case 'Conflict':
      return make(409, 'Conflict', 'Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again');
    case 'AlreadyExists':
      return make(409, 'AlreadyExists', 'the object already exists');
    case 'Compacted':
      return gone(message);
    case 'NotFound':
      return make(404, 'NotFound', 'the object was not found');
    case 'Unavailable':
      return make(503, 'ServiceUnavailable', `the storage backend is unavailable: ${message}`);
  }
}

export const internal = (message: string) => make(500, 'InternalError', `Internal error occurred: ${message}`);

/** A `status: Success` body, as DELETE may answer. */
export function success(details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}), code: 200 };
}
