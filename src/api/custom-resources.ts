// The resources CustomResourceDefinitions add: which CRDs' names are accepted (the apiextensions
// naming controller's rule: a name another CRD of the group already holds is refused, the older
// CRD keeping it), and for each accepted CRD one resource per served version, with its schema,
// subresources and printer columns. The registry serves them, the CLI resolves and prints them,
// from the same function.
import { age } from './duration.js';
import { evalPath } from './jsonpath.js';
import type { Column } from './columns/column.js';
import { nameColumn } from './columns/column.js';
import { RESOURCES, ResourceCatalog, type ResourceInfo } from './resources.js';
import type { CustomResourceColumnDefinition, CustomResourceDefinition, CustomResourceSubresourceScale, JSONSchemaProps, KubeObject } from './types.js';

/** What a served custom resource carries beside the generic resource fields. */
export interface CustomResource {
  /** The CRD's name (`crontabs.stable.example.com`). */
  crd: string;
  /** The version objects are stored in (the one marked `storage`). */
  storageVersion: string;
  /** This version's openAPIV3Schema. */
  schema?: JSONSchemaProps;
  /** `status` is a subresource: the main resource ignores status, /status only takes status. */
  statusSubresource: boolean;
  scale?: CustomResourceSubresourceScale;
  /** The warning a request for a deprecated version gets. */
  deprecationWarning?: string;
  /** The CRD is being deleted: its objects can be read and deleted, not created. */
  terminating: boolean;
  listKind: string;
  /** Fields beside metadata.name and metadata.namespace that field selectors may use. */
  selectableFields: string[];
}

/** The verdict on a CRD's names, as its NamesAccepted condition says it. */
export interface NamesVerdict {
  accepted: boolean;
  reason: string;
  message: string;
}

/** The fields of a column's cell, from its JSONPath: the first result only, as the apiserver's table convertor. */
function cell(def: CustomResourceColumnDefinition, o: unknown, now: number): string | number {
  let results: unknown[];
  try {
    results = evalPath(def.jsonPath, o);
  } catch {
    return '<none>';
  }
  const v = results[0];
  if (v === undefined || v === null) return '<none>';
  switch (def.type) {
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : '<none>';
    case 'number':
      return typeof v === 'number' ? v : '<none>';
    case 'boolean':
      return typeof v === 'boolean' ? String(v) : '<none>';
    case 'date':
      return typeof v === 'string' ? (Number.isNaN(Date.parse(v)) ? '<invalid>' : age(v, now)) : '<none>';
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

/** A CRD column as a printer column. */
function column(def: CustomResourceColumnDefinition): Column {
  return {
    header: def.name.toUpperCase(),
    name: def.name,
    description: def.description,
    value: (o, now) => cell(def, o, now),
    wide: (def.priority ?? 0) > 0,
    type: (['integer', 'number', 'boolean', 'date'] as const).find((t) => t === def.type) ?? 'string',
  };
}

/** The AGE column a CRD version without printer columns gets. */
const AGE: CustomResourceColumnDefinition = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' };

/** The printer columns of a CRD version: NAME, then its additionalPrinterColumns (or AGE). */
export function customColumns(defs: CustomResourceColumnDefinition[] | undefined): Column[] {
  return [nameColumn, ...(defs?.length ? defs : [AGE]).map(column)];
}

/** Names taken in a group by the CRDs accepted so far. */
interface Taken {
  resources: Set<string>;
  kinds: Set<string>;
}

/** The verdict on one CRD's names against those already taken in its group (the naming controller's checks, in its order). */
function judgeNames(crd: CustomResourceDefinition, taken: Taken): NamesVerdict {
  const n = crd.spec.names;
  const listKind = n.listKind || `${n.kind}List`;
  let verdict: NamesVerdict = { accepted: true, reason: 'NoConflicts', message: 'no conflicts found' };
  const conflict = (reason: string, name: string) => (verdict = { accepted: false, reason, message: `"${name}" is already in use` });
  if (taken.resources.has(n.plural)) conflict('PluralConflict', n.plural);
  if (n.singular && taken.resources.has(n.singular)) conflict('SingularConflict', n.singular);
  const shortTaken = (n.shortNames ?? []).filter((s) => taken.resources.has(s));
  if (shortTaken.length) verdict = { accepted: false, reason: 'ShortNamesConflict', message: shortTaken.map((s) => `"${s}" is already in use`).join(', ') };
  if (taken.kinds.has(n.kind)) conflict('KindConflict', n.kind);
  if (taken.kinds.has(listKind)) conflict('ListKindConflict', listKind);
  return verdict;
}

/** The CRDs in the order their names were claimed: by creation, then by name. */
function claimOrder(crds: Iterable<CustomResourceDefinition>): CustomResourceDefinition[] {
  return [...crds].sort((a, b) => {
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    return ta !== tb ? (ta < tb ? -1 : 1) : (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
}

/** The naming verdict of every CRD, by CRD name. */
export function namesVerdicts(crds: Iterable<CustomResourceDefinition>): Map<string, NamesVerdict> {
  const byGroup = new Map<string, Taken>();
  const out = new Map<string, NamesVerdict>();
  for (const crd of claimOrder(crds)) {
    const group = crd.spec.group;
    let taken = byGroup.get(group);
    if (!taken) byGroup.set(group, (taken = { resources: new Set(), kinds: new Set() }));
    const verdict = judgeNames(crd, taken);
    out.set(crd.metadata.name ?? '', verdict);
    if (!verdict.accepted) continue;
    const n = crd.spec.names;
    for (const x of [n.plural, n.singular ?? '', ...(n.shortNames ?? [])]) if (x) taken.resources.add(x);
    taken.kinds.add(n.kind);
    taken.kinds.add(n.listKind || `${n.kind}List`);
  }
  return out;
}

/**
 * The resources of one CRD: one per served version (`all`: every version), the storage version
 * first.
 */
export function crdResources(crd: CustomResourceDefinition, all = false): ResourceInfo[] {
  const { group, names, scope, versions } = crd.spec;
  const storage = versions.find((v) => v.storage)?.name ?? versions[0]?.name ?? '';
  const served = versions.filter((v) => all || v.served).sort((a, b) => (a.name === storage ? -1 : b.name === storage ? 1 : 0));
  return served.map((v) => {
    const custom: CustomResource = {
      crd: crd.metadata.name ?? '',
      storageVersion: storage,
      schema: v.schema?.openAPIV3Schema,
      statusSubresource: v.subresources?.status !== undefined && v.subresources.status !== null,
      ...(v.subresources?.scale ? { scale: v.subresources.scale } : {}),
      ...(v.deprecated ? { deprecationWarning: v.deprecationWarning ?? `${group}/${v.name} ${names.kind} is deprecated` } : {}),
      terminating: !!crd.metadata.deletionTimestamp,
      listKind: names.listKind || `${names.kind}List`,
      selectableFields: (v.selectableFields ?? []).map((f) => f.jsonPath.replace(/^\./, '')),
    };
    const subresources = [...(custom.statusSubresource ? ['status'] : []), ...(custom.scale ? ['scale'] : [])];
    return {
      group,
      version: v.name,
      kind: names.kind,
      plural: names.plural,
      singular: names.singular || names.kind.toLowerCase(),
      shortNames: names.shortNames ?? [],
      namespaced: scope === 'Namespaced',
      categories: names.categories ?? [],
      subresources,
      columns: customColumns(v.additionalPrinterColumns),
      tracksGeneration: true,
      custom,
    };
  });
}

/**
 * The resources served for a set of CRDs: those of every CRD whose names are accepted, in the
 * order the CRDs claimed their names.
 */
export function customResources(crds: Iterable<CustomResourceDefinition>): ResourceInfo[] {
  const list = claimOrder(crds);
  const verdicts = namesVerdicts(list);
  return list.filter((c) => verdicts.get(c.metadata.name ?? '')?.accepted).flatMap((c) => crdResources(c));
}

/** The catalog of the built-in resources and those of a set of CRDs (a cluster's, or a manifest set's). */
export function catalogWith(crds: Iterable<CustomResourceDefinition>): ResourceCatalog {
  return new ResourceCatalog([...RESOURCES, ...customResources(crds)]);
}

/**
 * An apiextensions/v1 CRD read from a manifest, well-formed enough to tell the resources it
 * defines (the CLI and `check` resolve the objects that follow it by it, before it is applied).
 */
export function isManifestCRD(o: KubeObject): o is CustomResourceDefinition {
  const spec = o.spec as Partial<CustomResourceDefinition['spec']> | undefined;
  return (
    o.kind === 'CustomResourceDefinition' &&
    o.apiVersion === 'apiextensions.k8s.io/v1' &&
    typeof spec?.group === 'string' &&
    typeof spec.names?.kind === 'string' &&
    typeof spec.names.plural === 'string' &&
    Array.isArray(spec.versions) &&
    spec.versions.every((v) => typeof v?.name === 'string')
  );
}
