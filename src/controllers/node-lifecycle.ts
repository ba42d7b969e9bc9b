// The node lifecycle controller: a node whose kubelet stops posting status for the grace period
// becomes Ready=Unknown and gets the `unreachable` NoExecute taint; its pods are evicted once their
// toleration of that taint runs out (300 s by default), and their controllers replace them
// elsewhere. A node that reports again loses the taint.
import { rfc3339 } from '../api/duration.js';
import { resourceNamed } from '../api/resources.js';
import type { Node, Pod, Taint, Toleration } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';
import { recordEvent } from '../runtime/events.js';

const nodesR = resourceNamed('nodes'), podsR = resourceNamed('pods');

/** How long a silent node stays Ready (node-monitor-grace-period). */
export const NODE_MONITOR_GRACE_MS = 40_000;
const UNREACHABLE = 'node.kubernetes.io/unreachable';

/** How long a pod tolerates the unreachable NoExecute taint: its toleration's seconds, or forever. */
function toleratesFor(pod: Pod): number | undefined {
  const t = ((pod.spec?.tolerations ?? []) as Toleration[]).find((x) => (x.key === UNREACHABLE || (!x.key && x.operator === 'Exists')) && (!x.effect || x.effect === 'NoExecute'));
  if (!t) return 0;
  return t.tolerationSeconds ?? undefined;
}

/** Marks silent nodes unreachable and evicts their pods when tolerations run out. */
export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle-controller';
  private gate = new RevisionGate();

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    const now = reg.clock.now();
    for (const node of reg.list(nodesR, undefined).items) {
      const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
      if (!ready) continue;
      const beat = Date.parse(ready.lastHeartbeatTime ?? '') || 0;
      const taints: Taint[] = node.spec?.taints ?? [];
      const tainted = taints.some((t) => t.key === UNREACHABLE && t.effect === 'NoExecute');
      if (ready.status === 'True' && now - beat > NODE_MONITOR_GRACE_MS) {
        this.markUnreachable(reg, node, now);
        continue;
      }
      if (ready.status === 'True') {
        if (tainted) reg.patchTrusted(nodesR, '', node.metadata.name!, { spec: { taints: taints.filter((t) => t.key !== UNREACHABLE).length ? taints.filter((t) => t.key !== UNREACHABLE) : null } });
        this.gate.wakeAt(beat + NODE_MONITOR_GRACE_MS + 1);
        continue;
      }
      if (tainted) this.evict(reg, node, taints.find((t) => t.key === UNREACHABLE && t.effect === 'NoExecute') ?? {}, now);
    }
  }

  private markUnreachable(reg: Registry, node: Node, now: number): void {
    const ts = rfc3339(now);
    const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c, status: 'Unknown' as const, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: ts }));
    const updated = reg.writeStatus(nodesR, '', node.metadata.name!, { ...node.status, conditions });
    const taints = [...(updated.spec?.taints ?? []).filter((t) => t.key !== UNREACHABLE), { key: UNREACHABLE, effect: 'NoSchedule' as const }, { key: UNREACHABLE, effect: 'NoExecute' as const, timeAdded: ts }];
    reg.patchTrusted(nodesR, '', node.metadata.name!, { spec: { taints } });
    recordEvent(reg, { component: 'node-controller' }, updated, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
  }

  private evict(reg: Registry, node: Node, taint: { timeAdded?: string }, now: number): void {
    const since = Date.parse(taint.timeAdded ?? '') || now;
    for (const pod of reg.list(podsR, undefined, { fieldSelector: `spec.nodeName=${node.metadata.name}` }).items) {
      if (pod.metadata.deletionTimestamp) continue;
      const seconds = toleratesFor(pod);
      if (seconds === undefined) continue; // tolerates forever
      const at = since + seconds * 1000;
      if (at > now) {
        this.gate.wakeAt(at);
        continue;
      }
      reg.delete(podsR, pod.metadata.namespace!, pod.metadata.name!);
      recordEvent(reg, { component: 'taint-eviction-controller' }, pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
    }
  }
}
