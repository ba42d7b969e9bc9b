// Validation entry points: every error of an object at once, for create and for update
// (including the fields Kubernetes makes immutable).
import { semanticEqual } from '../equal.js';
import type { ResourceInfo } from '../resources.js';
import type { KubeObject } from '../types.js';
import { type FieldError, Path } from './field-errors.js';
import { validateObjectMeta } from './meta.js';
import { validatePodSpec } from './pod.js';
import { validateService } from './service.js';
import { validateConfigMap, validateSecret } from './config.js';
import * as w from './workloads.js';

const PER_KIND: Record<string, (o: KubeObject) => FieldError[]> = {
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
};

function validateIngress(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = new Path('spec');
  const s = o.spec ?? {};
  if (!s.defaultBackend && (s.rules ?? []).length === 0) errs.push(spec.child('rules').required('either `defaultBackend` or `rules` must be specified'));
  (s.rules ?? []).forEach((r: any, i: number) => {
    (r?.http?.paths ?? []).forEach((p: any, j: number) => {
      const pp = spec.child('rules').index(i).child('http').child('paths').index(j);
      if (!['Exact', 'Prefix', 'ImplementationSpecific'].includes(p.pathType)) errs.push(pp.child('pathType').notSupported(p.pathType, ['Exact', 'ImplementationSpecific', 'Prefix']));
      if (p.path && !p.path.startsWith('/')) errs.push(pp.child('path').invalid(p.path, "must be an absolute path"));
      const b = p.backend ?? {};
      if (!b.service && !b.resource) errs.push(pp.child('backend').invalid(b, 'must specify a backend'));
      if (b.service && !b.service.port) errs.push(pp.child('backend').child('service').child('port').required());
      if (b.service?.port && b.service.port.name && b.service.port.number) errs.push(pp.child('backend').child('service').child('port').invalid(b.service.port, 'cannot set both port name & port number'));
    });
  });
  return errs;
}

/** Every validation error of an object about to be created. */
export function validateCreate(r: ResourceInfo, o: KubeObject): FieldError[] {
  return [...validateObjectMeta(r.kind, r.namespaced, o.metadata ?? {}), ...(PER_KIND[r.kind]?.(o) ?? [])];
}


/** Fields that may not change once set, per kind: [path to read, field path in the error]. */
const IMMUTABLE: Record<string, [(o: KubeObject) => unknown, string, string?][]> = {
  Deployment: [[(o) => o.spec?.selector, 'spec.selector', 'field is immutable']],
  ReplicaSet: [[(o) => o.spec?.selector, 'spec.selector', 'field is immutable']],
  DaemonSet: [[(o) => o.spec?.selector, 'spec.selector', 'field is immutable']],
  StatefulSet: [[(o) => o.spec?.selector, 'spec.selector', 'field is immutable']],
  Job: [
    [(o) => o.spec?.selector, 'spec.selector', 'field is immutable'],
    [(o) => o.spec?.completions, 'spec.completions', 'field is immutable'],
  ],
  Pod: [[(o) => o.spec?.nodeName, 'spec.nodeName', 'field is immutable']],
};

/** Every validation error of an update from `old` to `o`, immutable fields included. */
export function validateUpdate(r: ResourceInfo, o: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateCreate(r, o);
  for (const [get, field, detail] of IMMUTABLE[r.kind] ?? []) {
    const before = get(old);
    if (before !== undefined && !semanticEqual(before, get(o))) errs.push({ type: 'Invalid', field, value: get(o), detail });
  }
  if (r.kind === 'Service') {
    const before = old.spec?.clusterIP;
    const after = o.spec?.clusterIP;
    if (before && before !== after && !(old.spec?.type === 'ExternalName' || o.spec?.type === 'ExternalName'))
      errs.push({ type: 'Invalid', field: 'spec.clusterIPs[0]', value: after ?? '', detail: 'may not change once set' });
  }
  if ((r.kind === 'ConfigMap' || r.kind === 'Secret') && old.immutable === true) {
    if (!semanticEqual(old.data, o.data) || !semanticEqual(old.binaryData, o.binaryData))
      errs.push({ type: 'Forbidden', field: 'data', detail: 'field is immutable when `immutable` is set' });
    if (o.immutable !== true) errs.push({ type: 'Forbidden', field: 'immutable', detail: 'field is immutable when `immutable` is set' });
  }
  if (r.kind === 'Pod' && old.spec && o.spec) {
    // Only image fields (and a few others) may change on a pod; the spec is otherwise immutable.
    const strip = (s: any) => ({ ...s, containers: (s.containers ?? []).map((c: any) => ({ ...c, image: undefined })), initContainers: (s.initContainers ?? []).map((c: any) => ({ ...c, image: undefined })), activeDeadlineSeconds: undefined, tolerations: undefined, terminationGracePeriodSeconds: undefined });
    if (!semanticEqual(strip(old.spec), strip(o.spec)))
      errs.push({ type: 'Forbidden', field: 'spec', detail: 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)' });
  }
  return errs;
}

export { formatFieldError, causeReason } from './field-errors.js';
export type { FieldError } from './field-errors.js';
