// Validation of custom objects: their metadata as any object's, the rest against their CRD
// version's structural schema.
import type { ResourceInfo } from '../resources.js';
import { validateSchema } from '../structural.js';
import type { KubeObject } from '../types.js';
import type { FieldError } from './field-errors.js';
import { validateObjectMeta } from './meta.js';

/** Every validation error of a custom object (`old`: the stored one, on update, for transition rules). */
export function validateCustomObject(r: ResourceInfo, o: KubeObject, old?: KubeObject): FieldError[] {
  return [...validateObjectMeta(r.kind, r.namespaced, o.metadata ?? {}), ...validateSchema(r.custom?.schema, o, old)];
}
