// The scheduler: every pod without a node gets one through the binding subresource, with a
// Scheduled event; a pod that fits nowhere gets PodScheduled=False/Unschedulable and a
// FailedScheduling event, and is retried whenever the cluster changes.
import { rfc3339 } from '../api/duration.js';
import { resourceNamed } from '../api/resources.js';
import type { Pod, PodDisruptionBudget } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';
import { RevisionGate, type Controller } from '../runtime/controller.js';
import { pushTo } from '../api/collections.js';
import { podsByNode, priorityOf } from '../api/pods.js';
import { recordEvent } from '../runtime/events.js';
import { ChangeFeed, changeTo } from '../runtime/change-feed.js';
import { Snapshot, addPod } from './framework.js';
import { NOT_HELPFUL, preempt, preemptionMessage } from './preemption.js';
import { selectHost, unschedulableMessage } from './select-host.js';
import { claimProblem } from './volume-binding.js';

const podsR = resourceNamed('pods');
const nodesR = resourceNamed('nodes');
const namespacesR = resourceNamed('namespaces');
const pdbR = resourceNamed('poddisruptionbudgets');
const SOURCE = { component: 'default-scheduler' };

/** A pod the scheduler leaves alone while it has scheduling gates (kube-scheduler's SchedulingGates PreEnqueue). */
export const isGated = (p: Pod): boolean => (p.spec?.schedulingGates?.length ?? 0) > 0;

/** Binds pending pods to nodes. */
export class Scheduler implements Controller {
  readonly name = 'scheduler';
  private gate = new RevisionGate();
  private feed = new ChangeFeed(['pods']);
  /** The last pass bound every pod it found pending: only a new pod without a node gives work. */
  private idle = false;
  /** Where the next search over the nodes starts (kube-scheduler's nextStartNodeIndex). */
  private nextStart = 0;

  sync(reg: Registry): void {
    const changes = this.feed.read(reg);
    if (!this.gate.changed(reg)) return;
    // Unschedulable pods are retried on any change; with none, a pass over every pod is needed
    // only when a pod without a node was written (heartbeats and status writes bring no work).
    if (this.idle && changes && !changes.some((c) => changeTo(c, podsR) && c.type !== 'DELETED' && !c.object.spec?.nodeName)) return;
    this.idle = false;
    // Creation order (the store's insertion order) is the queue order, higher priorities first
    // (kube-scheduler's PrioritySort); no sort when every pod has the same priority.
    const pods = [...reg.scan(podsR)];
    const pending = pods.filter((p) => !p.spec?.nodeName && !p.metadata.deletionTimestamp && (p.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler' && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !isGated(p));
    if (pending.length === 0) {
      this.idle = true;
      return;
    }
    if (pending.some((p) => priorityOf(p) !== priorityOf(pending[0]))) pending.sort((a, b) => priorityOf(b) - priorityOf(a));
    const byNode = podsByNode(pods, (p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const snap = new Snapshot();
    for (const n of reg.list(nodesR, undefined).items) if (!n.metadata.deletionTimestamp) snap.addNode(n, byNode.get(n.metadata.name!) ?? []);
    for (const ns of reg.scan(namespacesR)) if (ns.metadata.labels) snap.namespaceLabels.set(ns.metadata.name!, ns.metadata.labels);
    for (const p of pending) {
      const at = p.status?.nominatedNodeName ? snap.byName.get(p.status.nominatedNodeName) : undefined;
      if (at) pushTo(snap.nominated, at, p);
    }
    let bound = 0;
    for (const pod of pending) if (this.scheduleOne(reg, pod, snap)) bound++;
    this.idle = bound === pending.length;
    this.feed.caughtUp(reg);
  }

  /** Binds a pod, or records why it fits nowhere (preempting lower-priority pods when that makes room); true when bound. */
  private scheduleOne(reg: Registry, pod: Pod, snap: Snapshot): boolean {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    // PreFilter (VolumeBinding): claims that are missing or unbound rule out every node at once.
    const volumes = claimProblem(reg, pod);
    const total = snap.nodes.length;
    const result = volumes ? { reasons: new Map<string, number>(), total } : selectHost(pod, snap, undefined, undefined, this.nextStart);
    if ('node' in result) {
      this.nextStart = (this.nextStart + (result.processed ?? 0)) % Math.max(1, total);
      const bound = reg.writeSubresource(podsR, ns, name, 'binding', { target: { name: result.node } });
      this.unnominate(snap, pod);
      addPod(snap.byName.get(result.node)!, bound);
      recordEvent(reg, SOURCE, bound, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${result.node}`);
      return true;
    }
    let message = volumes ? `0/${total} nodes are available: ${volumes}.` : unschedulableMessage(result.reasons, total);
    let nominated = pod.status?.nominatedNodeName;
    if (total > 0) {
      // PostFilter: preemption, when some node could take the pod without lower-priority pods.
      const p = volumes ? { message: preemptionMessage(new Map([[NOT_HELPFUL, total]]), total) } : preempt(pod, snap, snap.remember('pdbs', () => [...reg.scan(pdbR)] as PodDisruptionBudget[]), result.diagnosis);
      if ('message' in p) message += ` ${p.message}`;
      else {
        for (const v of p.victims) this.evict(reg, v, pod, p.node);
        nominated = p.node;
        this.unnominate(snap, pod);
        const at = snap.byName.get(p.node)!;
        // Lower-priority pods nominated there lose the nomination: the room is this pod's now.
        for (const q of snap.nominated.get(at) ?? []) {
          if (priorityOf(q) >= priorityOf(pod)) continue;
          this.unnominate(snap, q);
          const { nominatedNodeName: _, ...rest } = q.status ?? {};
          reg.writeStatus(podsR, q.metadata.namespace!, q.metadata.name!, rest);
        }
        pushTo(snap.nominated, at, pod);
      }
    }
    const cond = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
    if (cond?.status === 'False' && cond.message === message && nominated === pod.status?.nominatedNodeName) return false; // nothing new to say
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: rfc3339(reg.clock.now()) });
    const updated = reg.writeStatus(podsR, ns, name, { ...pod.status, conditions, ...(nominated ? { nominatedNodeName: nominated } : {}) });
    recordEvent(reg, SOURCE, updated, 'Warning', 'FailedScheduling', message);
    return false;
  }

  /** Forgets the room kept for a pod (bound, or nominated elsewhere). */
  private unnominate(snap: Snapshot, pod: Pod): void {
    for (const [n, list] of snap.nominated) {
      const rest = list.filter((q) => q.metadata.uid !== pod.metadata.uid);
      if (rest.length === 0) snap.nominated.delete(n);
      else snap.nominated.set(n, rest);
    }
  }

  /** Deletes a preemption victim gracefully, saying why on its status and in an event. */
  private evict(reg: Registry, victim: Pod, preemptor: Pod, node: string): void {
    const ns = victim.metadata.namespace!;
    const name = victim.metadata.name!;
    const conditions = (victim.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
    conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod', lastProbeTime: null, lastTransitionTime: rfc3339(reg.clock.now()) });
    const marked = reg.writeStatus(podsR, ns, name, { ...victim.status, conditions });
    reg.delete(podsR, ns, name);
    recordEvent(reg, SOURCE, marked, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.uid} on node ${node}`);
  }
}
