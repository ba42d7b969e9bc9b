// The admission chain for creates, in kube-apiserver's order: mutating plugins before the kind's
// validation, validating plugins after it. A new plugin is a file here and a row below.
// (ServiceAccount, which Kubernetes also runs as a plugin, is a pod admission default in
// api/defaults.ts today.)
import type { KubeObject } from '../../api/types.js';
import { defaultIngressClass, defaultStorageClass } from './default-classes.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { priority } from './priority.js';
import type { AdmissionAttributes, MutatingPlugin, ValidatingPlugin } from './plugin.js';

export type { AdmissionAttributes, MutatingPlugin, ValidatingPlugin } from './plugin.js';

/** Mutating admission, in order. */
export const MUTATING: MutatingPlugin[] = [defaultStorageClass, defaultIngressClass, priority];

/** Validating admission, in order. */
export const VALIDATING: ValidatingPlugin[] = [namespaceLifecycle];

const applies = (p: { kinds?: string[] }, kind: string) => !p.kinds || p.kinds.includes(kind);

/** Runs every mutating plugin that looks at the object's kind. */
export function mutate(a: AdmissionAttributes, o: KubeObject): void {
  for (const p of MUTATING) if (applies(p, a.r.kind)) p.admit(a, o);
}

/** Runs every validating plugin that looks at the object's kind; the first refusal throws. */
export function validate(a: AdmissionAttributes, o: KubeObject): void {
  for (const p of VALIDATING) if (applies(p, a.r.kind)) p.validate(a, o);
}
