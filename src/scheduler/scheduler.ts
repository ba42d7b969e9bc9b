// The scheduler: every pod without a node gets one through the binding subresource, with a
// Scheduled event; a pod that fits nowhere gets PodScheduled=False/Unschedulable and a
// FailedScheduling event, and is retried whenever the cluster changes.
import { rfc3339 } from '../api/duration.js';
import { resourceNamed } from '../api/resources.js';
import type { Pod } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';
import { RevisionGate, type Controller } from '../runtime/controller.js';
import { podsByNode } from '../api/pods.js';
import { recordEvent } from '../runtime/events.js';
import { ChangeFeed, changeTo } from '../runtime/change-feed.js';
import { type NodeInfo, addPod, nodeInfo } from './framework.js';
import { selectHost, unschedulableMessage } from './select-host.js';
import { claimProblem } from './volume-binding.js';

const podsR = resourceNamed('pods');
const nodesR = resourceNamed('nodes');
const SOURCE = { component: 'default-scheduler' };

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
    // Creation order (the store's insertion order) is the queue order; no sort over every pod.
    const pods = [...reg.scan(podsR)];
    const pending = pods.filter((p) => !p.spec?.nodeName && !p.metadata.deletionTimestamp && (p.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler' && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    if (pending.length === 0) {
      this.idle = true;
      return;
    }
    const byNode = podsByNode(pods, (p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const owners = new Map<string, number>();
    const infos: NodeInfo[] = reg.list(nodesR, undefined).items.filter((n) => !n.metadata.deletionTimestamp).map((n) => nodeInfo(n, byNode.get(n.metadata.name!) ?? [], owners));
    const byName = new Map(infos.map((i) => [i.name, i]));
    let bound = 0;
    for (const pod of pending) if (this.scheduleOne(reg, pod, infos, byName)) bound++;
    this.idle = bound === pending.length;
    this.feed.caughtUp(reg);
  }

  /** Binds a pod, or records why it fits nowhere; true when bound. */
  private scheduleOne(reg: Registry, pod: Pod, infos: NodeInfo[], byName: Map<string, NodeInfo>): boolean {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    // PreFilter (VolumeBinding): claims that are missing or unbound rule out every node at once.
    const volumes = claimProblem(reg, pod);
    const result = volumes ? { reasons: new Map<string, number>(), total: infos.length } : selectHost(pod, infos, undefined, undefined, this.nextStart);
    if ('node' in result) {
      this.nextStart = (this.nextStart + (result.processed ?? 0)) % Math.max(1, infos.length);
      const bound = reg.writeSubresource(podsR, ns, name, 'binding', { target: { name: result.node } });
      addPod(byName.get(result.node)!, bound);
      recordEvent(reg, SOURCE, bound, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${result.node}`);
      return true;
    }
    const message = volumes ? `0/${result.total} nodes are available: ${volumes}.` : unschedulableMessage(result.reasons, result.total);
    const cond = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
    if (cond?.status === 'False' && cond.message === message) return false; // nothing new to say
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: rfc3339(reg.clock.now()) });
    const updated = reg.writeStatus(podsR, ns, name, { ...pod.status, conditions });
    recordEvent(reg, SOURCE, updated, 'Warning', 'FailedScheduling', message);
    return false;
  }
}
