// apps/v1 kinds: Deployment, ReplicaSet (and core/v1 ReplicationController, which a ReplicaSet
// controller also runs), DaemonSet, StatefulSet, ControllerRevision.
import type { Condition, IntOrString, KubeObject, LabelSelector, ObjectMeta } from './meta.js';
import type { PersistentVolumeClaim, PersistentVolumeClaimSpec, PodTemplateSpec } from './core.js';

export interface DeploymentSpec {
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  strategy?: { type?: 'RollingUpdate' | 'Recreate'; rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  terminatingReplicas?: number;
  conditions?: Condition[];
  collisionCount?: number;
}

export interface Deployment extends KubeObject {
  spec: DeploymentSpec;
  status?: DeploymentStatus;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
  terminatingReplicas?: number;
}

export interface ReplicaSet extends KubeObject {
  spec: { replicas?: number; minReadySeconds?: number; selector: LabelSelector; template: PodTemplateSpec };
  status?: ReplicaSetStatus;
}

/** core/v1 ReplicationController: a ReplicaSet with an equality-only selector. */
export interface ReplicationController extends KubeObject {
  spec: { replicas?: number; minReadySeconds?: number; selector?: Record<string, string>; template: PodTemplateSpec };
  status?: ReplicaSetStatus;
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

export interface DaemonSet extends KubeObject {
  spec: {
    selector: LabelSelector;
    template: PodTemplateSpec;
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: DaemonSetStatus;
}

/** A StatefulSet's volumeClaimTemplates entry. */
export interface PersistentVolumeClaimTemplate {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec: PersistentVolumeClaimSpec;
  status?: PersistentVolumeClaim['status'];
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  conditions?: Condition[];
}

export interface StatefulSet extends KubeObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    volumeClaimTemplates?: PersistentVolumeClaimTemplate[];
    serviceName?: string;
    podManagementPolicy?: 'OrderedReady' | 'Parallel';
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: IntOrString } };
    revisionHistoryLimit?: number;
    minReadySeconds?: number;
    persistentVolumeClaimRetentionPolicy?: { whenDeleted?: 'Retain' | 'Delete'; whenScaled?: 'Retain' | 'Delete' };
    ordinals?: { start?: number };
  };
  status?: StatefulSetStatus;
}

export interface ControllerRevision extends KubeObject {
  /** What minik's DaemonSet and StatefulSet controllers store: their template as a patch. */
  data?: { spec?: { template?: PodTemplateSpec & { $patch?: string } } };
  revision: number;
}

/** The kinds with a /scale subresource. */
export type Scaled = Deployment | ReplicaSet | ReplicationController | StatefulSet;

/** The kinds whose pods come from a `spec.template`. */
export type PodController = Deployment | ReplicaSet | ReplicationController | DaemonSet | StatefulSet;
