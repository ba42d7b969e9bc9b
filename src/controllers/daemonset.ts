// The DaemonSet controller: one pod on every node the pod template fits (nodeSelector, node
// affinity, taints with the automatic DaemonSet tolerations), pinned to its node by node affinity
// so the default scheduler binds it, as Kubernetes does since ScheduleDaemonSetPods. Rolling
// updates replace pods node by node within maxUnavailable (or surge first with maxSurge).
import { pushTo } from '../api/collections.js';
import { isPodAvailable, isPodReady } from '../api/pods.js';
import { resolveResource } from '../api/resources.js';
import type { KubeObject, Toleration } from '../api/types.js';
import { StatusError } from '../apiserver/errors.js';
import type { Registry } from '../apiserver/registry.js';
import { type Taint, nodeMatchesPod, tolerates } from '../api/scheduling.js';
import { type Controller, RevisionGate, currentPods, podsByController } from '../runtime/controller.js';
import { recordEvent } from '../runtime/events.js';
import { podFromTemplate } from './replicaset.js';
import { REVISION_HASH_LABEL, syncRevisions } from './revisions.js';

const [podsR, dsR, nodesR] = ['pods', 'daemonsets', 'nodes'].map((n) => resolveResource(n)[0]);

/** The tolerations the DaemonSet controller adds to every daemon pod. */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork) t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

/** The pod template's tolerations plus the automatic ones (without duplicates). */
function withDaemonTolerations(spec: any): Toleration[] {
  const own: Toleration[] = spec?.tolerations ?? [];
  const extra = daemonTolerations(!!spec?.hostNetwork).filter((a) => !own.some((o) => o.key === a.key && o.effect === a.effect));
  return [...own, ...extra];
}

/** Whether a daemon pod should run on a node: it matches the selector/affinity and tolerates the taints. */
export function shouldRunOn(ds: KubeObject, node: KubeObject): boolean {
  const spec = ds.spec?.template?.spec ?? {};
  if (!nodeMatchesPod({ spec }, node)) return false;
  const tolerations = withDaemonTolerations(spec);
  return ((node.spec?.taints ?? []) as Taint[]).every((t) => (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') || tolerates(tolerations, t));
}

/** The node a daemon pod is pinned to (its matchFields affinity), or where it is bound. */
export function daemonPodNode(p: KubeObject): string | undefined {
  if (p.spec?.nodeName) return p.spec.nodeName;
  for (const term of p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const f = (term.matchFields ?? []).find((m: any) => m.key === 'metadata.name' && m.operator === 'In');
    if (f) return f.values?.[0];
  }
  return undefined;
}

/** The template's node affinity with the node pinned (replacing any metadata.name term). */
function pinnedAffinity(affinity: any, node: string): any {
  const pin = { key: 'metadata.name', operator: 'In', values: [node] };
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms: any[] = required?.nodeSelectorTerms?.length ? required.nodeSelectorTerms : [{}];
  const nodeSelectorTerms = terms.map((t) => ({ ...t, matchFields: [pin] }));
  return { ...(affinity ?? {}), nodeAffinity: { ...(affinity?.nodeAffinity ?? {}), requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } };
}

function resolveCount(v: number | string | undefined, total: number, def: number, roundUp: boolean): number {
  if (v === undefined) return def;
  if (typeof v === 'number') return v;
  const raw = (Number(v.replace('%', '')) * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

export class DaemonSetController implements Controller {
  readonly name = 'daemonset-controller';
  private gate = new RevisionGate();

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    const sets = reg.list(dsR, undefined).items;
    if (sets.length === 0) return; // nothing to do: no pass over the pods
    const nodes = reg.list(nodesR, undefined).items.filter((n) => !n.metadata.deletionTimestamp);
    const byOwner = podsByController(reg, 'DaemonSet');
    for (const ds of sets) {
      if (ds.metadata.deletionTimestamp) continue;
      try {
        this.syncOne(reg, ds, nodes, byOwner.get(ds.metadata.uid!) ?? []);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  private syncOne(reg: Registry, ds: KubeObject, nodes: KubeObject[], pods: KubeObject[]): void {
    const now = reg.clock.now();
    const source = { component: this.name };
    const ns = ds.metadata.namespace!;
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const { hash } = syncRevisions(reg, ds, new Set(pods.map((p) => p.metadata.labels?.[REVISION_HASH_LABEL] ?? '')));
    const live = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded');
    const byNode = new Map<string, KubeObject[]>();
    for (const p of live) pushTo(byNode, daemonPodNode(p) ?? '', p);
    const nodeNames = new Set(nodes.map((n) => n.metadata.name!));
    const wanted = nodes.filter((n) => shouldRunOn(ds, n));
    const wantedNames = new Set(wanted.map((n) => n.metadata.name!));
    /** This DaemonSet's pods, including those this pass creates (their status is read back at the end). */
    const owned = [...pods];

    const create = (node: string) => {
      const pod = podFromTemplate(ds, ds.spec?.template);
      pod.metadata.labels = { ...pod.metadata.labels, [REVISION_HASH_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) };
      pod.spec.affinity = pinnedAffinity(pod.spec.affinity, node);
      pod.spec.tolerations = withDaemonTolerations(pod.spec);
      try {
        const created = reg.createTrusted(podsR, ns, pod);
        owned.push(created);
        recordEvent(reg, source, ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
        return created;
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        recordEvent(reg, source, ds, 'Warning', 'FailedCreate', `Error creating: ${e.message}`);
        return undefined;
      }
    };
    const remove = (p: KubeObject) => {
      reg.delete(podsR, ns, p.metadata.name!);
      recordEvent(reg, source, ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
    };

    // Pods on nodes that are gone or no longer eligible, and extra pods on a node, go.
    for (const [node, list] of byNode) {
      if (!nodeNames.has(node) || !wantedNames.has(node)) list.forEach(remove);
    }

    // Every eligible node gets a pod; rolling updates replace old ones.
    const rolling = (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const ru = ds.spec?.updateStrategy?.rollingUpdate ?? {};
    const maxSurge = rolling ? resolveCount(ru.maxSurge, wanted.length, 0, true) : 0;
    const maxUnavailable = rolling ? resolveCount(ru.maxUnavailable, wanted.length, 1, false) || (maxSurge === 0 ? 1 : 0) : 0;
    const isNew = (p: KubeObject) => p.metadata.labels?.[REVISION_HASH_LABEL] === hash;
    const available = (p: KubeObject) => isPodAvailable(p, minReady, now);
    let unavailable = 0;
    const oldOnNodes: { node: string; old: KubeObject; hasNew: boolean; newAvailable: boolean }[] = [];
    for (const n of wanted) {
      const name = n.metadata.name!;
      const list = byNode.get(name) ?? [];
      if (list.length === 0) {
        create(name);
        unavailable++;
        continue;
      }
      const news = list.filter(isNew);
      const olds = list.filter((p) => !isNew(p));
      // More than one pod of a kind on a node: keep the oldest (or an available one).
      if (news.length > 1) news.slice(1).forEach(remove);
      if (!rolling) {
        if (olds.length + news.length > 1) [...olds, ...news].slice(1).forEach(remove);
        if (!(olds[0] ?? news[0]) || !available(olds[0] ?? news[0])) unavailable++;
        continue;
      }
      if (olds.length > 1) olds.slice(1).forEach(remove);
      const pod = news[0] ?? olds[0];
      if (!available(pod)) unavailable++;
      if (olds[0]) oldOnNodes.push({ node: name, old: olds[0], hasNew: !!news[0], newAvailable: !!news[0] && available(news[0]) });
    }
    if (rolling) {
      if (maxSurge > 0) {
        // Surge: start the new pod beside the old one, remove the old once the new is available.
        let surged = oldOnNodes.filter((o) => o.hasNew && !o.newAvailable).length;
        for (const o of oldOnNodes) {
          if (o.newAvailable) remove(o.old);
          else if (!o.hasNew && surged < maxSurge) {
            create(o.node);
            surged++;
          }
        }
      } else {
        // Replace node by node: unavailable old pods first, then more while within maxUnavailable.
        let budget = maxUnavailable - unavailable;
        const ordered = [...oldOnNodes].sort((a, b) => Number(available(a.old)) - Number(available(b.old)));
        for (const o of ordered) {
          if (!available(o.old)) remove(o.old);
          else if (budget > 0) {
            remove(o.old);
            budget--;
          }
        }
      }
    }
    this.updateStatus(reg, ds, owned, wanted.map((n) => n.metadata.name!), nodeNames, hash);
  }

  /** Status from `owned` as they are now in the store (a pass's deletions and creations included). */
  private updateStatus(reg: Registry, ds: KubeObject, owned: KubeObject[], wanted: string[], nodeNames: Set<string>, hash: string): void {
    const now = reg.clock.now();
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const pods = currentPods(reg, owned);
    const wantedSet = new Set(wanted);
    const onWanted = pods.filter((p) => wantedSet.has(daemonPodNode(p) ?? ''));
    const scheduledNodes = new Set(onWanted.filter((p) => p.spec?.nodeName).map((p) => p.spec.nodeName));
    const misscheduled = new Set(pods.filter((p) => p.spec?.nodeName && !wantedSet.has(p.spec.nodeName) && nodeNames.has(p.spec.nodeName)).map((p) => p.spec.nodeName));
    const perNode = (pred: (p: KubeObject) => boolean) => new Set(onWanted.filter(pred).map((p) => daemonPodNode(p))).size;
    const numberAvailable = perNode((p) => isPodAvailable(p, minReady, now));
    const status: any = {
      currentNumberScheduled: scheduledNodes.size,
      numberMisscheduled: misscheduled.size,
      desiredNumberScheduled: wanted.length,
      numberReady: perNode(isPodReady),
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: perNode((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === hash && !!p.spec?.nodeName),
      numberAvailable,
      numberUnavailable: wanted.length - numberAvailable,
    };
    for (const k of ['numberAvailable', 'numberUnavailable', 'updatedNumberScheduled']) if (status[k] === 0) delete status[k];
    for (const p of onWanted) {
      const since = isPodReady(p) ? Date.parse((p.status?.conditions ?? []).find((c: any) => c.type === 'Ready')?.lastTransitionTime ?? '') : NaN;
      if (minReady > 0 && since + minReady * 1000 > now) this.gate.wakeAt(since + minReady * 1000);
    }
    reg.writeStatus(dsR, ds.metadata.namespace!, ds.metadata.name!, status);
  }
}
