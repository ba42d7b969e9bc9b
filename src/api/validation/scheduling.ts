// Validation of a pod's scheduling fields, with the apiserver's messages: topology spread
// constraints, pod (anti-)affinity terms and scheduling gates.
import { qualifiedName } from '../names.js';
import type { PodAffinityTerm, PodSpec, TopologySpreadConstraint } from '../types.js';
import { type FieldError, Path } from './field-errors.js';
import { validateLabelSelector } from './meta.js';

const WHEN = ['DoNotSchedule', 'ScheduleAnyway'];
const POLICIES = ['Honor', 'Ignore'];
const POSITIVE = 'must be greater than zero';

function validateTerm(t: PodAffinityTerm, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (t.labelSelector) errs.push(...validateLabelSelector(t.labelSelector, p.child('labelSelector')));
  if (t.namespaceSelector) errs.push(...validateLabelSelector(t.namespaceSelector, p.child('namespaceSelector')));
  if (!t.topologyKey) errs.push(p.child('topologyKey').required('can not be empty'));
  else for (const msg of qualifiedName(t.topologyKey)) errs.push(p.child('topologyKey').invalid(t.topologyKey, msg));
  for (const [field, keys] of [
    ['matchLabelKeys', t.matchLabelKeys],
    ['mismatchLabelKeys', t.mismatchLabelKeys],
  ] as const) {
    (keys ?? []).forEach((k, i) => {
      for (const msg of qualifiedName(k)) errs.push(p.child(field).index(i).invalid(k, msg));
    });
  }
  for (const k of t.matchLabelKeys ?? []) if (t.mismatchLabelKeys?.includes(k)) errs.push(p.child('matchLabelKeys').invalid(k, 'exists in both matchLabelKeys and mismatchLabelKeys'));
  return errs;
}

/** Errors in the scheduling fields of a pod spec at `p`. */
export function validateSchedulingFields(spec: PodSpec, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (spec.topologySpreadConstraints ?? []).forEach((item, i) => {
    // A null entry decodes as an empty one (Go's zero value) and fails as such.
    const c = item ?? ({} as TopologySpreadConstraint);
    const cp = p.child('topologySpreadConstraints').index(i);
    if (!(typeof c.maxSkew === 'number' && c.maxSkew > 0)) errs.push(cp.child('maxSkew').invalid(c.maxSkew, POSITIVE));
    if (!c.topologyKey) errs.push(cp.child('topologyKey').required('can not be empty'));
    if (c.labelSelector) errs.push(...validateLabelSelector(c.labelSelector, cp.child('labelSelector')));
    if (!WHEN.includes(c.whenUnsatisfiable)) errs.push(cp.child('whenUnsatisfiable').notSupported(c.whenUnsatisfiable ?? '', WHEN));
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (!(c.minDomains > 0)) errs.push(cp.child('minDomains').invalid(c.minDomains, POSITIVE));
      if (c.whenUnsatisfiable !== 'DoNotSchedule') errs.push(cp.child('minDomains').invalid(c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, current value: ${c.whenUnsatisfiable}`));
    }
    const pair = `{${c.topologyKey}, ${c.whenUnsatisfiable}}`;
    if (seen.has(pair)) errs.push(cp.child('{topologyKey, whenUnsatisfiable}').duplicate(pair));
    seen.add(pair);
    if (c.nodeAffinityPolicy && !POLICIES.includes(c.nodeAffinityPolicy)) errs.push(cp.child('nodeAffinityPolicy').notSupported(c.nodeAffinityPolicy, POLICIES));
    if (c.nodeTaintsPolicy && !POLICIES.includes(c.nodeTaintsPolicy)) errs.push(cp.child('nodeTaintsPolicy').notSupported(c.nodeTaintsPolicy, POLICIES));
    const selectorKeys = new Set([...Object.keys(c.labelSelector?.matchLabels ?? {}), ...(c.labelSelector?.matchExpressions ?? []).map((e) => e.key)]);
    (c.matchLabelKeys ?? []).forEach((k, j) => {
      if (selectorKeys.has(k)) errs.push(cp.child('matchLabelKeys').index(j).invalid(k, 'exists in both matchLabelKeys and labelSelector'));
    });
  });
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const a = spec.affinity?.[kind];
    const ap = p.child('affinity').child(kind);
    (a?.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => errs.push(...validateTerm(t ?? ({} as PodAffinityTerm), ap.child('requiredDuringSchedulingIgnoredDuringExecution').index(i))));
    (a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((item, i) => {
      const w = item ?? ({} as { weight: number; podAffinityTerm: PodAffinityTerm });
      const wp = ap.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      if (!(w.weight >= 1 && w.weight <= 100)) errs.push(wp.child('weight').invalid(w.weight, 'must be in the range 1-100'));
      errs.push(...validateTerm(w.podAffinityTerm ?? ({} as PodAffinityTerm), wp.child('podAffinityTerm')));
    });
  }
  const gates = new Set<string>();
  (spec.schedulingGates ?? []).forEach((item, i) => {
    const g = item ?? { name: '' };
    const gp = p.child('schedulingGates').index(i);
    if (!g.name) errs.push(gp.child('name').required());
    else for (const msg of qualifiedName(g.name)) errs.push(gp.child('name').invalid(g.name, msg));
    if (gates.has(g.name)) errs.push(gp.child('name').duplicate(g.name));
    gates.add(g.name);
  });
  if (gates.size > 0 && spec.nodeName) errs.push(p.child('nodeName').forbidden('cannot be set until all schedulingGates have been cleared'));
  return errs;
}
