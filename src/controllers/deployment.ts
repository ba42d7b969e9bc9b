// The Deployment controller: one ReplicaSet per pod template (named <deployment>-<hash>),
// RollingUpdate within maxSurge/maxUnavailable or Recreate, revisions for rollback, history
// cleanup, pause, and status with the Available and Progressing conditions.
import { rfc3339 } from '../api/duration.js';
import { fromLabelSelector, matches } from '../api/labels.js';

import { resourceNamed } from '../api/resources.js';
import type { Condition, Deployment, DeploymentStatus, KubeObject, ReplicaSet, ReplicaSetStatus } from '../api/types.js';
import type { Change, Registry } from '../apiserver/registry.js';
import { pushTo } from '../api/collections.js';
import { StatusError } from '../apiserver/errors.js';
import type { Controller } from '../runtime/controller.js';
import { KeyedQueue, changeTo, findByKey, objectKey } from '../runtime/change-feed.js';
import { controllerOf } from '../api/pods.js';
import { recordEvent } from '../runtime/events.js';
import { controllerRef } from './replicaset.js';
import { podTemplateHash, sameTemplate } from '../api/pod-template.js';
import { maxScaleDown, newRSReplicas, proportion, resolveFenceposts } from './rollout-arithmetic.js';

const deployR = resourceNamed('deployments'), rsR = resourceNamed('replicasets'), podsR = resourceNamed('pods');
const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
const SOURCE = { component: 'deployment-controller' };

const revisionOf = (rs: ReplicaSet) => Number(rs.metadata.annotations?.[REVISION] ?? 0);
const specReplicas = (rs: ReplicaSet) => rs.spec?.replicas ?? 0;

/** A pass's ReplicaSets: by controller uid, and those without a controller by namespace. */
interface ReplicaSetIndex {
  owned: Map<string, ReplicaSet[]>;
  orphans: Map<string, ReplicaSet[]>;
}


/**
 * Syncs Deployments, keyed as Kubernetes' controller is: a pass syncs the Deployments its changes
 * touch (the Deployment, a ReplicaSet it controls or might adopt, a pod of it that ended, for
 * Recreate), those whose progress deadline came, and all of them on the first pass.
 */
export class DeploymentController implements Controller {
  readonly name = 'deployment-controller';
  /** Deployments to sync: touched by changes, or their progress deadline come (a sync at that time). */
  private queue = new KeyedQueue(['deployments.apps', 'replicasets.apps', 'pods']);

  sync(reg: Registry): void {
    this.queue.run(reg, (changes) => this.touchedBy(reg, changes), (keys) => this.syncAll(reg, keys));
  }

  /** The Deployments a list of changes touches. */
  private touchedBy(reg: Registry, changes: Change[]): Set<string> {
    const keys = new Set<string>();
    const touchOwner = (o: KubeObject) => {
      const ctrl = controllerOf(o);
      if (ctrl?.kind === 'Deployment') keys.add(objectKey(o.metadata.namespace!, ctrl.name));
      // An orphan may be adopted by any Deployment of its namespace that selects it.
      else if (!ctrl && !o.metadata.deletionTimestamp) for (const d of reg.scan(deployR, o.metadata.namespace)) keys.add(objectKey(d.metadata.namespace!, d.metadata.name!));
    };
    for (const c of changes) {
      if (changeTo(c, deployR)) {
        if (c.type !== 'DELETED') keys.add(objectKey(c.namespace, c.name));
      } else if (changeTo(c, rsR)) touchOwner(c.object);
      else if (changeTo(c, podsR) && (c.type === 'DELETED' || c.object.status?.phase === 'Succeeded' || c.object.status?.phase === 'Failed')) {
        // A pod that is gone or ended: a Recreate rollout may be waiting for it.
        const rsRef = controllerOf(c.object);
        const rs = rsRef?.kind === 'ReplicaSet' ? reg.find(rsR, c.namespace, rsRef.name) : undefined;
        if (rs) touchOwner(rs);
      }
    }
    return keys;
  }

  /** Syncs the Deployments of `keys` (all of them when undefined). */
  private syncAll(reg: Registry, keys: Set<string> | undefined): void {
    // ReplicaSets by controller once per pass (not a namespace listing per Deployment).
    const index: ReplicaSetIndex = { owned: new Map(), orphans: new Map() };
    for (const rs of reg.scan(rsR)) {
      const ctrl = controllerOf(rs);
      if (ctrl) pushTo(index.owned, ctrl.uid, rs);
      else pushTo(index.orphans, rs.metadata.namespace ?? '', rs);
    }
    const deployments = keys ? [...keys].map((k) => findByKey(reg, deployR, k)) : reg.list(deployR, undefined).items;
    for (const d of deployments) {
      if (!d || d.metadata.deletionTimestamp) continue;
      try {
        this.syncOne(reg, d, index);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  /** ReplicaSets this Deployment controls (as the store has them now, by name), adopting matching orphans. */
  private ownedReplicaSets(reg: Registry, d: Deployment, index: ReplicaSetIndex): ReplicaSet[] {
    const sel = fromLabelSelector(d.spec?.selector);
    const out: ReplicaSet[] = [];
    for (const known of index.owned.get(d.metadata.uid!) ?? []) {
      const rs = reg.find(rsR, known.metadata.namespace ?? '', known.metadata.name!);
      if (!rs || rs.metadata.uid !== known.metadata.uid) continue;
      if (controllerOf(rs)?.uid === d.metadata.uid) out.push(rs);
    }
    const orphans = index.orphans.get(d.metadata.namespace ?? '') ?? [];
    for (let i = 0; i < orphans.length; i++) {
      const rs = reg.find(rsR, orphans[i].metadata.namespace ?? '', orphans[i].metadata.name!);
      if (!rs || rs.metadata.deletionTimestamp || (rs.metadata.ownerReferences ?? []).some((r) => r.controller) || sel.length === 0 || !matches(sel, rs.metadata.labels)) continue;
      const adopted = reg.patchTrusted(rsR, rs.metadata.namespace!, rs.metadata.name!, { metadata: { ownerReferences: [...(rs.metadata.ownerReferences ?? []), controllerRef(d)] } });
      pushTo(index.owned, d.metadata.uid!, adopted);
      orphans.splice(i--, 1);
      out.push(adopted);
    }
    return out.sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0));
  }

  /** Sets a ReplicaSet's size and its desired/max-replicas annotations (scaleReplicaSet). */
  private scale(reg: Registry, d: Deployment, rs: ReplicaSet, to: number): ReplicaSet {
    const from = specReplicas(rs);
    const annotations = { [DESIRED]: String(d.spec.replicas ?? 1), [MAX]: String(maxReplicas(d)) };
    const stale = rs.metadata.annotations?.[DESIRED] !== annotations[DESIRED] || rs.metadata.annotations?.[MAX] !== annotations[MAX];
    if (from === to && !stale) return rs;
    const updated = reg.patchTrusted(rsR, rs.metadata.namespace!, rs.metadata.name!, { metadata: { annotations }, spec: { replicas: to } });
    if (from !== to) recordEvent(reg, SOURCE, d, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`);
    return updated;
  }

  /**
   * A scaling event (spec.replicas changed, seen as ReplicaSets annotated with another desired
   * count) or a paused Deployment: resize without rolling (the controller's scale()). One active
   * ReplicaSet takes the whole count; a saturated new one leaves the old at 0; otherwise, in a
   * rolling update, the change is spread over the ReplicaSets in proportion to their sizes.
   */
  private scaleProportionally(reg: Registry, d: Deployment, newRS: ReplicaSet | undefined, old: ReplicaSet[]): void {
    const replicas = d.spec?.replicas ?? 1;
    const all = [...(newRS ? [newRS] : []), ...old];
    const active = all.filter((rs) => specReplicas(rs) > 0);
    if (active.length <= 1) {
      const target = active[0] ?? newRS ?? [...old].sort((a, b) => revisionOf(b) - revisionOf(a))[0];
      if (target) this.scale(reg, d, target, replicas);
      return;
    }
    if (newRS && specReplicas(newRS) === replicas && (newRS.status?.availableReplicas ?? 0) === replicas) {
      for (const rs of old) this.scale(reg, d, rs, 0);
      return;
    }
    if ((d.spec?.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
    const allowed = replicas > 0 ? maxReplicas(d) : 0;
    const toAdd = allowed - active.reduce((n, rs) => n + specReplicas(rs), 0);
    // Biggest first; on ties newer first when growing, older first when shrinking.
    const sorted = [...active].sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? revisionOf(b) - revisionOf(a) : revisionOf(a) - revisionOf(b)));
    let added = 0;
    const sizes = sorted.map((rs) => {
      const annotated = Number(rs.metadata.annotations?.[MAX] ?? d.status?.replicas ?? specReplicas(rs)) || specReplicas(rs);
      const p = toAdd !== 0 ? proportion(specReplicas(rs), annotated, allowed, toAdd, added, replicas) : 0;
      added += p;
      return specReplicas(rs) + p;
    });
    // Leftovers go to the largest ReplicaSet.
    if (toAdd !== 0) sizes[0] = Math.max(0, sizes[0] + toAdd - added);
    sorted.forEach((rs, i) => this.scale(reg, d, rs, sizes[i]));
  }

  private syncOne(reg: Registry, d: Deployment, index: ReplicaSetIndex): void {
    const replicas = d.spec?.replicas ?? 1;
    let all = this.ownedReplicaSets(reg, d, index);
    let newRS = all.find((rs) => sameTemplate(rs.spec?.template, d.spec?.template));
    const maxOldRevision = Math.max(0, ...all.filter((rs) => rs !== newRS).map(revisionOf));
    let createdNew = false;

    if (!newRS && !d.spec?.paused) {
      newRS = this.createReplicaSet(reg, d, maxOldRevision + 1, this.initialReplicas(d, all));
      pushTo(index.owned, d.metadata.uid!, newRS);
      createdNew = true;
      all = [...all, newRS];
    } else if (newRS && revisionOf(newRS) <= maxOldRevision && !d.spec?.paused) {
      // Rolling back to an old template: its ReplicaSet becomes the newest revision.
      newRS = reg.patchTrusted(rsR, newRS.metadata.namespace!, newRS.metadata.name!, { metadata: { annotations: { [REVISION]: String(maxOldRevision + 1) } } });
      all = all.map((rs) => (rs.metadata.uid === newRS!.metadata.uid ? newRS! : rs));
    }
    const old = all.filter((rs) => rs !== newRS);
    const scalingEvent = all.some((rs) => specReplicas(rs) > 0 && rs.metadata.annotations?.[DESIRED] !== undefined && rs.metadata.annotations[DESIRED] !== String(replicas));

    if (d.spec?.paused || !newRS || scalingEvent) {
      // Paused, or spec.replicas changed: resize (proportionally in mid-rollout); no rollout step this pass.
      this.scaleProportionally(reg, d, newRS, old);
    } else if ((d.spec?.strategy?.type ?? 'RollingUpdate') === 'Recreate') {
      for (const rs of old) this.scale(reg, d, rs, 0);
      // Recreate waits until no pod of an old ReplicaSet runs, terminating ones included.
      const oldUids = new Set(old.map((rs) => rs.metadata.uid));
      const oldPodsLeft = reg
        .list(podsR, d.metadata.namespace)
        .items.some((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && (p.metadata.ownerReferences ?? []).some((r) => r.controller && oldUids.has(r.uid)));
      if (!oldPodsLeft) newRS = this.scale(reg, d, newRS, replicas);
    } else {
      newRS = this.rollingUpdate(reg, d, newRS, old, replicas);
    }

    all = this.ownedReplicaSets(reg, d, index);
    this.cleanup(reg, d, all, newRS);
    this.updateStatus(reg, d, all, newRS, createdNew);
  }

  /**
   * The size a new ReplicaSet is created with (NewRSNewReplicas): in a rolling update, what fits
   * under replicas + maxSurge beside the old ReplicaSets; under Recreate, none until the old pods
   * are gone (the recreate step scales it up).
   */
  private initialReplicas(d: Deployment, old: ReplicaSet[]): number {
    if ((d.spec?.strategy?.type ?? 'RollingUpdate') === 'Recreate') return 0;
    const replicas = d.spec?.replicas ?? 1;
    const { surge } = resolveFenceposts(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.strategy?.rollingUpdate?.maxUnavailable, replicas);
    return newRSReplicas(replicas, surge, old.reduce((n, rs) => n + specReplicas(rs), 0), 0);
  }

  private createReplicaSet(reg: Registry, d: Deployment, revision: number, replicas: number): ReplicaSet {
    const collisions = d.status?.collisionCount ?? 0;
    const hash = podTemplateHash(d.spec.template, collisions);
    const template = structuredClone(d.spec.template);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), 'pod-template-hash': hash };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), 'pod-template-hash': hash };
    // Built here from the admitted template (copied above): admitted as trusted, without decoding.
    const rs = reg.createTrusted(rsR, d.metadata.namespace!, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        labels: template.metadata.labels,
        annotations: { [DESIRED]: String(d.spec.replicas ?? 1), [MAX]: String(maxReplicas(d)), [REVISION]: String(revision) },
        ownerReferences: [controllerRef(d)],
      },
      spec: { replicas, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    });
    if (replicas > 0) recordEvent(reg, SOURCE, d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`);
    return rs;
  }

  /**
   * One step of a rolling update (rolloutRolling): grow the new ReplicaSet within maxSurge, then
   * shrink old ones within maxUnavailable, first their unhealthy replicas
   * (cleanupUnhealthyReplicas), then available ones (scaleDownOldReplicaSetsForRollingUpdate),
   * oldest revision first.
   */
  private rollingUpdate(reg: Registry, d: Deployment, newRS: ReplicaSet, old: ReplicaSet[], replicas: number): ReplicaSet {
    const { surge, unavailable } = resolveFenceposts(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.strategy?.rollingUpdate?.maxUnavailable, replicas);
    const oldest = old.map((rs) => ({ rs, replicas: specReplicas(rs) })).sort((a, b) => revisionOf(a.rs) - revisionOf(b.rs));
    const total = () => specReplicas(newRS) + oldest.reduce((n, o) => n + o.replicas, 0);
    const want = specReplicas(newRS) > replicas ? replicas : newRSReplicas(replicas, surge, total(), specReplicas(newRS));
    newRS = this.scale(reg, d, newRS, want);
    if (oldest.every((o) => o.replicas === 0)) return newRS;

    const minAvailable = replicas - unavailable;
    const newUnavailable = Math.max(0, specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0));
    let cleanup = maxScaleDown(replicas, unavailable, total(), newUnavailable);
    for (const o of oldest) {
      if (cleanup <= 0) break;
      const unhealthy = Math.max(0, o.replicas - (o.rs.status?.availableReplicas ?? 0));
      const cut = Math.min(unhealthy, cleanup);
      if (cut === 0) continue;
      o.rs = this.scale(reg, d, o.rs, o.replicas - cut);
      o.replicas -= cut;
      cleanup -= cut;
    }
    const availableNow = (newRS.status?.availableReplicas ?? 0) + oldest.reduce((n, o) => n + (o.rs.status?.availableReplicas ?? 0), 0);
    let scaleDown = availableNow - minAvailable;
    for (const o of oldest) {
      if (scaleDown <= 0) break;
      const cut = Math.min(o.replicas, scaleDown);
      if (cut === 0) continue;
      this.scale(reg, d, o.rs, o.replicas - cut);
      o.replicas -= cut;
      scaleDown -= cut;
    }
    return newRS;
  }

  /** Old ReplicaSets at 0 replicas beyond revisionHistoryLimit are deleted, oldest first. */
  private cleanup(reg: Registry, d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined): void {
    const limit = d.spec?.revisionHistoryLimit ?? 10;
    const candidates = all
      .filter((rs) => rs.metadata.uid !== newRS?.metadata.uid && specReplicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of candidates.slice(0, Math.max(0, candidates.length - limit))) reg.delete(rsR, rs.metadata.namespace!, rs.metadata.name!);
  }

  private updateStatus(reg: Registry, d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined, createdNew: boolean): void {
    const cur = reg.find(deployR, d.metadata.namespace!, d.metadata.name!);
    if (!cur) return;
    const replicas = cur.spec?.replicas ?? 1;
    const sum = (f: (rs: ReplicaSet) => number) => all.reduce((n, rs) => n + f(rs), 0);
    const totalReplicas = sum((rs) => rs.status?.replicas ?? 0);
    const available = sum((rs) => rs.status?.availableReplicas ?? 0);
    const { unavailable: maxUnavailable } = resolveFenceposts(cur.spec?.strategy?.rollingUpdate?.maxSurge, cur.spec?.strategy?.rollingUpdate?.maxUnavailable, replicas);
    const now = rfc3339(reg.clock.now());
    const old = cur.status?.conditions ?? [];
    const keep = (c: Condition): Condition => {
      const prev = old.find((o) => o.type === c.type);
      if (prev && prev.status === c.status && prev.reason === c.reason) return { ...c, lastTransitionTime: prev.lastTransitionTime, lastUpdateTime: prev.message === c.message ? prev.lastUpdateTime : now };
      return c;
    };
    const minAvailable = (cur.spec?.strategy?.type ?? 'RollingUpdate') === 'Recreate' ? replicas : replicas - maxUnavailable;
    const availableCond: Condition = available >= minAvailable
      ? { type: 'Available', status: 'True', lastUpdateTime: now, lastTransitionTime: now, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', lastUpdateTime: now, lastTransitionTime: now, reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' };
    const newName = newRS?.metadata.name ?? '';
    const newStatus: Partial<ReplicaSetStatus> = newRS?.status ?? {};
    const complete = newRS && specReplicas(newRS) === replicas && (newStatus.availableReplicas ?? 0) >= replicas && totalReplicas === (newStatus.replicas ?? 0);
    const prevProgress = old.find((c) => c.type === 'Progressing');
    let progressing: Condition;
    if (cur.spec?.paused) progressing = { type: 'Progressing', status: 'Unknown', lastUpdateTime: now, lastTransitionTime: now, reason: 'DeploymentPaused', message: 'Deployment is paused' };
    else if (complete) progressing = { type: 'Progressing', status: 'True', lastUpdateTime: now, lastTransitionTime: now, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${newName}" has successfully progressed.` };
    else if (createdNew) progressing = { type: 'Progressing', status: 'True', lastUpdateTime: now, lastTransitionTime: now, reason: 'NewReplicaSetCreated', message: `Created new replica set "${newName}"` };
    else {
      const deadline = cur.spec?.progressDeadlineSeconds ?? 600;
      const lastProgress = Date.parse(prevProgress?.lastUpdateTime ?? cur.metadata.creationTimestamp ?? now);
      const moved = !prevProgress || (cur.status?.updatedReplicas ?? 0) !== (newStatus.replicas ?? 0) || (cur.status?.availableReplicas ?? 0) !== available;
      // Once exceeded, the condition stays until the rollout moves again (the controller keeps trying).
      if (!moved && prevProgress?.reason === 'ProgressDeadlineExceeded') progressing = prevProgress;
      else if (!moved && reg.clock.now() - lastProgress > deadline * 1000)
        progressing = { type: 'Progressing', status: 'False', lastUpdateTime: now, lastTransitionTime: now, reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newName}" has timed out progressing.` };
      else {
        progressing = { type: 'Progressing', status: 'True', lastUpdateTime: moved ? now : (prevProgress?.lastUpdateTime ?? now), lastTransitionTime: now, reason: 'ReplicaSetUpdated', message: `ReplicaSet "${newName}" is progressing.` };
        this.queue.wakeAt(objectKey(cur.metadata.namespace!, cur.metadata.name!), Date.parse(progressing.lastUpdateTime!) + deadline * 1000 + 1);
      }
    }
    const status: DeploymentStatus = {
      observedGeneration: cur.metadata.generation,
      replicas: totalReplicas,
      updatedReplicas: newStatus.replicas ?? 0,
      readyReplicas: sum((rs) => rs.status?.readyReplicas ?? 0),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, sum(specReplicas) - available),
      conditions: [keep(availableCond), keep(progressing)],
    };
    if (cur.status?.collisionCount) status.collisionCount = cur.status.collisionCount;
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) if (status[k] === 0) delete status[k];
    const annotations = newRS ? { ...(cur.metadata.annotations ?? {}), [REVISION]: newRS.metadata.annotations?.[REVISION] ?? '1' } : cur.metadata.annotations;
    // The revision goes with the status, in one write (the Deployment's status strategy takes annotations).
    reg.writeStatus(deployR, cur.metadata.namespace!, cur.metadata.name!, status, annotations);
  }
}

/** replicas + maxSurge: the most pods a rollout may run at once. */
function maxReplicas(d: Deployment): number {
  const replicas = d.spec?.replicas ?? 1;
  if ((d.spec?.strategy?.type ?? 'RollingUpdate') === 'Recreate') return replicas;
  return replicas + resolveFenceposts(d.spec?.strategy?.rollingUpdate?.maxSurge, d.spec?.strategy?.rollingUpdate?.maxUnavailable, replicas).surge;
}
