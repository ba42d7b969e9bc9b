// The one resource table: every kind minik serves, with its group, version, plural, short names,
// scope, subresources and printer columns. The router, discovery, the CLI's argument parser, the
// printers and validation all read it.
import type { Column } from './columns/column.js';
import { defaultColumns } from './columns/column.js';
import { podColumns } from './columns/pod.js';
import * as core from './columns/core.js';
import * as workloads from './columns/workloads.js';
import * as storage from './columns/storage.js';
import * as extensions from './columns/extensions.js';
import type * as T from './types.js';
import type { CustomResource } from './custom-resources.js';

/** Marks which object type a resource holds (a compile-time tag; never set at run time). */
declare const objectType: unique symbol;

/**
 * Everything minik knows about one resource type. `O` is the type of its objects, known for the
 * resources named through `resourceNamed`; the registry's reads and writes of such a resource are
 * typed by it.
 */
export interface ResourceInfo<O extends T.KubeObject = T.KubeObject> {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  categories: string[];
  subresources: string[];
  columns: Column[];
  /** metadata.generation is set and moves on spec changes (as the kind's registry strategy does). */
  tracksGeneration: boolean;
  /** Computed on read (metrics.k8s.io), never stored: only get and list. */
  readOnly?: boolean;
  /** Answered on create, never stored (authorization.k8s.io's access reviews): only create. */
  createOnly?: boolean;
  /** Defined by a CustomResourceDefinition: its schema, subresources and storage version. */
  custom?: CustomResource;
  readonly [objectType]?: O;
}

type Entry = Partial<ResourceInfo> & Pick<ResourceInfo, 'kind' | 'plural'>;

function entry(e: Entry): ResourceInfo {
  return {
    group: '',
    version: 'v1',
    singular: e.kind.toLowerCase(),
    shortNames: [],
    namespaced: true,
    categories: [],
    subresources: [],
    columns: defaultColumns,
    tracksGeneration: false,
    ...e,
  };
}

const ALL = ['all'];

/** Served resources, in discovery order (which is also `get all` order within a group). */
export const RESOURCES: ResourceInfo[] = [
  // core/v1
  entry({ kind: 'Pod', plural: 'pods', shortNames: ['po'], categories: ALL, subresources: ['status', 'binding', 'log', 'eviction', 'exec', 'attach', 'portforward'], columns: podColumns }),
  entry({ kind: 'ReplicationController', plural: 'replicationcontrollers', shortNames: ['rc'], categories: ALL, subresources: ['status', 'scale'], columns: workloads.replicationControllerColumns, tracksGeneration: true }),
  entry({ kind: 'Service', plural: 'services', shortNames: ['svc'], categories: ALL, subresources: ['status'], columns: core.serviceColumns }),
  entry({ kind: 'Namespace', plural: 'namespaces', shortNames: ['ns'], namespaced: false, subresources: ['status', 'finalize'], columns: core.namespaceColumns }),
  entry({ kind: 'Node', plural: 'nodes', shortNames: ['no'], namespaced: false, subresources: ['status'], columns: core.nodeColumns }),
  entry({ kind: 'ConfigMap', plural: 'configmaps', shortNames: ['cm'], columns: core.configMapColumns }),
  entry({ kind: 'Secret', plural: 'secrets', columns: core.secretColumns }),
  entry({ kind: 'ServiceAccount', plural: 'serviceaccounts', shortNames: ['sa'], subresources: ['token'], columns: core.serviceAccountColumns }),
  entry({ kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', shortNames: ['ep'], columns: core.endpointsColumns }),
  entry({ kind: 'Event', plural: 'events', shortNames: ['ev'], columns: core.eventColumns }),
  entry({ kind: 'PersistentVolume', plural: 'persistentvolumes', shortNames: ['pv'], namespaced: false, subresources: ['status'], columns: storage.persistentVolumeColumns }),
  entry({ kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', shortNames: ['pvc'], subresources: ['status'], columns: storage.persistentVolumeClaimColumns }),
  entry({ kind: 'ResourceQuota', plural: 'resourcequotas', shortNames: ['quota'], subresources: ['status'] }),
  entry({ kind: 'LimitRange', plural: 'limitranges', shortNames: ['limits'] }),
  // apps/v1
  entry({ group: 'apps', kind: 'DaemonSet', plural: 'daemonsets', shortNames: ['ds'], categories: ALL, subresources: ['status'], columns: workloads.daemonSetColumns, tracksGeneration: true }),
  entry({ group: 'apps', kind: 'Deployment', plural: 'deployments', shortNames: ['deploy'], categories: ALL, subresources: ['status', 'scale'], columns: workloads.deploymentColumns, tracksGeneration: true }),
  entry({ group: 'apps', kind: 'ReplicaSet', plural: 'replicasets', shortNames: ['rs'], categories: ALL, subresources: ['status', 'scale'], columns: workloads.replicaSetColumns, tracksGeneration: true }),
  entry({ group: 'apps', kind: 'StatefulSet', plural: 'statefulsets', shortNames: ['sts'], categories: ALL, subresources: ['status', 'scale'], columns: workloads.statefulSetColumns, tracksGeneration: true }),
  entry({ group: 'apps', kind: 'ControllerRevision', plural: 'controllerrevisions' }),
  // autoscaling/v2
  entry({ group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', shortNames: ['hpa'], categories: ALL, subresources: ['status'], columns: workloads.hpaColumns, tracksGeneration: true }),
  // batch/v1
  entry({ group: 'batch', kind: 'CronJob', plural: 'cronjobs', shortNames: ['cj'], categories: ALL, subresources: ['status'], columns: workloads.cronJobColumns, tracksGeneration: true }),
  entry({ group: 'batch', kind: 'Job', plural: 'jobs', categories: ALL, subresources: ['status'], columns: workloads.jobColumns, tracksGeneration: true }),
  // networking.k8s.io/v1
  entry({ group: 'networking.k8s.io', kind: 'Ingress', plural: 'ingresses', shortNames: ['ing'], subresources: ['status'], columns: core.ingressColumns, tracksGeneration: true }),
  entry({ group: 'networking.k8s.io', kind: 'IngressClass', plural: 'ingressclasses', namespaced: false, columns: storage.ingressClassColumns }),
  entry({ group: 'networking.k8s.io', kind: 'NetworkPolicy', plural: 'networkpolicies', shortNames: ['netpol'], tracksGeneration: true }),
  // discovery.k8s.io/v1
  entry({ group: 'discovery.k8s.io', kind: 'EndpointSlice', plural: 'endpointslices' }),
  // coordination.k8s.io/v1
  entry({ group: 'coordination.k8s.io', kind: 'Lease', plural: 'leases', columns: core.leaseColumns }),
  // policy/v1
  entry({ group: 'policy', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', shortNames: ['pdb'], subresources: ['status'], tracksGeneration: true, columns: storage.podDisruptionBudgetColumns }),
  // apiregistration.k8s.io/v1 (stored and served; no aggregation behind it)
  entry({ group: 'apiregistration.k8s.io', kind: 'APIService', plural: 'apiservices', namespaced: false, subresources: ['status'], columns: core.apiServiceColumns }),
  // authorization.k8s.io/v1: access reviews, answered and not stored (apiserver/authorization.ts)
  entry({ group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', namespaced: false, createOnly: true }),
  entry({ group: 'authorization.k8s.io', kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', namespaced: false, createOnly: true }),
  entry({ group: 'authorization.k8s.io', kind: 'SubjectAccessReview', plural: 'subjectaccessreviews', namespaced: false, createOnly: true }),
  entry({ group: 'authorization.k8s.io', kind: 'LocalSubjectAccessReview', plural: 'localsubjectaccessreviews', createOnly: true }),
  // rbac.authorization.k8s.io/v1
  entry({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false }),
  entry({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false }),
  entry({ group: 'rbac.authorization.k8s.io', kind: 'Role', plural: 'roles' }),
  entry({ group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', plural: 'rolebindings' }),
  // scheduling.k8s.io/v1
  entry({ group: 'scheduling.k8s.io', kind: 'PriorityClass', plural: 'priorityclasses', shortNames: ['pc'], namespaced: false, columns: storage.priorityClassColumns }),
  // storage.k8s.io/v1
  entry({ group: 'storage.k8s.io', kind: 'StorageClass', plural: 'storageclasses', shortNames: ['sc'], namespaced: false, columns: storage.storageClassColumns }),
  // apiextensions.k8s.io/v1
  entry({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', shortNames: ['crd', 'crds'], namespaced: false, categories: ['api-extensions'], subresources: ['status'], columns: extensions.crdColumns, tracksGeneration: true }),
  // admissionregistration.k8s.io/v1
  entry({ group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', plural: 'mutatingwebhookconfigurations', namespaced: false, categories: ['api-extensions'], columns: extensions.webhookConfigurationColumns }),
  entry({ group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy', plural: 'validatingadmissionpolicies', namespaced: false, categories: ['api-extensions'], subresources: ['status'], columns: extensions.validatingAdmissionPolicyColumns, tracksGeneration: true }),
  entry({ group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding', plural: 'validatingadmissionpolicybindings', namespaced: false, categories: ['api-extensions'], columns: extensions.validatingAdmissionPolicyBindingColumns, tracksGeneration: true }),
  entry({ group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', plural: 'validatingwebhookconfigurations', namespaced: false, categories: ['api-extensions'], columns: extensions.webhookConfigurationColumns }),
  // metrics.k8s.io/v1beta1: simulated usage, computed on read (the metrics-server's API).
  entry({ group: 'metrics.k8s.io', version: 'v1beta1', kind: 'NodeMetrics', plural: 'nodes', singular: '', namespaced: false, readOnly: true }),
  entry({ group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics', plural: 'pods', singular: '', readOnly: true }),
];

/**
 * Kubernetes' order of versions (kube-aware: GA before beta before alpha, higher numbers first;
 * other names after, alphabetically): a custom group's versions are listed, and preferred, so.
 */
export function versionPriority(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0] as const;
    return [m[2] === 'alpha' ? 2 : m[2] === 'beta' ? 1 : 0, -Number(m[1]), -Number(m[3] ?? 0)] as const;
  };
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `apps/v1` or `v1`. */
export function groupVersion(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

const qualifiedPlurals = new WeakMap<ResourceInfo, string>();

/**
 * `deployments.apps`, or `pods` for the core group: how kubectl names a resource in messages, and
 * the store's key for it. Remembered per resource: the registry and the change feeds ask for it
 * on every read and every change.
 */
export function qualifiedPlural(r: ResourceInfo): string {
  if (!r.group) return r.plural;
  let q = qualifiedPlurals.get(r);
  if (q === undefined) qualifiedPlurals.set(r, (q = `${r.plural}.${r.group}`));
  return q;
}

/** `deployment.apps`, or `pod`: the prefix of `deployment.apps/web created`. */
export function qualifiedSingular(r: ResourceInfo): string {
  return r.group ? `${r.kind.toLowerCase()}.${r.group}` : r.kind.toLowerCase();
}

/**
 * A set of served resources with their lookups: the built-in ones (BUILTIN), or those plus the
 * custom resources of a cluster's CustomResourceDefinitions (the registry's `resources`).
 */
export class ResourceCatalog {
  private byGvk = new Map<string, ResourceInfo>();
  private byGroupPlural = new Map<string, ResourceInfo>();

  constructor(readonly all: readonly ResourceInfo[]) {
    for (const r of all) {
      const gvk = `${groupVersion(r)}/${r.kind}`;
      if (!this.byGvk.has(gvk)) this.byGvk.set(gvk, r);
      const gvp = `${groupVersion(r)}/${r.plural}`;
      if (!this.byGroupPlural.has(gvp)) this.byGroupPlural.set(gvp, r);
    }
  }

  /** The resource of an apiVersion + kind, or undefined if it is not served. */
  forKind(apiVersion: string, kind: string): ResourceInfo | undefined {
    return this.byGvk.get(`${apiVersion}/${kind}`);
  }

  /** The resource served at /apis/GROUP/VERSION/PLURAL (group '' for /api/v1). */
  forPath(group: string, version: string, plural: string): ResourceInfo | undefined {
    return this.byGroupPlural.get(`${group ? `${group}/${version}` : version}/${plural}`);
  }

  /**
   * One resource per stored collection (the versions of a custom resource share one; metrics are
   * not stored): what controllers that walk every object (namespace deletion, garbage
   * collection) scan.
   */
  stored(): ResourceInfo[] {
    if (this.storedList) return this.storedList;
    const seen = new Set<string>();
    this.storedList = this.all.filter((r) => {
      const key = qualifiedPlural(r);
      if (r.readOnly || r.createOnly || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return this.storedList;
  }

  private storedList?: ResourceInfo[];

  /** All resources of one group-version, in table order. */
  of(group: string, version: string): ResourceInfo[] {
    return this.all.filter((r) => r.group === group && r.version === version);
  }

  /** Served group-versions: [{group, version}], core first, in table order. */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Set<string>();
    const out: { group: string; version: string }[] = [];
    for (const r of this.all) {
      const k = groupVersion(r);
      if (!seen.has(k)) {
        seen.add(k);
        out.push({ group: r.group, version: r.version });
      }
    }
    return out;
  }

  /**
   * Resolves what a user types (`po`, `pods`, `pod`, `Pod`, `deployments.apps`, `deploy.v1.apps`,
   * `crontabs.stable.example.com`) to resources, as kubectl's RESTMapper does: one resource, or
   * for a category (`all`) every resource in it. Of several versions of one resource, the first
   * listed (a custom resource's storage version comes first).
   */
  resolve(arg: string): ResourceInfo[] {
    const lower = arg.toLowerCase();
    const matches = (r: ResourceInfo, name: string) =>
      r.plural === name || r.singular === name || r.kind.toLowerCase() === name || r.shortNames.includes(name);
    // `name.rest`: rest is a group, or a version and a group; a group may itself contain dots.
    let dot = lower.indexOf('.');
    while (dot >= 0) {
      const name = lower.slice(0, dot);
      const rest = lower.slice(dot + 1);
      const hit = this.all.find(
        (r) => matches(r, name) && (rest === r.group || rest === `${r.version}.${r.group}` || (r.group === '' && rest === r.version)),
      );
      if (hit) return [hit];
      dot = lower.indexOf('.', dot + 1);
    }
    const exact = this.all.find((r) => matches(r, lower));
    if (exact) return [exact];
    return this.all.filter((r) => r.categories.includes(lower) && (r.custom === undefined || r.custom.storageVersion === r.version));
  }
}

/** The verbs discovery lists for a resource: metrics get and list, access reviews create, others all. */
export function resourceVerbs(r: ResourceInfo): string[] {
  if (r.readOnly) return ['get', 'list'];
  if (r.createOnly) return ['create'];
  return ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
}

/** The built-in resources. */
export const BUILTIN = new ResourceCatalog(RESOURCES);

/** The built-in resource of an apiVersion + kind, or undefined if minik has none. */
export function resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return BUILTIN.forKind(apiVersion, kind);
}

/** The built-in resource served at /apis/GROUP/VERSION/PLURAL (group '' for /api/v1). */
export function resourceForPath(group: string, version: string, plural: string): ResourceInfo | undefined {
  return BUILTIN.forPath(group, version, plural);
}

/** The object type of each built-in resource, by plural. */
export interface ObjectTypes {
  pods: T.Pod;
  replicationcontrollers: T.ReplicationController;
  services: T.Service;
  namespaces: T.Namespace;
  nodes: T.Node;
  configmaps: T.ConfigMap;
  secrets: T.Secret;
  serviceaccounts: T.ServiceAccount;
  endpoints: T.Endpoints;
  events: T.Event;
  persistentvolumes: T.PersistentVolume;
  persistentvolumeclaims: T.PersistentVolumeClaim;
  resourcequotas: T.ResourceQuota;
  limitranges: T.LimitRange;
  daemonsets: T.DaemonSet;
  deployments: T.Deployment;
  replicasets: T.ReplicaSet;
  statefulsets: T.StatefulSet;
  controllerrevisions: T.ControllerRevision;
  horizontalpodautoscalers: T.HorizontalPodAutoscaler;
  cronjobs: T.CronJob;
  jobs: T.Job;
  ingresses: T.Ingress;
  ingressclasses: T.IngressClass;
  networkpolicies: T.NetworkPolicy;
  endpointslices: T.EndpointSlice;
  leases: T.Lease;
  poddisruptionbudgets: T.PodDisruptionBudget;
  apiservices: T.APIService;
  storageclasses: T.StorageClass;
  priorityclasses: T.PriorityClass;
  customresourcedefinitions: T.CustomResourceDefinition;
  validatingadmissionpolicies: T.ValidatingAdmissionPolicy;
  validatingadmissionpolicybindings: T.ValidatingAdmissionPolicyBinding;
  validatingwebhookconfigurations: T.ValidatingWebhookConfiguration;
  mutatingwebhookconfigurations: T.MutatingWebhookConfiguration;
  clusterroles: T.Role;
  roles: T.Role;
  clusterrolebindings: T.RoleBinding;
  rolebindings: T.RoleBinding;
}

/** A built-in resource by its plural, typed by what it holds (`resourceNamed('pods')`: pods). */
export function resourceNamed<P extends keyof ObjectTypes>(plural: P): ResourceInfo<ObjectTypes[P]> {
  const r = RESOURCES.find((x) => x.plural === plural && x.group !== 'metrics.k8s.io');
  if (!r) throw new Error(`no built-in resource ${plural}`);
  return r as ResourceInfo<ObjectTypes[P]>;
}

/** Resolves what a user types to built-in resources (see ResourceCatalog.resolve). */
export function resolveResource(arg: string): ResourceInfo[] {
  return BUILTIN.resolve(arg);
}
