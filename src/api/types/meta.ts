// metav1: what every object has (ObjectMeta, owner references, conditions, lists, Status, watch
// events) and KubeObject, the shape the generic code (registry, printers by column, JSON paths)
// handles. Kind-specific shapes live beside this file, one per API group.

/** Any JSON value, as found in a manifest. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** metav1.OwnerReference */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** metav1.ObjectMeta */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

/**
 * Any Kubernetes object: apiVersion, kind, metadata, and whatever else the kind has. Code that
 * reads a kind's fields takes that kind's type (`Deployment`, `Pod`, ...); code that only needs
 * metadata, or walks an object generically, takes this.
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

/** metav1.LabelSelectorRequirement */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** metav1.LabelSelector */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** A status condition (metav1.Condition and the per-kind condition types, which share its fields). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
  observedGeneration?: number;
}

/** The body of a `kind: Status` object: every API error, and some delete answers. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
  code: number;
}

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** A list as the API returns it. */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

/** One entry of a watch stream. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject | Status;
}

/** A quantity as a manifest may write it: `"500m"`, `"1Gi"`, `2`. */
export type QuantityValue = string | number;

/** intstr.IntOrString: `3` or `"25%"`. */
export type IntOrString = number | string;

/** corev1.ResourceList */
export type ResourceList = Record<string, QuantityValue>;

/** An object reference by kind and name (CrossVersionObjectReference, TypedLocalObjectReference). */
export interface TypedReference {
  apiVersion?: string;
  kind: string;
  name: string;
}
