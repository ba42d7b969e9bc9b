// The kinds by name: one table that maps each built-in kind to its type, for code that dispatches
// on \`kind\` (defaults, validation, printers).
import type { KubeObject } from './meta.js';
import type * as Core from './core.js';
import type * as Apps from './apps.js';
import type * as Batch from './batch.js';
import type * as Others from './others.js';
import type * as Extensions from './extensions.js';

/** The type of each built-in kind's objects, by kind. */
export interface Kinds {
  Pod: Core.Pod;
  ReplicationController: Apps.ReplicationController;
  Service: Core.Service;
  Namespace: Core.Namespace;
  Node: Core.Node;
  ConfigMap: Core.ConfigMap;
  Secret: Core.Secret;
  ServiceAccount: Core.ServiceAccount;
  Endpoints: Core.Endpoints;
  Event: Core.Event;
  PersistentVolume: Core.PersistentVolume;
  PersistentVolumeClaim: Core.PersistentVolumeClaim;
  ResourceQuota: Core.ResourceQuota;
  LimitRange: Core.LimitRange;
  DaemonSet: Apps.DaemonSet;
  Deployment: Apps.Deployment;
  ReplicaSet: Apps.ReplicaSet;
  StatefulSet: Apps.StatefulSet;
  ControllerRevision: Apps.ControllerRevision;
  HorizontalPodAutoscaler: Others.HorizontalPodAutoscaler;
  CronJob: Batch.CronJob;
  Job: Batch.Job;
  Ingress: Others.Ingress;
  IngressClass: Others.IngressClass;
  NetworkPolicy: Others.NetworkPolicy;
  EndpointSlice: Others.EndpointSlice;
  Lease: Others.Lease;
  PodDisruptionBudget: Others.PodDisruptionBudget;
  APIService: Others.APIService;
  StorageClass: Others.StorageClass;
  PriorityClass: Others.PriorityClass;
  CustomResourceDefinition: Extensions.CustomResourceDefinition;
  ValidatingAdmissionPolicy: Extensions.ValidatingAdmissionPolicy;
  ValidatingAdmissionPolicyBinding: Extensions.ValidatingAdmissionPolicyBinding;
  ValidatingWebhookConfiguration: Extensions.ValidatingWebhookConfiguration;
  MutatingWebhookConfiguration: Extensions.MutatingWebhookConfiguration;
}

/** A table of functions by kind, each typed by its kind's objects. */
export type PerKind<R> = { [K in keyof Kinds]?: (o: Kinds[K]) => R };

/**
 * Calls the table's function for `kind` with `o`. The caller vouches that `o` is of that kind:
 * it was decoded against the kind's schema, or read back from the kind's storage.
 */
export function byKind<R>(table: PerKind<R>, kind: string, o: KubeObject): R | undefined {
  return (table as Record<string, ((o: KubeObject) => R) | undefined>)[kind]?.(o);
}

/** `o` as the kind it says it is (`o.kind`), when that is `kind`. */
export function isKind<K extends keyof Kinds>(o: KubeObject, kind: K): o is Kinds[K] & KubeObject {
  return o.kind === kind;
}
