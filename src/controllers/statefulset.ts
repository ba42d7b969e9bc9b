// The StatefulSet controller: pods with stable ordinal names (`web-0`, `web-1`, ...) and hostnames
// under the governing Service, one PersistentVolumeClaim per pod and volumeClaimTemplate (kept
// when pods go), created in order and each Running and Ready before the next (OrderedReady) or
// all at once (Parallel), removed from the highest ordinal down, and rolling updates from the
// highest ordinal down to the partition.
import { isPodAvailable, isPodReady } from '../api/pods.js';
import { resolveResource } from '../api/resources.js';
import type { KubeObject, PodTemplateSpec } from '../api/types.js';
import { StatusError } from '../apiserver/errors.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate, currentPods, podsByController } from '../runtime/controller.js';
import { recordEvent } from '../runtime/events.js';
import { podFromTemplate } from './replicaset.js';
import { REVISION_HASH_LABEL, syncRevisions } from './revisions.js';

const [podsR, stsR, pvcR] = ['pods', 'statefulsets', 'persistentvolumeclaims'].map((n) => resolveResource(n)[0]);

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** The ordinal of a StatefulSet pod name (`web-2` -> 2), or -1. */
export function ordinalOf(stsName: string, podName: string): number {
  const m = new RegExp(`^${stsName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(podName);
  return m ? Number(m[1]) : -1;
}

/** The claim name of a volumeClaimTemplate for one pod: `<template>-<sts>-<ordinal>`. */
export function claimName(template: string, sts: string, ordinal: number): string {
  return `${template}-${sts}-${ordinal}`;
}

const isRunningReady = (p: KubeObject) => p.status?.phase === 'Running' && isPodReady(p);
const isFailed = (p: KubeObject) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';

export class StatefulSetController implements Controller {
  readonly name = 'statefulset-controller';
  private gate = new RevisionGate();

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    const sets = reg.list(stsR, undefined).items;
    if (sets.length === 0) return; // nothing to do: no pass over the pods
    const byOwner = podsByController(reg, 'StatefulSet');
    for (const sts of sets) {
      if (sts.metadata.deletionTimestamp) continue;
      try {
        this.syncOne(reg, sts, byOwner.get(sts.metadata.uid!) ?? []);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  private syncOne(reg: Registry, sts: KubeObject, owned: KubeObject[]): void {
    const name = sts.metadata.name!;
    const ns = sts.metadata.namespace!;
    const source = { component: this.name };
    const replicas: number = sts.spec?.replicas ?? 1;
    const parallel = sts.spec?.podManagementPolicy === 'Parallel';
    // StatefulSets name revisions `<name>-<hash>` (the ControllerRevision's name), in pod labels and status.
    const { hash, revisions } = syncRevisions(reg, sts, new Set(owned.map((p) => (p.metadata.labels?.[REVISION_HASH_LABEL] ?? '').replace(`${name}-`, ''))));
    const updateRevision = `${name}-${hash}`;
    const known = (rev: string) => revisions.some((r) => r.metadata.name === rev);
    const currentRevision: string = sts.status?.currentRevision && known(sts.status.currentRevision) ? sts.status.currentRevision : updateRevision;
    const templateOf = (rev: string): PodTemplateSpec | undefined => {
      if (rev === updateRevision) return sts.spec?.template;
      const t = revisions.find((r) => r.metadata.name === rev)?.data?.spec?.template;
      if (!t) return sts.spec?.template;
      const { $patch: _, ...rest } = t;
      return rest;
    };
    const rolling = (sts.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition: number = rolling ? (sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    // Which revision a pod of each ordinal should run: ordinals below the partition stay current.
    const revisionFor = (ord: number) => (!rolling ? currentRevision : ord >= partition ? updateRevision : currentRevision);

    const byOrdinal = new Map<number, KubeObject>();
    for (const p of owned) {
      const ord = ordinalOf(name, p.metadata.name!);
      if (ord >= 0) byOrdinal.set(ord, p);
    }

    const createPod = (ord: number): boolean => {
      const rev = revisionFor(ord);
      const pod = podFromTemplate(sts, templateOf(rev));
      const podName = `${name}-${ord}`;
      delete pod.metadata.generateName;
      pod.metadata.name = podName;
      pod.metadata.labels = { ...pod.metadata.labels, [REVISION_HASH_LABEL]: rev, [POD_NAME_LABEL]: podName, [POD_INDEX_LABEL]: String(ord) };
      pod.spec.hostname = podName;
      if (sts.spec?.serviceName) pod.spec.subdomain = sts.spec.serviceName;
      const volumes = (pod.spec.volumes ?? []).filter((v: any) => !(sts.spec?.volumeClaimTemplates ?? []).some((t: any) => t.metadata?.name === v.name));
      for (const t of sts.spec?.volumeClaimTemplates ?? []) {
        const claim = claimName(t.metadata?.name, name, ord);
        volumes.push({ name: t.metadata?.name, persistentVolumeClaim: { claimName: claim } });
        if (!reg.find(pvcR, ns, claim)) {
          try {
            reg.createTrusted(pvcR, ns, {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              metadata: { name: claim, labels: { ...(t.metadata?.labels ?? {}), ...(sts.spec?.selector?.matchLabels ?? {}) } },
              spec: structuredClone(t.spec ?? {}),
            });
            recordEvent(reg, source, sts, 'Normal', 'SuccessfulCreate', `create Claim ${claim} Pod ${podName} in StatefulSet ${name} success`);
          } catch (e) {
            if (!(e instanceof StatusError)) throw e;
            recordEvent(reg, source, sts, 'Warning', 'FailedCreate', `create Claim ${claim} for Pod ${podName} in StatefulSet ${name} failed error: ${e.message}`);
            return false;
          }
        }
      }
      if (volumes.length) pod.spec.volumes = volumes;
      try {
        owned.push(reg.createTrusted(podsR, ns, pod));
        recordEvent(reg, source, sts, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${name} successful`);
        return true;
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        recordEvent(reg, source, sts, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${name} failed error: ${e.message}`);
        return false;
      }
    };
    const deletePod = (p: KubeObject) => {
      reg.delete(podsR, ns, p.metadata.name!);
      recordEvent(reg, source, sts, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`);
    };

    // Failed pods are replaced.
    for (const [ord, p] of byOrdinal) {
      if (isFailed(p) && !p.metadata.deletionTimestamp) {
        deletePod(p);
        byOrdinal.delete(ord);
      }
    }

    // Scale up, in order.
    let blocked = false;
    for (let ord = 0; ord < replicas && !blocked; ord++) {
      const p = byOrdinal.get(ord);
      if (!p) {
        if (createPod(ord) && !parallel) blocked = true;
        continue;
      }
      if (p.metadata.deletionTimestamp) {
        if (!parallel) blocked = true; // wait for it to go, then re-create it
        continue;
      }
      if (!parallel && !isRunningReady(p)) blocked = true;
    }

    // Scale down, from the highest ordinal, one at a time unless Parallel.
    const extra = [...byOrdinal].filter(([ord]) => ord >= replicas).sort((a, b) => b[0] - a[0]);
    if (extra.length) {
      const terminating = extra.some(([, p]) => p.metadata.deletionTimestamp);
      const othersReady = [...byOrdinal].filter(([ord]) => ord < replicas).every(([, p]) => isRunningReady(p));
      if (parallel) extra.filter(([, p]) => !p.metadata.deletionTimestamp).forEach(([, p]) => deletePod(p));
      else if (!terminating && othersReady && !blocked) deletePod(extra[0][1]);
      blocked = true;
    }

    // Rolling update: from the highest ordinal down to the partition, one pod at a time, each
    // replaced pod Running and Ready before the next goes.
    if (rolling && !blocked) {
      const all = [...byOrdinal].filter(([ord]) => ord < replicas).sort((a, b) => b[0] - a[0]);
      const unhealthy = all.some(([, p]) => p.metadata.deletionTimestamp || !isRunningReady(p));
      if (!unhealthy) {
        const stale = all.find(([ord, p]) => ord >= partition && p.metadata.labels?.[REVISION_HASH_LABEL] !== updateRevision);
        if (stale) deletePod(stale[1]);
      }
    }
    this.updateStatus(reg, sts, owned, currentRevision, updateRevision, replicas, partition);
  }

  /** Status from `owned` as they are now in the store (a pass's deletions and creations included). */
  private updateStatus(reg: Registry, sts: KubeObject, owned: KubeObject[], currentRevision: string, updateRevision: string, replicas: number, partition: number): void {
    const now = reg.clock.now();
    const pods = currentPods(reg, owned).filter((p) => ordinalOf(sts.metadata.name!, p.metadata.name!) >= 0);
    const at = (hash: string) => pods.filter((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === hash).length;
    const updated = at(updateRevision);
    // The update is complete when every pod runs the update revision: it becomes current.
    const current = updated === replicas && pods.length === replicas && partition === 0 ? updateRevision : currentRevision;
    const status: any = {
      observedGeneration: sts.metadata.generation,
      replicas: pods.length,
      readyReplicas: pods.filter(isPodReady).length,
      currentReplicas: at(current),
      updatedReplicas: updated,
      currentRevision: current,
      updateRevision,
      collisionCount: 0,
      availableReplicas: pods.filter((p) => isPodAvailable(p, sts.spec?.minReadySeconds ?? 0, now)).length,
    };
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) if (status[k] === 0) delete status[k];
    reg.writeStatus(stsR, sts.metadata.namespace!, sts.metadata.name!, status);
  }
}
