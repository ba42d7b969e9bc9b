// The ReplicaSet controller (and ReplicationController's, with a map selector): keeps the number
// of active pods equal to spec.replicas, adopting matching orphans and releasing pods that no
// longer match, and always recomputes status.

import { fromLabelSelector, matches } from '../api/labels.js';
import { controllerOf, isPodActive, isPodAvailable, isPodReady, readySince } from '../api/pods.js';
import { type ResourceInfo, qualifiedPlural, resourceNamed } from '../api/resources.js';
import type { KubeObject, OwnerReference, Pod, PodTemplateSpec, ReplicaSet, ReplicaSetStatus, ReplicationController } from '../api/types.js';

/** What this controller runs: ReplicaSets, or ReplicationControllers. */
type Replicated = ReplicaSet | ReplicationController;
import type { Change, Registry } from '../apiserver/registry.js';
import { StatusError } from '../apiserver/errors.js';
import type { Controller } from '../runtime/controller.js';
import { KeyedQueue, changeTo, findByKey, objectKey } from '../runtime/change-feed.js';
import { jsonEqual } from '../api/equal.js';
import { recordEvent } from '../runtime/events.js';
import { podsToDelete, slowStartBatches } from '../api/pod-ranking.js';
import { pushTo } from '../api/collections.js';

const podsR = resourceNamed('pods');

/** The most pods one sync creates or deletes (kube-controller-manager's burstReplicas). */
const BURST = 500;

/** The controller owner reference to a ReplicaSet-like object. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** A pod for a template, owned by `owner` (generateName `<owner>-`). */
export function podFromTemplate(owner: KubeObject, template: PodTemplateSpec): Pod {
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata.name}-`,
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [controllerRef(owner)],
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
    },
    spec: structuredClone(template.spec),
  };
}


/** Whether a pod is ready and since when: what readiness and availability are computed from. */
function readiness(p: Pod): string {
  return isPodReady(p) ? `ready since ${readySince(p)}` : '';
}

/**
 * Whether a pod's new version can change what its ReplicaSet decides or reports: its labels,
 * owners, deletion, phase or readiness. A binding or a container's restart count cannot.
 */
export function podChangeMatters(prev: Pod | undefined, next: Pod): boolean {
  if (!prev) return true;
  const a = prev.metadata;
  const b = next.metadata;
  return (
    a.deletionTimestamp !== b.deletionTimestamp ||
    prev.status?.phase !== next.status?.phase ||
    readiness(prev) !== readiness(next) ||
    !jsonEqual(a.labels, b.labels) ||
    !jsonEqual(a.ownerReferences, b.ownerReferences)
  );
}

/**
 * Syncs ReplicaSets or ReplicationControllers, keyed as Kubernetes' controller is: a pass syncs
 * the ones its changes touch (the object; a pod it controls whose change matters; for an orphan
 * pod, every one of its namespace, which may adopt it), those whose pods become available, and all
 * of them on the first pass.
 */
export class ReplicaSetController implements Controller {
  readonly name: string;
  private r: ResourceInfo<Replicated>;
  /** Objects to sync: touched by changes, or when a ready pod becomes available (minReadySeconds). */
  private queue: KeyedQueue;

  constructor(kind: 'ReplicaSet' | 'ReplicationController') {
    this.r = kind === 'ReplicaSet' ? resourceNamed('replicasets') : resourceNamed('replicationcontrollers');
    // Its decisions read its own kind and pods only.
    this.queue = new KeyedQueue([qualifiedPlural(this.r), 'pods']);
    this.name = kind === 'ReplicaSet' ? 'replicaset-controller' : 'replication-controller';
  }

  sync(reg: Registry): void {
    this.queue.run(reg, (changes) => this.touchedBy(reg, changes), (keys) => this.syncAll(reg, keys));
  }

  /** The objects a list of changes touches (`ns/name`). */
  private touchedBy(reg: Registry, changes: Change[]): Set<string> {
    const keys = new Set<string>();
    const plural = qualifiedPlural(this.r);
    for (const c of changes) {
      if (c.resource === plural) {
        if (c.type !== 'DELETED') keys.add(objectKey(c.namespace, c.name));
        continue;
      }
      if (!changeTo(c, podsR)) continue;
      if (c.type !== 'DELETED' && !podChangeMatters(c.prev, c.object)) continue;
      for (const pod of c.prev ? [c.prev, c.object] : [c.object]) {
        const ctrl = controllerOf(pod);
        if (ctrl?.kind === this.r.kind) keys.add(objectKey(c.namespace, ctrl.name));
        else if (!ctrl && c.type !== 'DELETED' && isPodActive(pod)) for (const o of reg.scan(this.r, c.namespace)) keys.add(objectKey(c.namespace, o.metadata.name!));
      }
    }
    return keys;
  }

  /** Syncs the objects of `keys` (all of them when undefined). */
  private syncAll(reg: Registry, keys: Set<string> | undefined): void {
    const owners = keys ? [...keys].map((k) => findByKey(reg, this.r, k)).filter((o): o is Replicated => !!o) : reg.list(this.r, undefined).items;
    if (owners.length === 0) return;
    // Pods by controller uid, and the orphans (no controller) by namespace: one pass over the
    // pods of the namespaces concerned.
    const byOwner = new Map<string, Pod[]>();
    const orphans = new Map<string, Pod[]>();
    const namespaces = keys ? new Set(owners.map((o) => o.metadata.namespace!)) : [undefined];
    for (const ns of namespaces)
      for (const p of reg.scan(podsR, ns)) {
        const ctrl = controllerOf(p);
        if (ctrl) pushTo(byOwner, ctrl.uid, p);
        else pushTo(orphans, p.metadata.namespace!, p);
      }
    for (const rs of owners) {
      try {
        this.syncOne(reg, rs, [...(byOwner.get(rs.metadata.uid!) ?? []), ...(orphans.get(rs.metadata.namespace!) ?? [])]);
      } catch (e) {
        // One broken object never stops the others; it is retried on the next change.
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  private selector(rs: Replicated) {
    // A ReplicationController's selector is a plain map; a ReplicaSet's a LabelSelector.
    return this.r.kind === 'ReplicationController' ? fromLabelSelector({ matchLabels: (rs as ReplicationController).spec?.selector ?? {} }) : fromLabelSelector((rs as ReplicaSet).spec?.selector);
  }

  /** `candidates`: the pods this ReplicaSet controls, and the namespace's orphans it might adopt. */
  private syncOne(reg: Registry, rs: Replicated, candidates: Pod[]): void {
    const sel = this.selector(rs);
    const uid = rs.metadata.uid;
    const source = { component: this.name };
    let owned: Pod[] = [];
    for (const p of candidates) {
      const ctrl = controllerOf(p);
      const match = sel.length > 0 && matches(sel, p.metadata.labels);
      if (ctrl?.uid === uid) {
        if (match || p.metadata.deletionTimestamp) owned.push(p);
        else {
          // Release: labels no longer match.
          const refs = (p.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          reg.patchTrusted(podsR, p.metadata.namespace!, p.metadata.name!, { metadata: { ownerReferences: refs.length ? refs : null } });
        }
      } else if (!ctrl && match && isPodActive(p) && !rs.metadata.deletionTimestamp) {
        // Adopt an orphan that matches.
        const adopted = reg.patchTrusted(podsR, p.metadata.namespace!, p.metadata.name!, { metadata: { ownerReferences: [...(p.metadata.ownerReferences ?? []), controllerRef(rs)] } });
        owned.push(adopted);
      }
    }
    const active = owned.filter(isPodActive);
    if (!rs.metadata.deletionTimestamp) {
      const want = rs.spec?.replicas ?? 1;
      const diff = active.length - want;
      if (diff < 0) {
        let left = Math.min(-diff, BURST);
        outer: for (const batch of slowStartBatches(left)) {
          for (let i = 0; i < batch; i++) {
            try {
              const pod = reg.createTrusted(podsR, rs.metadata.namespace!, podFromTemplate(rs, rs.spec.template));
              active.push(pod);
              owned.push(pod);
              recordEvent(reg, source, rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
            } catch (e) {
              const msg = e instanceof StatusError ? e.message : String(e);
              recordEvent(reg, source, rs, 'Warning', 'FailedCreate', `Error creating: ${msg}`);
              break outer; // the rest of this and later batches are skipped, as slow start does
            }
          }
          left -= batch;
        }
      } else if (diff > 0) {
        for (const p of podsToDelete(active, Math.min(diff, BURST))) {
          reg.delete(podsR, p.metadata.namespace!, p.metadata.name!);
          recordEvent(reg, source, rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        }
      }
    }
    this.updateStatus(reg, rs, owned);
  }

  private updateStatus(reg: Registry, rs: Replicated, owned: Pod[]): void {
    const now = reg.clock.now();
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const current = reg.find(this.r, rs.metadata.namespace!, rs.metadata.name!);
    if (!current) return;
    // Only pods that are neither terminating nor finished count (calculateStatus).
    const pods = owned.map((p) => reg.find(podsR, p.metadata.namespace!, p.metadata.name!)).filter((p): p is Pod => !!p && isPodActive(p));
    const templateLabels = current.spec?.template?.metadata?.labels ?? {};
    const status: ReplicaSetStatus = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: pods.filter(isPodReady).length,
      availableReplicas: pods.filter((p) => isPodAvailable(p, minReady, now)).length,
      observedGeneration: current.metadata.generation,
    };
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const) if (status[k] === 0) delete status[k];
    if (current.status?.conditions) status.conditions = current.status.conditions;
    // A ready pod becomes available after minReadySeconds: come back then.
    for (const p of pods) {
      const since = readySince(p);
      if (since === undefined || minReady <= 0 || since + minReady * 1000 <= now) continue;
      this.queue.wakeAt(objectKey(current.metadata.namespace!, current.metadata.name!), since + minReady * 1000);
    }
    reg.writeStatus(this.r, current.metadata.namespace!, current.metadata.name!, status);
  }
}
