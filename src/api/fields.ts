// Field selectors (`?fieldSelector=metadata.name=web,status.phase!=Running`): parsing, and which
// fields each kind supports, as the apiserver allows them.
import type { Kinds, KubeObject } from './types.js';

/** One `field=value` or `field!=value` term. */
export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Thrown for a malformed or unsupported field selector. */
export class FieldSelectorError extends Error {}

/** Parses `a=b,c!=d` (also `==`). Backslash escapes `,`, `=` and `!` inside values. Linear in the input. */
export function parseFieldSelector(input: string): FieldRequirement[] {
  const s = input.trim();
  if (!s) return [];
  const out: FieldRequirement[] = [];
  for (const raw of s.split(/(?<!\\),/)) {
    const term = raw.trim();
    // The operator is the first `!=`, `==` or `=`; the field is what comes before it.
    const eq = term.indexOf('=');
    const bang = term.indexOf('!=');
    const at = bang >= 0 && bang < eq ? bang : eq;
    const field = at > 0 ? term.slice(0, at).trim() : '';
    if (!field || field.includes('!')) throw new FieldSelectorError(`invalid selector: '${input}'; can't understand '${raw}'`);
    const op = at === bang ? '!=' : term[at + 1] === '=' ? '==' : '=';
    out.push({ field, op: op === '!=' ? '!=' : '=', value: term.slice(at + op.length).trimStart().replace(/\\(.)/g, '$1') });
  }
  return out;
}

/** The value of a supported field of an object, or undefined when the field is not supported. */
export type FieldGetter = (obj: KubeObject) => string | undefined;

const common: Record<string, FieldGetter> = {
  'metadata.name': (o) => o.metadata.name ?? '',
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};

/** Extra selectable fields per kind, beyond metadata.name and metadata.namespace. */
const byKind: { [K in keyof Kinds]?: Record<string, (o: Kinds[K]) => string> } = {
  Pod: {
    'spec.nodeName': (o) => o.spec?.nodeName ?? '',
    'spec.restartPolicy': (o) => o.spec?.restartPolicy ?? '',
    'spec.schedulerName': (o) => o.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (o) => String(o.spec?.hostNetwork ?? false),
    'status.phase': (o) => o.status?.phase ?? '',
    'status.podIP': (o) => o.status?.podIP ?? '',
    'status.nominatedNodeName': (o) => o.status?.nominatedNodeName ?? '',
  },
  Event: {
    'involvedObject.kind': (o) => o.involvedObject?.kind ?? '',
    'involvedObject.namespace': (o) => o.involvedObject?.namespace ?? '',
    'involvedObject.name': (o) => o.involvedObject?.name ?? '',
    'involvedObject.uid': (o) => o.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (o) => o.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (o) => o.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (o) => o.involvedObject?.fieldPath ?? '',
    reason: (o) => o.reason ?? '',
    reportingComponent: (o) => o.reportingComponent ?? '',
    source: (o) => o.source?.component ?? '',
    type: (o) => o.type ?? '',
  },
  Node: { 'spec.unschedulable': (o) => String(o.spec?.unschedulable ?? false) },
  Namespace: { 'status.phase': (o) => o.status?.phase ?? '' },
  Secret: { type: (o) => o.type ?? '' },
  ReplicaSet: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
  ReplicationController: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
  Job: { 'status.successful': (o) => String(o.status?.succeeded ?? 0) },
};

/** Builds a predicate for a kind; unsupported fields are an error worded like the apiserver's. */
export function fieldMatcher(kind: string, reqs: FieldRequirement[]): (o: KubeObject) => boolean {
  const getters = reqs.map((r) => {
    // The objects matched are of `kind` (a list or watch of its resource).
    const g = (byKind as Record<string, Record<string, FieldGetter> | undefined>)[kind]?.[r.field] ?? common[r.field];
    if (!g) throw new FieldSelectorError(`field label not supported: ${r.field}`);
    return { r, g };
  });
  return (o) => getters.every(({ r, g }) => (g(o) === r.value) === (r.op === '='));
}

/** When a selector pins `metadata.name` to one value, that value (lets list use a direct lookup). */
export function pinnedName(reqs: FieldRequirement[]): string | undefined {
  return reqs.find((r) => r.field === 'metadata.name' && r.op === '=')?.value;
}
