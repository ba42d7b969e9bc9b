// References that resolve to nothing: what a pod template, a claim, an Ingress, an autoscaler,
// a disruption budget or a Service names, looked up in the checked set (and what every cluster
// has: system namespaces, the default ServiceAccount, StorageClass and IngressClass). A pure
// function of the objects; messages are worded as the component that would fail says it.
import { LabelIndex } from '../api/label-index.js';
import { fromLabelSelector, matches } from '../api/labels.js';
import type { KubeObject } from '../api/types.js';
import type { Finding, Severity } from './findings.js';

/** An object of the set with where it is written. */
export interface SetObject {
  object: KubeObject;
  namespace: string;
  source: string;
  line: number;
  lineOf?: (field: string) => number | undefined;
}

/** Objects every cluster has, so references to them resolve: `Kind/namespace/name` keys. */
export interface Builtins {
  has(kind: string, namespace: string, name: string): boolean;
}

/**
 * A part of an object as its manifest wrote it. The reference checks run on objects that may not
 * pass validation, so every field is tested (isObj, list, typeof) before it is used: the one
 * loose type of this file, on purpose.
 */
type Loose = Record<string, any>;

/** A pod spec inside an object, with the field path it is at and the labels its pods get. */
export interface PodTemplate {
  spec: Loose;
  labels: Record<string, string>;
  path: string;
}

/** The pod specs an object carries: a Pod's own, a workload's template, a CronJob's job template's. */
export function podTemplates(o: KubeObject): PodTemplate[] {
  const tpl = (t: unknown, path: string): PodTemplate[] => (isObj(t) && isObj(t.spec) ? [{ spec: t.spec, labels: t.metadata?.labels ?? {}, path: `${path}.spec` }] : []);
  const spec = specOf(o);
  switch (o.kind) {
    case 'Pod':
      return isObj(o.spec) ? [{ spec: o.spec, labels: o.metadata.labels ?? {}, path: 'spec' }] : [];
    case 'Deployment':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'DaemonSet':
    case 'StatefulSet':
    case 'Job':
      return tpl(spec.template, 'spec.template');
    case 'CronJob':
      return tpl(spec.jobTemplate?.spec?.template, 'spec.jobTemplate.spec.template');
    default:
      return [];
  }
}

const SYSTEM_PRIORITY_CLASSES = new Set(['system-cluster-critical', 'system-node-critical']);
const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

const isObj = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Loose[] => (Array.isArray(v) ? v : []);
/** An object's spec as written, or an empty one. */
const specOf = (o: KubeObject): Loose => (isObj(o.spec) ? o.spec : {});

/** Finds every reference in the set that resolves to nothing. */
export function checkReferences(set: SetObject[], builtins: Builtins): Finding[] {
  const defined = new Map<string, SetObject>();
  const key = (kind: string, ns: string, name: string) => `${kind}/${ns}/${name}`;
  for (const s of set) defined.set(key(s.object.kind!, s.object.metadata.namespace ? s.namespace : '', s.object.metadata.name ?? ''), s);
  const find = (kind: string, ns: string, name: string) => defined.get(key(kind, ns, name));
  const exists = (kind: string, ns: string, name: string) => !!find(kind, ns, name) || builtins.has(kind, ns, name);
  const templates = new LabelIndex<OwnedTemplate>();
  for (const s of set) for (const t of podTemplates(s.object)) templates.add(s.namespace, t.labels, { ...t, owner: s });

  const out: Finding[] = [];
  const report = (s: SetObject, severity: Severity, field: string, message: string) =>
    out.push({
      severity,
      check: 'reference',
      message,
      field,
      source: s.source,
      line: s.lineOf?.(field) ?? s.line,
      object: { apiVersion: s.object.apiVersion, kind: s.object.kind!, ...(s.object.metadata.namespace ? { namespace: s.namespace } : {}), name: s.object.metadata.name ?? '' },
    });

  for (const s of set) {
    const o = s.object;
    const spec = specOf(o);
    const ns = s.namespace;
    for (const t of podTemplates(o)) checkPodSpec(s, t, ns, exists, find, report);
    if (o.kind === 'PersistentVolumeClaim') checkStorageClass(s, spec.storageClassName, 'spec.storageClassName', exists, report);
    if (o.kind === 'StatefulSet')
      list(spec.volumeClaimTemplates).forEach((c, i) => checkStorageClass(s, c?.spec?.storageClassName, `spec.volumeClaimTemplates[${i}].spec.storageClassName`, exists, report));
    if (o.kind === 'Ingress') checkIngress(s, ns, exists, find, report);
    if (o.kind === 'HorizontalPodAutoscaler') {
      const ref = spec.scaleTargetRef;
      if (isObj(ref) && typeof ref.kind === 'string' && typeof ref.name === 'string' && SCALABLE.has(ref.kind) && !exists(ref.kind, ns, ref.name)) {
        const plural = ref.kind === 'ReplicationController' ? 'replicationcontrollers' : `${ref.kind.toLowerCase()}s.apps`;
        report(s, 'error', 'spec.scaleTargetRef.name', `the HPA controller was unable to get the target's current scale: ${plural} "${ref.name}" not found`);
      }
    }
    if (o.kind === 'PodDisruptionBudget' && isObj(spec.selector)) {
      const sel = fromLabelSelector(spec.selector);
      const first = sel.find((r) => r.op === '=');
      if (!templates.candidates(ns, first ? { [first.key]: first.values[0] } : {}).some((t) => matches(sel, t.labels)))
        report(s, 'warning', 'spec.selector', 'No matching pods found: the selector matches no pod template in the checked set');
    }
    if (o.kind === 'Service') checkService(s, ns, templates, report);
  }
  return out;
}

/** A template with the object that carries it. */
type OwnedTemplate = PodTemplate & { owner: SetObject };

type Report = (s: SetObject, severity: Severity, field: string, message: string) => void;
type Exists = (kind: string, ns: string, name: string) => boolean;
type Find = (kind: string, ns: string, name: string) => SetObject | undefined;

/** The data keys of a ConfigMap or Secret of the set (Secrets' stringData counts). */
function keysOf(o: KubeObject): Set<string> {
  return new Set([...Object.keys(isObj(o.data) ? o.data : {}), ...Object.keys(isObj(o.binaryData) ? o.binaryData : {}), ...Object.keys(isObj(o.stringData) ? o.stringData : {})]);
}

function checkPodSpec(s: SetObject, t: PodTemplate, ns: string, exists: Exists, find: Find, report: Report): void {
  const spec = t.spec;
  const base = t.path;
  const ref = (kind: 'ConfigMap' | 'Secret', name: unknown, field: string, optional: unknown, key?: unknown) => {
    if (typeof name !== 'string' || !name || optional === true) return;
    const noun = kind === 'ConfigMap' ? 'configmap' : 'secret';
    if (!exists(kind, ns, name)) return report(s, 'error', field, `${noun} "${name}" not found`);
    const target = find(kind, ns, name);
    if (target && typeof key === 'string' && !keysOf(target.object).has(key)) report(s, 'error', field.replace(/\.name$/, '.key'), `couldn't find key ${key} in ${kind} ${ns}/${name}`);
  };
  for (const group of ['initContainers', 'containers'] as const) {
    list(spec[group]).forEach((c, i) => {
      if (!isObj(c)) return;
      const cp = `${base}.${group}[${i}]`;
      list(c.env).forEach((e, j) => {
        const vf = isObj(e) ? e.valueFrom : undefined;
        if (!isObj(vf)) return;
        if (isObj(vf.configMapKeyRef)) ref('ConfigMap', vf.configMapKeyRef.name, `${cp}.env[${j}].valueFrom.configMapKeyRef.name`, vf.configMapKeyRef.optional, vf.configMapKeyRef.key);
        if (isObj(vf.secretKeyRef)) ref('Secret', vf.secretKeyRef.name, `${cp}.env[${j}].valueFrom.secretKeyRef.name`, vf.secretKeyRef.optional, vf.secretKeyRef.key);
      });
      list(c.envFrom).forEach((e, j) => {
        if (!isObj(e)) return;
        if (isObj(e.configMapRef)) ref('ConfigMap', e.configMapRef.name, `${cp}.envFrom[${j}].configMapRef.name`, e.configMapRef.optional);
        if (isObj(e.secretRef)) ref('Secret', e.secretRef.name, `${cp}.envFrom[${j}].secretRef.name`, e.secretRef.optional);
      });
    });
  }
  list(spec.volumes).forEach((v, i) => {
    if (!isObj(v)) return;
    const vp = `${base}.volumes[${i}]`;
    if (isObj(v.configMap)) ref('ConfigMap', v.configMap.name, `${vp}.configMap.name`, v.configMap.optional);
    if (isObj(v.secret)) ref('Secret', v.secret.secretName, `${vp}.secret.secretName`, v.secret.optional);
    // A StatefulSet gives each pod its own claim for a volume named after a claim template.
    const fromClaimTemplate = s.object.kind === 'StatefulSet' && list(specOf(s.object).volumeClaimTemplates).some((c) => c?.metadata?.name === v.name);
    if (isObj(v.persistentVolumeClaim) && !fromClaimTemplate) {
      const claim = v.persistentVolumeClaim.claimName;
      if (typeof claim === 'string' && claim && !exists('PersistentVolumeClaim', ns, claim)) report(s, 'error', `${vp}.persistentVolumeClaim.claimName`, `persistentvolumeclaim "${claim}" not found`);
    }
    list(v.projected?.sources).forEach((src, j) => {
      if (!isObj(src)) return;
      if (isObj(src.configMap)) ref('ConfigMap', src.configMap.name, `${vp}.projected.sources[${j}].configMap.name`, src.configMap.optional);
      if (isObj(src.secret)) ref('Secret', src.secret.name, `${vp}.projected.sources[${j}].secret.name`, src.secret.optional);
    });
  });
  list(spec.imagePullSecrets).forEach((p, i) => {
    const name = isObj(p) ? p.name : undefined;
    // The kubelet pulls without it and warns (FailedToRetrieveImagePullSecret): a warning here too.
    if (typeof name === 'string' && name && !exists('Secret', ns, name))
      report(s, 'warning', `${base}.imagePullSecrets[${i}].name`, `Unable to retrieve some image pull secrets (${name}); attempting to pull the image may not succeed.`);
  });
  const sa = spec.serviceAccountName ?? spec.serviceAccount;
  if (typeof sa === 'string' && sa && sa !== 'default' && !exists('ServiceAccount', ns, sa))
    report(s, 'error', `${base}.${spec.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount'}`, `error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`);
  const pc = spec.priorityClassName;
  if (typeof pc === 'string' && pc && !SYSTEM_PRIORITY_CLASSES.has(pc) && !exists('PriorityClass', '', pc)) report(s, 'error', `${base}.priorityClassName`, `no PriorityClass with name ${pc} was found`);
}

function checkStorageClass(s: SetObject, sc: unknown, field: string, exists: Exists, report: Report): void {
  if (typeof sc === 'string' && sc && !exists('StorageClass', '', sc)) report(s, 'error', field, `storageclass.storage.k8s.io "${sc}" not found`);
}

function checkIngress(s: SetObject, ns: string, exists: Exists, find: Find, report: Report): void {
  const o = s.object;
  const backend = (b: unknown, field: string) => {
    const svc = isObj(b) ? b.service : undefined;
    if (!isObj(svc) || typeof svc.name !== 'string') return;
    if (!exists('Service', ns, svc.name)) return report(s, 'error', `${field}.service.name`, `service "${svc.name}" not found`);
    const target = find('Service', ns, svc.name);
    const port = svc.port;
    if (!target || !isObj(port)) return;
    const ports = list(specOf(target.object).ports);
    if (port.number !== undefined && !ports.some((p) => isObj(p) && p.port === port.number))
      report(s, 'error', `${field}.service.port.number`, `service "${svc.name}" has no port ${port.number}`);
    if (port.name !== undefined && !ports.some((p) => isObj(p) && p.name === port.name)) report(s, 'error', `${field}.service.port.name`, `service "${svc.name}" has no port named "${port.name}"`);
  };
  const spec = specOf(o);
  if (spec.defaultBackend) backend(spec.defaultBackend, 'spec.defaultBackend');
  list(spec.rules).forEach((rule, i) => list(rule?.http?.paths).forEach((p, j) => backend(p?.backend, `spec.rules[${i}].http.paths[${j}].backend`)));
  const cls = spec.ingressClassName;
  if (typeof cls === 'string' && cls && !exists('IngressClass', '', cls)) report(s, 'error', 'spec.ingressClassName', `ingressclass.networking.k8s.io "${cls}" not found`);
}

function checkService(s: SetObject, ns: string, templates: LabelIndex<OwnedTemplate>, report: Report): void {
  const spec = s.object.spec;
  if (!isObj(spec) || spec.type === 'ExternalName' || !isObj(spec.selector) || Object.keys(spec.selector).length === 0) return;
  const selector = spec.selector as Record<string, string>;
  const selected = templates.candidates(ns, selector).filter((t) => Object.entries(selector).every(([k, v]) => t.labels[k] === v));
  if (selected.length === 0) {
    const sel = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return report(s, 'warning', 'spec.selector', `the selector ${sel} matches no pod template in the checked set: the Service will have no endpoints`);
  }
  list(spec.ports).forEach((p, i) => {
    if (!isObj(p) || typeof p.targetPort !== 'string') return;
    const named = selected.some((t) => list(t.spec.containers).some((c) => list(c?.ports).some((cp) => isObj(cp) && cp.name === p.targetPort)));
    if (!named) report(s, 'error', `spec.ports[${i}].targetPort`, `targetPort "${p.targetPort}" is not a named port of any container the Service selects: its endpoints will have no port`);
  });
}
