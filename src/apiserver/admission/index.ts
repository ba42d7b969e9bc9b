// The admission chain for creates and updates, in kube-apiserver's order: mutating plugins before
// the kind's validation, validating plugins after it. A new plugin is a file here and a row below.
import type { KubeObject } from '../../api/types.js';
import { defaultIngressClass, defaultStorageClass } from './default-classes.js';
import { limitRangerDefaults, limitRangerValidation } from './limit-ranger.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { priority } from './priority.js';
import { resourceQuota } from './resource-quota.js';
import { serviceAccount } from './service-account.js';
import { validatingAdmissionPolicy } from './validating-admission-policy.js';
import type { AdmissionAttributes, MutatingPlugin, ValidatingPlugin } from './plugin.js';

export type { AdmissionAttributes, MutatingPlugin, Operation, ValidatingPlugin } from './plugin.js';

/** Mutating admission, in order. */
export const MUTATING: MutatingPlugin[] = [limitRangerDefaults, serviceAccount, defaultStorageClass, defaultIngressClass, priority];

/** Validating admission, in order. */
export const VALIDATING: ValidatingPlugin[] = [namespaceLifecycle, limitRangerValidation, validatingAdmissionPolicy, resourceQuota];

const applies = (p: { kinds?: string[]; operations?: string[] }, a: AdmissionAttributes) =>
  (!p.kinds || p.kinds.includes(a.r.kind)) && (p.operations ?? ['CREATE']).includes(a.operation);

/** Runs every mutating plugin that looks at the object's kind and the operation. */
export function mutate(a: AdmissionAttributes, o: KubeObject): void {
  for (const p of MUTATING) if (applies(p, a)) p.admit(a, o);
}

/** Runs every validating plugin that looks at the object's kind and the operation; the first refusal throws. */
export function validate(a: AdmissionAttributes, o: KubeObject): void {
  for (const p of VALIDATING) if (applies(p, a)) p.validate(a, o);
}
