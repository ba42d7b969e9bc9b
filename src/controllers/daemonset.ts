// The DaemonSet controller: one pod on every node the pod template fits (nodeSelector, node
// affinity, taints with the automatic DaemonSet tolerations), pinned to its node by node affinity
// so the default scheduler binds it, as Kubernetes does since ScheduleDaemonSetPods. Rolling
// updates replace pods node by node within maxUnavailable (or surge first with maxSurge).
import { pushTo } from '../api/collections.js';
import { isPodAvailable, isPodReady } from '../api/pods.js';
import { resourceNamed } from '../api/resources.js';
import type { Affinity, DaemonSet, DaemonSetStatus, KubeObject, Node, NodeSelectorTerm, Pod, PodSpec, Toleration } from '../api/types.js';
import { StatusError } from '../apiserver/errors.js';
import type { Registry } from '../apiserver/registry.js';
import { type Taint, nodeMatchesPod, tolerates } from '../api/scheduling.js';
import { type Controller, RevisionGate, currentPods, podsByController } from '../runtime/controller.js';
import { recordEvent } from '../runtime/events.js';
import { podFromTemplate } from './replicaset.js';
import { REVISION_HASH_LABEL, syncRevisions } from './revisions.js';

const podsR = resourceNamed('pods'), dsR = resourceNamed('daemonsets'), nodesR = resourceNamed('nodes');

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
function withDaemonTolerations(spec: PodSpec): Toleration[] {
  const own: Toleration[] = spec?.tolerations ?? [];
  const extra = daemonTolerations(!!spec?.hostNetwork).filter((a) => !own.some((o) => o.key === a.key && o.effect === a.effect));
  return [...own, ...extra];
}

/** Whether a daemon pod should run on a node: it matches the selector/affinity and tolerates the taints. */
export function shouldRunOn(ds: DaemonSet, node: Node): boolean {
  const spec = ds.spec?.template?.spec ?? {};
  if (!nodeMatchesPod({ spec }, node)) return false;
  const tolerations = withDaemonTolerations(spec);
  return ((node.spec?.taints ?? []) as Taint[]).every((t) => (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') || tolerates(tolerations, t));
}

/** The node a daemon pod is pinned to (its matchFields affinity), or where it is bound. */
export function daemonPodNode(p: Pod): string | undefined {
  if (p.spec?.nodeName) return p.spec.nodeName;
  for (const term of p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const f = (term.matchFields ?? []).find((m) => m.key === 'metadata.name' && m.operator === 'In');
    if (f) return f.values?.[0];
  }
  return undefined;
}

/** What one pass over a DaemonSet works with. */
interface DaemonPass {
  reg: Registry;
  ds: DaemonSet;
  ns: string;
  /** The current template's revision hash. */
  hash: string;
  /** Its pods, including those this pass creates (their status is read back at the end). */
  owned: Pod[];
  available(p: Pod): boolean;
}

/** A node still running a pod of an old revision in a rolling update. */
interface OldPod {
  node: string;
  old: Pod;
  hasNew: boolean;
  newAvailable: boolean;
}

/** The template's node affinity with the node pinned (replacing any metadata.name term). */
function pinnedAffinity(affinity: Affinity | undefined, node: string): Affinity {
  const pin = { key: 'metadata.name', operator: 'In' as const, values: [node] };
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms: NodeSelectorTerm[] = required?.nodeSelectorTerms?.length ? required.nodeSelectorTerms : [{}];
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

  private syncOne(reg: Registry, ds: DaemonSet, nodes: Node[], pods: Pod[]): void {
    const { hash } = syncRevisions(reg, ds, new Set(pods.map((p) => p.metadata.labels?.[REVISION_HASH_LABEL] ?? '')));
    const live = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded');
    const byNode = new Map<string, Pod[]>();
    for (const p of live) pushTo(byNode, daemonPodNode(p) ?? '', p);
    const nodeNames = new Set(nodes.map((n) => n.metadata.name!));
    const wanted = nodes.filter((n) => shouldRunOn(ds, n));
    const wantedNames = new Set(wanted.map((n) => n.metadata.name!));
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const now = reg.clock.now();
    const d: DaemonPass = { reg, ds, ns: ds.metadata.namespace!, hash, owned: [...pods], available: (p) => isPodAvailable(p, minReady, now) };

    // Pods on nodes that are gone or no longer eligible go.
    for (const [node, list] of byNode) {
      if (!nodeNames.has(node) || !wantedNames.has(node)) list.forEach((p) => this.remove(d, p));
    }
    const rolling = (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const { unavailable, oldOnNodes } = this.place(d, wanted, byNode, rolling);
    if (rolling) this.rollOut(d, wanted.length, unavailable, oldOnNodes);
    this.updateStatus(reg, ds, d.owned, wanted.map((n) => n.metadata.name!), nodeNames, hash);
  }

  /** Creates this DaemonSet's pod pinned to a node; undefined when the API refused it. */
  private create(d: DaemonPass, node: string): KubeObject | undefined {
    const pod = podFromTemplate(d.ds, d.ds.spec?.template);
    pod.metadata.labels = { ...pod.metadata.labels, [REVISION_HASH_LABEL]: d.hash, 'pod-template-generation': String(d.ds.metadata.generation ?? 1) };
    pod.spec.affinity = pinnedAffinity(pod.spec.affinity, node);
    pod.spec.tolerations = withDaemonTolerations(pod.spec);
    try {
      const created = d.reg.createTrusted(podsR, d.ns, pod);
      d.owned.push(created);
      recordEvent(d.reg, { component: this.name }, d.ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      return created;
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      recordEvent(d.reg, { component: this.name }, d.ds, 'Warning', 'FailedCreate', `Error creating: ${e.message}`);
      return undefined;
    }
  }

  private remove(d: DaemonPass, p: Pod): void {
    d.reg.delete(podsR, d.ns, p.metadata.name!);
    recordEvent(d.reg, { component: this.name }, d.ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
  }

  /**
   * Every eligible node gets a pod, and extra pods of a kind on a node go; returns how many nodes
   * lack an available pod and, in a rolling update, the nodes still running an old pod.
   */
  private place(d: DaemonPass, wanted: Node[], byNode: Map<string, Pod[]>, rolling: boolean): { unavailable: number; oldOnNodes: OldPod[] } {
    const isNew = (p: Pod) => p.metadata.labels?.[REVISION_HASH_LABEL] === d.hash;
    let unavailable = 0;
    const oldOnNodes: OldPod[] = [];
    for (const n of wanted) {
      const name = n.metadata.name!;
      const list = byNode.get(name) ?? [];
      if (list.length === 0) {
        this.create(d, name);
        unavailable++;
        continue;
      }
      const news = list.filter(isNew);
      const olds = list.filter((p) => !isNew(p));
      // More than one pod of a kind on a node: keep the oldest (or an available one).
      if (news.length > 1) news.slice(1).forEach((p) => this.remove(d, p));
      if (!rolling) {
        if (olds.length + news.length > 1) [...olds, ...news].slice(1).forEach((p) => this.remove(d, p));
        if (!(olds[0] ?? news[0]) || !d.available(olds[0] ?? news[0])) unavailable++;
        continue;
      }
      if (olds.length > 1) olds.slice(1).forEach((p) => this.remove(d, p));
      const pod = news[0] ?? olds[0];
      if (!d.available(pod)) unavailable++;
      if (olds[0]) oldOnNodes.push({ node: name, old: olds[0], hasNew: !!news[0], newAvailable: !!news[0] && d.available(news[0]) });
    }
    return { unavailable, oldOnNodes };
  }

  /**
   * One step of a rolling update: with maxSurge, start the new pod beside the old one and remove
   * the old once the new is available; otherwise replace node by node, unavailable old pods first,
   * then more while within maxUnavailable.
   */
  private rollOut(d: DaemonPass, nodeCount: number, unavailable: number, oldOnNodes: OldPod[]): void {
    const ru = d.ds.spec?.updateStrategy?.rollingUpdate ?? {};
    const maxSurge = resolveCount(ru.maxSurge, nodeCount, 0, true);
    const maxUnavailable = resolveCount(ru.maxUnavailable, nodeCount, 1, false) || (maxSurge === 0 ? 1 : 0);
    if (maxSurge > 0) {
      let surged = oldOnNodes.filter((o) => o.hasNew && !o.newAvailable).length;
      for (const o of oldOnNodes) {
        if (o.newAvailable) this.remove(d, o.old);
        else if (!o.hasNew && surged < maxSurge) {
          this.create(d, o.node);
          surged++;
        }
      }
      return;
    }
    let budget = maxUnavailable - unavailable;
    const ordered = [...oldOnNodes].sort((a, b) => Number(d.available(a.old)) - Number(d.available(b.old)));
    for (const o of ordered) {
      if (!d.available(o.old)) this.remove(d, o.old);
      else if (budget > 0) {
        this.remove(d, o.old);
        budget--;
      }
    }
  }

  private updateStatus(reg: Registry, ds: DaemonSet, owned: Pod[], wanted: string[], nodeNames: Set<string>, hash: string): void {
    const now = reg.clock.now();
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const pods = currentPods(reg, owned);
    const wantedSet = new Set(wanted);
    const onWanted = pods.filter((p) => wantedSet.has(daemonPodNode(p) ?? ''));
    const scheduledNodes = new Set(onWanted.filter((p) => p.spec?.nodeName).map((p) => p.spec.nodeName));
    const misscheduled = new Set(pods.filter((p) => p.spec?.nodeName && !wantedSet.has(p.spec.nodeName) && nodeNames.has(p.spec.nodeName)).map((p) => p.spec.nodeName));
    const perNode = (pred: (p: Pod) => boolean) => new Set(onWanted.filter(pred).map((p) => daemonPodNode(p))).size;
    const numberAvailable = perNode((p) => isPodAvailable(p, minReady, now));
    const status: DaemonSetStatus = {
      currentNumberScheduled: scheduledNodes.size,
      numberMisscheduled: misscheduled.size,
      desiredNumberScheduled: wanted.length,
      numberReady: perNode(isPodReady),
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: perNode((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === hash && !!p.spec?.nodeName),
      numberAvailable,
      numberUnavailable: wanted.length - numberAvailable,
    };
    for (const k of ['numberAvailable', 'numberUnavailable', 'updatedNumberScheduled'] as const) if (status[k] === 0) delete status[k];
    for (const p of onWanted) {
      const since = isPodReady(p) ? Date.parse((p.status?.conditions ?? []).find((c) => c.type === 'Ready')?.lastTransitionTime ?? '') : NaN;
      if (minReady > 0 && since + minReady * 1000 > now) this.gate.wakeAt(since + minReady * 1000);
    }
    reg.writeStatus(dsR, ds.metadata.namespace!, ds.metadata.name!, status);
  }
}
