// Where objects live in etcd: the layout kube-apiserver uses, so `etcdctl get --prefix
// /registry/pods/default` shows what a Kubernetes user expects. Built-in resources are under
// `/registry/<plural>` (a few under older names: nodes are `minions`, Services `services/specs`,
// Endpoints `services/endpoints`, Ingresses `ingress`); CRDs and APIServices under their group;
// custom objects under `/registry/<group>/<plural>`. Then `<namespace>/<name>`, or `<name>` for a
// cluster-scoped object.
import { RESOURCES, qualifiedPlural } from '../api/resources.js';

/** kube-apiserver's default --etcd-prefix. */
export const REGISTRY_PREFIX = '/registry/';

/** kube-apiserver's prefixes that are not the resource's plural. */
const SPECIAL: Record<string, string> = {
  nodes: 'minions',
  services: 'services/specs',
  endpoints: 'services/endpoints',
  'ingresses.networking.k8s.io': 'ingress',
  'customresourcedefinitions.apiextensions.k8s.io': 'apiextensions.k8s.io/customresourcedefinitions',
  'apiservices.apiregistration.k8s.io': 'apiregistration.k8s.io/apiservices',
};

/** Store key (qualified plural) to etcd prefix (without `/registry/`), and back. */
const toPrefix = new Map<string, string>();
const fromPrefix = new Map<string, string>();
for (const r of RESOURCES) {
  const key = qualifiedPlural(r);
  if (toPrefix.has(key)) continue;
  const prefix = SPECIAL[key] ?? r.plural;
  toPrefix.set(key, prefix);
  // The first resource of a plural wins (metrics.k8s.io's pods and nodes are never stored).
  if (!fromPrefix.has(prefix)) fromPrefix.set(prefix, key);
}

/** The etcd prefix of a store key: a built-in's, or `<group>/<plural>` for a custom resource. */
function prefixOf(resource: string): string {
  const known = toPrefix.get(resource);
  if (known) return known;
  const dot = resource.indexOf('.');
  return dot < 0 ? resource : `${resource.slice(dot + 1)}/${resource.slice(0, dot)}`;
}

/** The etcd key of an object (namespace '' for a cluster-scoped one) under `root` (ends with `/`). */
export function etcdKey(root: string, resource: string, namespace: string, name: string): string {
  return `${root}${prefixOf(resource)}/${namespace ? `${namespace}/` : ''}${name}`;
}

/** The object an etcd key under `root` names, or undefined for a key that is not one of ours. */
export function parseEtcdKey(root: string, key: string): { resource: string; namespace: string; name: string } | undefined {
  if (!key.startsWith(root)) return undefined;
  const parts = key.slice(root.length).split('/');
  // The longest built-in prefix first (services/specs before a custom group's two segments).
  for (const n of [2, 1]) {
    const resource = fromPrefix.get(parts.slice(0, n).join('/'));
    if (resource) return rest(resource, parts.slice(n));
  }
  // A custom resource: `<group>/<plural>/...` (groups have a dot, built-in plurals none).
  if (parts.length >= 3 && parts[0].includes('.')) return rest(`${parts[1]}.${parts[0]}`, parts.slice(2));
  return undefined;
}

function rest(resource: string, tail: string[]): { resource: string; namespace: string; name: string } | undefined {
  if (tail.length === 1 && tail[0]) return { resource, namespace: '', name: tail[0] };
  if (tail.length === 2 && tail[0] && tail[1]) return { resource, namespace: tail[0], name: tail[1] };
  return undefined;
}
