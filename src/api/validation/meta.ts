// ObjectMeta validation: names, namespaces, labels, annotations, owner references.
import { dns1123Label, dns1123Subdomain, dns1035Label, labelValue, qualifiedName } from '../names.js';
import type { LabelSelector, ObjectMeta } from '../types.js';
import { type FieldError, Path } from './field-errors.js';

/** Which rule a kind's names follow. */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path';

/** Name rules per kind: Namespace is a DNS-1123 label, Service a DNS-1035 label, most a subdomain. */
export const NAME_RULES: Record<string, NameRule> = {
  Namespace: 'label',
  Service: 'dns1035',
  Node: 'subdomain',
  Event: 'path',
  ClusterRole: 'path',
  ClusterRoleBinding: 'path',
  Role: 'path',
  RoleBinding: 'path',
};

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

function nameProblems(rule: NameRule, name: string): string[] {
  switch (rule) {
    case 'label':
      return dns1123Label(name);
    case 'dns1035':
      return dns1035Label(name);
    case 'path':
      return name === '.' || name === '..' ? [`may not be '${name}'`] : /[/%]/.test(name) ? [`may not contain '${name.match(/[/%]/)![0]}'`] : [];
    default:
      return dns1123Subdomain(name);
  }
}

/** Validates a label map at a path. */
export function validateLabels(labels: Record<string, string> | undefined, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of qualifiedName(k)) errs.push(p.invalid(k, msg));
    if (typeof v !== 'string') errs.push(p.key(k).invalid(v, 'must be a string'));
    else for (const msg of labelValue(v)) errs.push(p.key(k).invalid(v, msg));
  }
  return errs;
}

/** Validates the metadata of an object of a kind (namespaced or not). */
export function validateObjectMeta(kind: string, namespaced: boolean, meta: ObjectMeta): FieldError[] {
  const p = new Path('metadata');
  const errs: FieldError[] = [];
  const rule = NAME_RULES[kind] ?? 'subdomain';
  if (!meta.name) {
    if (!meta.generateName) errs.push(p.child('name').required('name or generateName is required'));
  } else {
    for (const msg of nameProblems(rule, meta.name)) errs.push(p.child('name').invalid(meta.name, msg));
  }
  if (namespaced) {
    if (meta.namespace) for (const msg of dns1123Label(meta.namespace)) errs.push(p.child('namespace').invalid(meta.namespace, msg));
  } else if (meta.namespace) {
    errs.push(p.child('namespace').forbidden('not allowed on this type'));
  }
  errs.push(...validateLabels(meta.labels, p.child('labels')));
  let size = 0;
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    for (const msg of qualifiedName(k.toLowerCase())) errs.push(p.child('annotations').invalid(k, msg));
    size += k.length + String(v).length;
  }
  if (size > TOTAL_ANNOTATION_SIZE) errs.push({ type: 'TooLong', field: 'metadata.annotations', detail: `must have at most ${TOTAL_ANNOTATION_SIZE} bytes` });
  (meta.ownerReferences ?? []).forEach((r, i) => {
    const rp = p.child('ownerReferences').index(i);
    if (!r.apiVersion) errs.push(rp.child('apiVersion').invalid(r.apiVersion ?? '', 'version must not be empty'));
    if (!r.kind) errs.push(rp.child('kind').invalid(r.kind ?? '', 'kind must not be empty'));
    if (!r.name) errs.push(rp.child('name').invalid(r.name ?? '', 'name must not be empty'));
    if (!r.uid) errs.push(rp.child('uid').invalid(r.uid ?? '', 'uid must not be empty'));
  });
  if ((meta.ownerReferences ?? []).filter((r) => r.controller).length > 1) {
    errs.push(p.child('ownerReferences').invalid(meta.ownerReferences, 'Only one reference can have Controller set to true'));
  }
  return errs;
}

/** A metav1.LabelSelector: its labels, operators and values as the apiserver checks them. */
export function validateLabelSelector(sel: LabelSelector | undefined, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabels(sel?.matchLabels, p.child('matchLabels')));
  (sel?.matchExpressions ?? []).forEach((item, i) => {
    const e = item ?? { key: '', operator: '' };
    const ep = p.child('matchExpressions').index(i);
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) errs.push(ep.child('operator').invalid(e.operator, 'not a valid selector operator'));
    if ((e.operator === 'In' || e.operator === 'NotIn') && (e.values ?? []).length === 0)
      errs.push(ep.child('values').required('must be specified when `operator` is \'In\' or \'NotIn\''));
    if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && (e.values ?? []).length > 0)
      errs.push(ep.child('values').forbidden('may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
  });
  return errs;
}
