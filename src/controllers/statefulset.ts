// The StatefulSet controller: pods with stable ordinal names (`web-0`, `web-1`, ...) and hostnames
// under the governing Service, one PersistentVolumeClaim per pod and volumeClaimTemplate (kept
// when pods go), created in order and each Running and Ready before the next (OrderedReady) or
// all at once (Parallel), removed from the highest ordinal down, and rolling updates from the
// highest ordinal down to the partition.
import { isPodAvailable, isPodReady } from '../api/pods.js';
import { resourceNamed } from '../api/resources.js';
import type { Pod, PodTemplateSpec, StatefulSet, StatefulSetStatus, Volume } from '../api/types.js';
import { StatusError } from '../apiserver/errors.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate, currentPods, podsByController } from '../runtime/controller.js';
import { recordEvent } from '../runtime/events.js';
import { podFromTemplate } from './replicaset.js';
import { REVISION_HASH_LABEL, syncRevisions } from './revisions.js';

const podsR = resourceNamed('pods'), stsR = resourceNamed('statefulsets'), pvcR = resourceNamed('persistentvolumeclaims');

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

const isRunningReady = (p: Pod) => p.status?.phase === 'Running' && isPodReady(p);
const isFailed = (p: Pod) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';

/** What one pass over a StatefulSet works with. */
interface Pass {
  reg: Registry;
  sts: StatefulSet;
  name: string;
  ns: string;
  /** Its pods; pods this pass creates are added. */
  owned: Pod[];
  byOrdinal: Map<number, Pod>;
  replicas: number;
  parallel: boolean;
  rolling: boolean;
  partition: number;
  currentRevision: string;
  updateRevision: string;
  templateOf(rev: string): PodTemplateSpec;
  revisionFor(ord: number): string;
}

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

  private syncOne(reg: Registry, sts: StatefulSet, owned: Pod[]): void {
    const p = this.plan(reg, sts, owned);
    // Failed pods are replaced.
    for (const [ord, pod] of p.byOrdinal) {
      if (isFailed(pod) && !pod.metadata.deletionTimestamp) {
        this.deletePod(p, pod);
        p.byOrdinal.delete(ord);
      }
    }
    const blocked = this.scaleDown(p, this.scaleUp(p));
    if (p.rolling && !blocked) this.rollOne(p);
    this.updateStatus(reg, sts, owned, p.currentRevision, p.updateRevision, p.replicas, p.partition);
  }

  /** The revisions, ordinals and settings one pass works with. */
  private plan(reg: Registry, sts: StatefulSet, owned: Pod[]): Pass {
    const name = sts.metadata.name!;
    // StatefulSets name revisions `<name>-<hash>` (the ControllerRevision's name), in pod labels and status.
    const { hash, revisions } = syncRevisions(reg, sts, new Set(owned.map((p) => (p.metadata.labels?.[REVISION_HASH_LABEL] ?? '').replace(`${name}-`, ''))));
    const updateRevision = `${name}-${hash}`;
    const known = (rev: string) => revisions.some((r) => r.metadata.name === rev);
    const currentRevision: string = sts.status?.currentRevision && known(sts.status.currentRevision) ? sts.status.currentRevision : updateRevision;
    const rolling = (sts.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition: number = rolling ? (sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    const byOrdinal = new Map<number, Pod>();
    for (const p of owned) {
      const ord = ordinalOf(name, p.metadata.name!);
      if (ord >= 0) byOrdinal.set(ord, p);
    }
    return {
      reg,
      sts,
      name,
      ns: sts.metadata.namespace!,
      owned,
      byOrdinal,
      replicas: sts.spec?.replicas ?? 1,
      parallel: sts.spec?.podManagementPolicy === 'Parallel',
      rolling,
      partition,
      currentRevision,
      updateRevision,
      templateOf: (rev) => {
        if (rev === updateRevision) return sts.spec.template;
        const t = revisions.find((r) => r.metadata.name === rev)?.data?.spec?.template;
        if (!t) return sts.spec.template;
        const { $patch: _, ...rest } = t;
        return rest;
      },
      // Which revision a pod of each ordinal should run: ordinals below the partition stay current.
      revisionFor: (ord) => (!rolling ? currentRevision : ord >= partition ? updateRevision : currentRevision),
    };
  }

  /** Creates the pod of an ordinal (and its claims first); false when the API refused one of them. */
  private createPod(p: Pass, ord: number): boolean {
    const rev = p.revisionFor(ord);
    const pod = podFromTemplate(p.sts, p.templateOf(rev));
    const podName = `${p.name}-${ord}`;
    delete pod.metadata.generateName;
    pod.metadata.name = podName;
    pod.metadata.labels = { ...pod.metadata.labels, [REVISION_HASH_LABEL]: rev, [POD_NAME_LABEL]: podName, [POD_INDEX_LABEL]: String(ord) };
    pod.spec.hostname = podName;
    if (p.sts.spec?.serviceName) pod.spec.subdomain = p.sts.spec.serviceName;
    const volumes = this.claimVolumes(p, pod, ord);
    if (!volumes) return false;
    if (volumes.length) pod.spec.volumes = volumes;
    try {
      p.owned.push(p.reg.createTrusted(podsR, p.ns, pod));
      recordEvent(p.reg, { component: this.name }, p.sts, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${p.name} successful`);
      return true;
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      recordEvent(p.reg, { component: this.name }, p.sts, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${p.name} failed error: ${e.message}`);
      return false;
    }
  }

  /**
   * The pod's volumes with one claim per volumeClaimTemplate (`<template>-<set>-<ordinal>`), each
   * created if missing; undefined when the API refused a claim.
   */
  private claimVolumes(p: Pass, pod: Pod, ord: number): Volume[] | undefined {
    const templates = p.sts.spec?.volumeClaimTemplates ?? [];
    const volumes = (pod.spec.volumes ?? []).filter((v) => !templates.some((t) => t.metadata?.name === v.name));
    const podName = pod.metadata.name;
    for (const t of templates) {
      const claim = claimName(t.metadata?.name ?? '', p.name, ord);
      volumes.push({ name: t.metadata?.name ?? '', persistentVolumeClaim: { claimName: claim } });
      if (p.reg.find(pvcR, p.ns, claim)) continue;
      try {
        p.reg.createTrusted(pvcR, p.ns, {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: claim, labels: { ...(t.metadata?.labels ?? {}), ...(p.sts.spec?.selector?.matchLabels ?? {}) } },
          spec: structuredClone(t.spec ?? {}),
        });
        recordEvent(p.reg, { component: this.name }, p.sts, 'Normal', 'SuccessfulCreate', `create Claim ${claim} Pod ${podName} in StatefulSet ${p.name} success`);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        recordEvent(p.reg, { component: this.name }, p.sts, 'Warning', 'FailedCreate', `create Claim ${claim} for Pod ${podName} in StatefulSet ${p.name} failed error: ${e.message}`);
        return undefined;
      }
    }
    return volumes;
  }

  private deletePod(p: Pass, pod: Pod): void {
    p.reg.delete(podsR, p.ns, pod.metadata.name!);
    recordEvent(p.reg, { component: this.name }, p.sts, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${p.name} successful`);
  }

  /** Creates missing pods in ordinal order (OrderedReady: one at a time, each Running and Ready first). True when blocked. */
  private scaleUp(p: Pass): boolean {
    let blocked = false;
    for (let ord = 0; ord < p.replicas && !blocked; ord++) {
      const pod = p.byOrdinal.get(ord);
      if (!pod) {
        if (this.createPod(p, ord) && !p.parallel) blocked = true;
        continue;
      }
      if (pod.metadata.deletionTimestamp) {
        if (!p.parallel) blocked = true; // wait for it to go, then re-create it
        continue;
      }
      if (!p.parallel && !isRunningReady(pod)) blocked = true;
    }
    return blocked;
  }

  /** Deletes pods beyond the replica count, from the highest ordinal, one at a time unless Parallel. True when blocked. */
  private scaleDown(p: Pass, blocked: boolean): boolean {
    const extra = [...p.byOrdinal].filter(([ord]) => ord >= p.replicas).sort((a, b) => b[0] - a[0]);
    if (extra.length === 0) return blocked;
    const terminating = extra.some(([, pod]) => pod.metadata.deletionTimestamp);
    const othersReady = [...p.byOrdinal].filter(([ord]) => ord < p.replicas).every(([, pod]) => isRunningReady(pod));
    if (p.parallel) extra.filter(([, pod]) => !pod.metadata.deletionTimestamp).forEach(([, pod]) => this.deletePod(p, pod));
    else if (!terminating && othersReady && !blocked) this.deletePod(p, extra[0][1]);
    return true;
  }

  /**
   * One step of a rolling update: from the highest ordinal down to the partition, one pod at a
   * time, each replaced pod Running and Ready before the next goes.
   */
  private rollOne(p: Pass): void {
    const all = [...p.byOrdinal].filter(([ord]) => ord < p.replicas).sort((a, b) => b[0] - a[0]);
    if (all.some(([, pod]) => pod.metadata.deletionTimestamp || !isRunningReady(pod))) return;
    const stale = all.find(([ord, pod]) => ord >= p.partition && pod.metadata.labels?.[REVISION_HASH_LABEL] !== p.updateRevision);
    if (stale) this.deletePod(p, stale[1]);
  }

  /** Status from `owned` as they are now in the store (a pass's deletions and creations included). */
  private updateStatus(reg: Registry, sts: StatefulSet, owned: Pod[], currentRevision: string, updateRevision: string, replicas: number, partition: number): void {
    const now = reg.clock.now();
    const pods = currentPods(reg, owned).filter((p) => ordinalOf(sts.metadata.name!, p.metadata.name!) >= 0);
    const at = (hash: string) => pods.filter((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === hash).length;
    const updated = at(updateRevision);
    // The update is complete when every pod runs the update revision: it becomes current.
    const current = updated === replicas && pods.length === replicas && partition === 0 ? updateRevision : currentRevision;
    const status: StatefulSetStatus = {
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
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) if (status[k] === 0) delete status[k];
    reg.writeStatus(stsR, sts.metadata.namespace!, sts.metadata.name!, status);
  }
}
