// Discovery documents (/api, /apis, /api/v1, /apis/GROUP/VERSION) built from the resource table.
import { CONVERSIONS } from '../api/conversion.js';
import { type ResourceCatalog, type ResourceInfo, groupVersion, resourceVerbs, versionPriority } from '../api/resources.js';


/** Verbs of a subresource, as the apiserver lists them. */
const SUB_VERBS: Record<string, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  binding: ['create'],
  eviction: ['create'],
  log: ['get'],
  finalize: ['update'],
  exec: ['create', 'get'],
  attach: ['create', 'get'],
  portforward: ['create', 'get'],
};

/** The options kinds of the streaming subresources. */
const STREAM_KINDS: Record<string, string> = { exec: 'PodExecOptions', attach: 'PodAttachOptions', portforward: 'PodPortForwardOptions' };

/** GET /api */
export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(cat: ResourceCatalog, group: string): { name: string; versions: { groupVersion: string; version: string }[]; preferredVersion: { groupVersion: string; version: string } } {
  let names = [...cat.groupVersions().filter((gv) => gv.group === group), ...CONVERSIONS.filter((c) => c.group === group)].map((gv) => gv.version);
  if (cat.all.some((r) => r.group === group && r.custom)) names = [...new Set(names)].sort(versionPriority);
  const versions = names.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

function groupsOf(cat: ResourceCatalog): string[] {
  return [...new Set(cat.groupVersions().map((gv) => gv.group))].filter((g) => g !== '');
}

/** GET /apis */
export function apiGroupList(cat: ResourceCatalog): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupsOf(cat).map((g) => groupEntry(cat, g)) };
}

/** GET /apis/GROUP, or undefined if not served. */
export function apiGroup(cat: ResourceCatalog, group: string): object | undefined {
  if (!cat.all.some((r) => r.group === group)) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(cat, group) };
}

/** GET /api/v1 or /apis/GROUP/VERSION, or undefined if not served. */
export function apiResourceList(cat: ResourceCatalog, group: string, version: string): object | undefined {
  const rs = cat.of(group, version);
  const alternates = CONVERSIONS.filter((c) => c.group === group && c.version === version);
  if (rs.length === 0 && alternates.length > 0) {
    // A version served only through conversion (autoscaling/v1): no watch.
    const resources = alternates.flatMap((c) => {
      const stored = cat.all.find((r) => r.kind === c.kind && r.group === c.group)!;
      return [
        { name: c.plural, singularName: stored.singular, namespaced: stored.namespaced, kind: c.kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'], ...(stored.shortNames.length ? { shortNames: stored.shortNames } : {}) },
        { name: `${c.plural}/status`, singularName: '', namespaced: stored.namespaced, kind: c.kind, verbs: SUB_VERBS.status },
      ];
    });
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources };
  }
  if (rs.length === 0) return undefined;
  const resources: object[] = [];
  for (const r of rs) {
    resources.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: resourceVerbs(r),
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    });
    for (const sub of r.subresources) resources.push(subresourceEntry(r, sub));
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}

function subresourceEntry(r: ResourceInfo, sub: string): object {
  const base = { name: `${r.plural}/${sub}`, singularName: '', namespaced: r.namespaced, verbs: SUB_VERBS[sub] ?? ['get'] };
  if (sub === 'scale') return { ...base, group: 'autoscaling', version: 'v1', kind: 'Scale' };
  if (sub === 'binding') return { ...base, kind: 'Binding' };
  if (sub === 'eviction') return { ...base, group: 'policy', version: 'v1', kind: 'Eviction' };
  if (STREAM_KINDS[sub]) return { ...base, kind: STREAM_KINDS[sub] };
  return { ...base, kind: r.kind };
}

/** The media type of aggregated discovery (what kubectl 1.32 and Helm ask for first). */
export const AGGREGATED_DISCOVERY = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when an Accept header asks for aggregated discovery (v2). */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((t) => {
    const p = t.split(';').map((x) => x.trim());
    return p[0] === 'application/json' && p.includes('g=apidiscovery.k8s.io') && p.includes('v=v2') && p.includes('as=APIGroupDiscoveryList');
  });
}

interface LegacyResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

/** One group-version's resources in aggregated form: subresources nested under their resource. */
function versionDiscovery(cat: ResourceCatalog, group: string, version: string): object | undefined {
  const list = apiResourceList(cat, group, version) as { resources: LegacyResource[] } | undefined;
  if (!list) return undefined;
  const kindOf = (x: LegacyResource) => ({ group: x.group ?? '', version: x.version ?? '', kind: x.kind });
  const top = list.resources.filter((x) => !x.name.includes('/'));
  const resources = top.map((x) => {
    const subs = list.resources.filter((s) => s.name.startsWith(`${x.name}/`));
    return {
      resource: x.name,
      responseKind: kindOf(x),
      scope: x.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: x.singularName,
      verbs: x.verbs,
      ...(x.shortNames ? { shortNames: x.shortNames } : {}),
      ...(x.categories ? { categories: x.categories } : {}),
      ...(subs.length ? { subresources: subs.map((s) => ({ subresource: s.name.slice(x.name.length + 1), responseKind: kindOf(s), verbs: s.verbs })) } : {}),
    };
  });
  return { version, resources, freshness: 'Current' };
}

/** GET /api or /apis as an APIGroupDiscoveryList: every group, version and resource in one answer. */
export function aggregatedDiscovery(cat: ResourceCatalog, core: boolean): object {
  const groups = core ? [''] : groupsOf(cat);
  const items = groups.map((group) => {
    const versions = core ? [{ version: 'v1' }] : groupEntry(cat, group).versions;
    return {
      metadata: { ...(group ? { name: group } : {}), creationTimestamp: null },
      versions: versions.map((v) => versionDiscovery(cat, group, v.version)).filter((v): v is object => v !== undefined),
    };
  });
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
