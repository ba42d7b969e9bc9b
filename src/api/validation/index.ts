// Validation entry points: every error of an object at once, for create and for update
// (including the fields Kubernetes makes immutable).
import { semanticEqual } from '../equal.js';
import type { ResourceInfo } from '../resources.js';
import type { ConfigMap, Ingress, IngressBackend, KubeObject, PerKind, PodSpec, Secret, Service } from '../types.js';
import { byKind, isKind } from '../types.js';
import { type FieldError, Path } from './field-errors.js';
import { validateObjectMeta } from './meta.js';
import { validatePodSpec } from './pod.js';
import { validateService } from './service.js';
import { validateConfigMap, validateSecret } from './config.js';
import { validateLimitRange } from './limit-range.js';
import { validateCRD, validateCRDUpdate } from './crd.js';
import * as admissionConfig from './admission-config.js';
import { validateCustomObject } from './custom-resource.js';
import * as w from './workloads.js';

const PER_KIND: PerKind<FieldError[]> = {
  Pod: (o) => validatePodSpec(o.spec, new Path('spec')),
  Deployment: w.validateDeployment,
  ReplicaSet: w.validateReplicaSet,
  ReplicationController: w.validateReplicationController,
  DaemonSet: w.validateDaemonSet,
  StatefulSet: w.validateStatefulSet,
  Job: w.validateJob,
  CronJob: w.validateCronJob,
  HorizontalPodAutoscaler: w.validateHPA,
  Service: validateService,
  ConfigMap: validateConfigMap,
  Secret: validateSecret,
  Ingress: validateIngress,
  LimitRange: validateLimitRange,
  CustomResourceDefinition: validateCRD,
  ValidatingWebhookConfiguration: admissionConfig.validateValidatingWebhookConfiguration,
  MutatingWebhookConfiguration: admissionConfig.validateMutatingWebhookConfiguration,
  ValidatingAdmissionPolicy: admissionConfig.validateValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding: admissionConfig.validateValidatingAdmissionPolicyBinding,
};

function validateIngress(o: Ingress): FieldError[] {
  const errs: FieldError[] = [];
  const spec = new Path('spec');
  const s = o.spec ?? {};
  if (!s.defaultBackend && (s.rules ?? []).length === 0) errs.push(spec.child('rules').required('either `defaultBackend` or `rules` must be specified'));
  (s.rules ?? []).forEach((r, i) => {
    (r?.http?.paths ?? []).forEach((p, j) => {
      const pp = spec.child('rules').index(i).child('http').child('paths').index(j);
      if (!['Exact', 'Prefix', 'ImplementationSpecific'].includes(p.pathType)) errs.push(pp.child('pathType').notSupported(p.pathType, ['Exact', 'ImplementationSpecific', 'Prefix']));
      if (p.path && !p.path.startsWith('/')) errs.push(pp.child('path').invalid(p.path, "must be an absolute path"));
      const b: IngressBackend = p.backend ?? {};
      if (!b.service && !b.resource) errs.push(pp.child('backend').invalid(b, 'must specify a backend'));
      if (b.service && !b.service.port) errs.push(pp.child('backend').child('service').child('port').required());
      if (b.service?.port && b.service.port.name && b.service.port.number) errs.push(pp.child('backend').child('service').child('port').invalid(b.service.port, 'cannot set both port name & port number'));
    });
  });
  return errs;
}

/** Every validation error of an object about to be created. */
export function validateCreate(r: ResourceInfo, o: KubeObject): FieldError[] {
  if (r.custom) return validateCustomObject(r, o);
  return [...validateObjectMeta(r.kind, r.namespaced, o.metadata ?? {}), ...(byKind(PER_KIND, r.kind, o) ?? [])];
}


/** Fields that may not change once set, per kind: [path to read, field path in the error]. */
const IMMUTABLE: Record<string, [string, string][]> = {
  Deployment: [['selector', 'field is immutable']],
  ReplicaSet: [['selector', 'field is immutable']],
  DaemonSet: [['selector', 'field is immutable']],
  StatefulSet: [['selector', 'field is immutable']],
  Job: [
    ['selector', 'field is immutable'],
    ['completions', 'field is immutable'],
  ],
  Pod: [['nodeName', 'field is immutable']],
};

/** A field of an object's spec, whatever the kind (decoding made the spec an object or left it out). */
function specField(o: KubeObject, field: string): unknown {
  return (o.spec as Record<string, unknown> | undefined)?.[field];
}

/** Every validation error of an update from `old` to `o`, immutable fields included. */
/** A pod's affinity without its node affinity (undefined when nothing else is left). */
function withoutNodeAffinity(a: PodSpec['affinity']): PodSpec['affinity'] {
  if (!a) return undefined;
  const { nodeAffinity: _, ...rest } = a;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

export function validateUpdate(r: ResourceInfo, o: KubeObject, old: KubeObject): FieldError[] {
  if (r.custom) return validateCustomObject(r, o, old);
  if (isKind(o, 'CustomResourceDefinition') && isKind(old, 'CustomResourceDefinition')) return [...validateObjectMeta(r.kind, r.namespaced, o.metadata ?? {}), ...validateCRDUpdate(o, old)];
  const errs = validateCreate(r, o);
  for (const [field, detail] of IMMUTABLE[r.kind] ?? []) {
    const before = specField(old, field);
    if (before !== undefined && !semanticEqual(before, specField(o, field))) errs.push({ type: 'Invalid', field: `spec.${field}`, value: specField(o, field), detail });
  }
  // Below, `r.kind` says which kind both objects are.
  if (r.kind === 'Service') {
    const [was, now] = [old as Service, o as Service];
    const before = was.spec?.clusterIP;
    const after = now.spec?.clusterIP;
    if (before && before !== after && !(was.spec?.type === 'ExternalName' || now.spec?.type === 'ExternalName'))
      errs.push({ type: 'Invalid', field: 'spec.clusterIPs[0]', value: after ?? '', detail: 'may not change once set' });
  }
  if ((r.kind === 'ConfigMap' || r.kind === 'Secret') && old.immutable === true) {
    const [was, now] = [old as ConfigMap | Secret, o as ConfigMap | Secret];
    if (!semanticEqual(was.data, now.data) || !semanticEqual((was as ConfigMap).binaryData, (now as ConfigMap).binaryData))
      errs.push({ type: 'Forbidden', field: 'data', detail: 'field is immutable when `immutable` is set' });
    if (o.immutable !== true) errs.push({ type: 'Forbidden', field: 'immutable', detail: 'field is immutable when `immutable` is set' });
  }
  if (r.kind === 'Pod' && old.spec && o.spec) {
    // Only image fields (and a few others) may change on a pod; the spec is otherwise immutable.
    // While it has scheduling gates, gates may be removed (not added), nodeSelector entries
    // added and its node affinity changed (kube-apiserver's rules for gated pods).
    const [was, now] = [old.spec as PodSpec, o.spec as PodSpec];
    const gated = (was.schedulingGates?.length ?? 0) > 0;
    const before = new Set((was.schedulingGates ?? []).map((g) => g.name));
    for (const g of now.schedulingGates ?? []) if (!before.has(g.name)) errs.push({ type: 'Forbidden', field: 'spec.schedulingGates', detail: `only deletion is allowed, but found new scheduling gate '${g.name}'` });
    const selectorGrows = gated && Object.entries(was.nodeSelector ?? {}).every(([k, v]) => now.nodeSelector?.[k] === v);
    const strip = (s: PodSpec) => ({
      ...s,
      containers: (s.containers ?? []).map((c) => ({ ...c, image: undefined })),
      initContainers: (s.initContainers ?? []).map((c) => ({ ...c, image: undefined })),
      activeDeadlineSeconds: undefined,
      tolerations: undefined,
      terminationGracePeriodSeconds: undefined,
      schedulingGates: undefined,
      nodeSelector: selectorGrows ? undefined : s.nodeSelector,
      affinity: gated ? withoutNodeAffinity(s.affinity) : s.affinity,
    });
    if (!semanticEqual(strip(was), strip(now)))
      errs.push({ type: 'Forbidden', field: 'spec', detail: 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)' });
  }
  return errs;
}

export { formatFieldError, causeReason } from './field-errors.js';
export type { FieldError } from './field-errors.js';
