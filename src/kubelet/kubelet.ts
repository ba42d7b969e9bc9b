// The kubelets: one agent per Node object. Each keeps its node's status and Lease fresh
// (heartbeats) and runs the pods bound to it through the lifecycle stages.
import { microTime, rfc3339 } from '../api/duration.js';
import { jsonEqual } from '../api/equal.js';
import { resourceNamed } from '../api/resources.js';
import type { Condition, Container, Node, Pod } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';
import { podsByNode } from '../api/pods.js';
import { recordEvent } from '../runtime/events.js';
import { STAGES, type StageContext } from './lifecycle.js';
import { type NodePool, nodeStatus } from '../sim/node-pool.js';
import { TIMINGS } from './timings.js';
import type { ProcessRuntime } from './process/runtime.js';
import { containerEnv, type EnvSources } from './process/env.js';

const podsR = resourceNamed('pods'), nodesR = resourceNamed('nodes'), leasesR = resourceNamed('leases'), cmR = resourceNamed('configmaps'), secretR = resourceNamed('secrets');

/** Runs every node's kubelet. */
export class Kubelets implements Controller {
  readonly name = 'kubelet';
  private gate = new RevisionGate();
  /** Images each node has pulled (the kubelet's image cache; a restart forgets it). */
  private images = new Map<string, Set<string>>();
  /** Pods with nothing to do until they change or `wakeAt`: uid -> the version seen. */
  private settled = new Map<string, { rv: string; wakeAt: number }>();
  /**
   * What the last pass left: every pod it visited settled, the earliest time one is due, and the
   * pods' and nodes' write counts after it. While no pod or node was written since by anyone
   * else and nothing is due, a pass has only heartbeats to do: a settled cluster of 100,000 pods
   * then costs a few hundred writes every ten seconds, not a walk over every pod.
   */
  private quiet?: { pods: number; nodes: number; podWake: number };
  /** The earliest wake-up the pods of the current pass asked for. */
  private podWake = Infinity;

  /** `processes`: the process runtime, when the operator's runtime config runs some images as processes. */
  constructor(
    private spec: NodePool,
    private processes?: ProcessRuntime,
  ) {
    if (processes) {
      // A process exited or a probe changed its mind: that pod needs a pass now.
      processes.onChange = (uid) => {
        this.settled.delete(uid);
        this.quiet = undefined;
        this.gate.wakeAt(0);
      };
    }
  }

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    const now = reg.clock.now();
    const nodes = reg.list(nodesR, undefined).items;
    const q = this.quiet;
    if (q && q.pods === reg.writeCount('pods') && q.nodes === reg.writeCount('nodes') && now < q.podWake) {
      nodes.forEach((node, i) => {
        if (!node.metadata.deletionTimestamp) this.heartbeat(reg, node, nodeIndex(node, i), now);
      });
      if (q.podWake !== Infinity) this.gate.wakeAt(q.podWake);
      this.quiet = { ...q, nodes: reg.writeCount('nodes') };
      return;
    }
    this.podWake = Infinity;
    let allSettled = true;
    const byNode = podsByNode(reg.scan(podsR));
    if (this.settled.size > 2 * reg.count(podsR) + 1000) {
      // Forget pods that are gone.
      const live = new Set<string>();
      for (const p of reg.scan(podsR)) live.add(p.metadata.uid!);
      for (const uid of this.settled.keys()) if (!live.has(uid)) this.settled.delete(uid);
    }
    nodes.forEach((node, i) => {
      if (node.metadata.deletionTimestamp) return;
      const fresh = this.heartbeat(reg, node, nodeIndex(node, i), now);
      if (this.isStopped(fresh)) return;
      const pods = byNode.get(node.metadata.name!) ?? [];
      const usedIPs = new PodIPs(node);
      for (const p of pods) if (p.status?.podIP) usedIPs.use(p.status.podIP);
      for (const pod of pods) if (!this.syncPod(reg, fresh, pod, now, usedIPs)) allSettled = false;
    });
    if (this.processes) {
      // Processes of pods that are gone (removed, force-deleted, on a deleted node) are stopped.
      const liveNodes = new Set(nodes.filter((n) => !n.metadata.deletionTimestamp).map((n) => n.metadata.name));
      const live = new Set<string>();
      for (const p of reg.scan(podsR)) if (liveNodes.has(p.spec?.nodeName)) live.add(p.metadata.uid!);
      this.processes.reconcile(live);
    }
    this.quiet = allSettled ? { pods: reg.writeCount('pods'), nodes: reg.writeCount('nodes'), podWake: this.podWake } : undefined;
  }

  /** Asks for a pass at `t` on behalf of a pod. */
  private wakeForPod(t: number): void {
    this.podWake = Math.min(this.podWake, t);
    this.gate.wakeAt(t);
  }

  /** A node whose kubelet has been stopped (annotation set by tests and `minik.dev/kubelet: stopped`) sends no heartbeats. */
  private isStopped(node: Node): boolean {
    return node.metadata.annotations?.['minik.dev/kubelet'] === 'stopped';
  }

  private heartbeat(reg: Registry, node: Node, index: number, now: number): Node {
    if (this.isStopped(node)) return node;
    const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
    const last = ready ? Date.parse(ready.lastHeartbeatTime ?? '') : 0;
    if (ready?.status === 'True' && now - last < TIMINGS.heartbeatMs) {
      this.gate.wakeAt(last + TIMINGS.heartbeatMs);
      return node;
    }
    const ts = rfc3339(now);
    const transition = (type: string, status: Condition['status']) => {
      const old = (node.status?.conditions ?? []).find((c) => c.type === type);
      return old && old.status === status ? old.lastTransitionTime : ts;
    };
    const c = (type: string, status: Condition['status'], reason: string, message: string): Condition => ({ type, status, lastHeartbeatTime: ts, lastTransitionTime: transition(type, status), reason, message });
    const status = {
      ...nodeStatus(node, index, this.spec),
      conditions: [
        c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
    };
    const updated = reg.writeStatus(nodesR, '', node.metadata.name!, status);
    if (ready?.status !== 'True') recordEvent(reg, { component: 'kubelet', host: node.metadata.name }, updated, 'Normal', 'NodeReady', `Node ${node.metadata.name} status is now: NodeReady`);
    const lease = reg.find(leasesR, 'kube-node-lease', node.metadata.name!);
    const leaseSpec = { holderIdentity: node.metadata.name, leaseDurationSeconds: 40, renewTime: microTime(now) };
    if (!lease) {
      reg.create(leasesR, 'kube-node-lease', {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: node.metadata.name, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name!, uid: node.metadata.uid! }] },
        spec: leaseSpec,
      });
    } else reg.patchTrusted(leasesR, 'kube-node-lease', node.metadata.name!, { spec: leaseSpec });
    this.gate.wakeAt(now + TIMINGS.heartbeatMs);
    return updated;
  }

  private context(reg: Registry, node: Node, pod: Pod, now: number, usedIPs: PodIPs): StageContext {
    const ns = pod.metadata.namespace!;
    const hostIP = (node.status?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address ?? '';
    const rt = this.processes;
    const processPod = !!rt && [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].some((c) => rt.entryFor(c));
    // What a process's environment and volumes read (built only for pods that have processes).
    const sources = (): EnvSources => ({
      configMap: (name) => reg.find(cmR, ns, name)?.data as Record<string, string> | undefined,
      secret: (name) => reg.find(secretR, ns, name)?.data as Record<string, string> | undefined,
      allocatable: (node.status?.allocatable ?? {}) as Record<string, string>,
    });
    return {
      now,
      hostIP,
      // A pod with processes is reached on its own loopback address (docs/runtime.md).
      podIP: () => (processPod ? rt!.address(usedIPs.allocate()) : usedIPs.allocate()),
      configProblem: (c: Container) => configProblem(reg, ns, c) ?? (rt?.entryFor(c) ? rt.refusal(pod, c) : undefined),
      ...(rt && processPod
        ? {
            processes: {
              runs: (c: Container) => !!rt.entryFor(c),
              start: (p: Pod, c: Container, containerID: string, restartCount: number) => {
                const src = sources();
                return rt.start({ pod: p, c, containerID, restartCount, env: containerEnv(p, c, src), sources: src });
              },
              observe: (id: string | undefined) => rt.observe(id),
            },
          }
        : {}),
      ...(rt?.hasPod(pod.metadata.uid!) ? { processesRunning: () => rt.podRunning(pod.metadata.uid!) } : {}),
      pull: (c: Container) => {
        // IfNotPresent pulls once per node; Always pulls every time (imagePullPolicy is defaulted).
        let have = this.images.get(node.metadata.name!);
        if (!have) this.images.set(node.metadata.name!, (have = new Set()));
        const image = c.image ?? '';
        const present = have.has(image);
        have.add(image);
        return c.imagePullPolicy === 'Always' || !present;
      },
      mountProblem: () => {
        for (const v of pod.spec?.volumes ?? []) {
          if (v.configMap && !v.configMap.optional && !reg.find(cmR, ns, v.configMap.name)) return `MountVolume.SetUp failed for volume "${v.name}" : configmap "${v.configMap.name}" not found`;
          if (v.secret && !v.secret.optional && !reg.find(secretR, ns, v.secret.secretName)) return `MountVolume.SetUp failed for volume "${v.name}" : secret "${v.secret.secretName}" not found`;
          for (const src of v.projected?.sources ?? []) {
            if (src.configMap && !src.configMap.optional && !reg.find(cmR, ns, src.configMap.name)) return `MountVolume.SetUp failed for volume "${v.name}" : configmap "${src.configMap.name}" not found`;
            if (src.secret && !src.secret.optional && !reg.find(secretR, ns, src.secret.name)) return `MountVolume.SetUp failed for volume "${v.name}" : secret "${src.secret.name}" not found`;
          }
        }
        return undefined;
      },
    };
  }

  /**
   * Runs every lifecycle stage that is due for the pod, one after another, and writes the result
   * once (a pod without a readiness delay starts and becomes Ready in one write); then asks to be
   * woken when the next stage is due. Returns true when the pod is settled: it waits only for
   * its own changes or for a time it asked to be woken at.
   */
  private syncPod(reg: Registry, node: Node, pod: Pod, now: number, usedIPs: PodIPs): boolean {
    // A pod that has settled (nothing changed it since, and nothing is due) needs no work: this
    // keeps a tick over 100,000 running pods cheap.
    const settled = this.settled.get(pod.metadata.uid!);
    if (settled && settled.rv === pod.metadata.resourceVersion && now < settled.wakeAt) {
      if (settled.wakeAt !== Infinity) this.wakeForPod(settled.wakeAt); // every pass asks again
      return true;
    }
    const ctx = this.context(reg, node, pod, now, usedIPs);
    const rt = this.processes;
    if (rt?.hasPod(pod.metadata.uid!)) {
      // Deleted: SIGTERM now, SIGKILL when the grace period ends. Finished: its sidecars stop.
      if (pod.metadata.deletionTimestamp) rt.terminatePod(pod.metadata.uid!, pod.metadata.deletionGracePeriodSeconds ?? 30);
      else if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') rt.terminatePod(pod.metadata.uid!, pod.spec?.terminationGracePeriodSeconds ?? 30);
    }
    const source = { component: 'kubelet', host: node.metadata.name };
    let cur = pod;
    let settledNow = true;
    for (let step = 0; step < STAGES.length + 2; step++) {
      const stage = STAGES.find((s) => s.applies(cur, ctx));
      if (!stage) break;
      const due = stage.dueAt?.(cur, ctx) ?? now;
      if (due > now) {
        this.wakeForPod(due);
        break;
      }
      const { status, events, remove, wakeAt } = stage.run(cur, ctx);
      for (const e of events) recordEvent(reg, source, pod, e.type, e.reason, e.message, e.fieldPath);
      if (remove) {
        // A pod that finalizers keep gets its terminal status first (a Job counts it from that).
        if (status !== cur.status) reg.writeStatus(podsR, pod.metadata.namespace!, pod.metadata.name!, status);
        // The kubelet's final delete: grace 0, through the API, so finalizers still hold the pod.
        reg.delete(podsR, pod.metadata.namespace!, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
        return false;
      }
      if (jsonEqual(status, cur.status)) {
        // Nothing moved: wait for a change, or for the time the stage said something happens.
        if (wakeAt !== undefined && wakeAt !== Infinity) this.wakeForPod(Math.max(wakeAt, now + 1));
        // Settled, unless it waits on other objects (a ConfigMap or Secret that may appear).
        const waitsOnOthers = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? [])].some((c) => c.state?.waiting?.reason === 'CreateContainerConfigError') || !!ctx.mountProblem();
        if (cur === pod && !waitsOnOthers) this.settled.set(pod.metadata.uid!, { rv: pod.metadata.resourceVersion!, wakeAt: wakeAt ?? Infinity });
        settledNow = !waitsOnOthers;
        break;
      }
      cur = { ...cur, status };
    }
    if (cur !== pod) {
      reg.writeStatus(podsR, pod.metadata.namespace!, pod.metadata.name!, cur.status);
      return false;
    }
    return settledNow;
  }
}

/** A node's number (node-3: 3), which its addresses and pod CIDR derive from. */
function nodeIndex(node: Node, position: number): number {
  return Number(/(\d+)$/.exec(node.metadata.name!)?.[1] ?? position + 1);
}

/**
 * A node's pod IPs in one pass: the lowest free address of its podCIDR's /24 goes to each new pod.
 * Allocation resumes after the last address it gave (everything below is taken), so a node's
 * hundred pods started in one pass cost a hundred probes, not five thousand.
 */
class PodIPs {
  readonly used = new Set<string>();
  private base: string;
  private next = 2;
  constructor(node: Node) {
    const cidr: string = node.spec?.podCIDR ?? '10.244.0.0/24';
    this.base = cidr.split('/')[0].split('.').slice(0, 3).join('.');
  }

  /** An address a pod has (a process pod's loopback twin, 127.n.c.d, stands for the node's a.b.c.d). */
  use(ip: string): void {
    const [a, b] = this.base.split('.');
    this.used.add(ip.startsWith('127.') ? `${a}.${b}.${ip.split('.').slice(2).join('.')}` : ip);
  }

  allocate(): string {
    for (; this.next < 255; this.next++) {
      const ip = `${this.base}.${this.next}`;
      if (!this.used.has(ip)) {
        this.used.add(ip);
        this.next++;
        return ip;
      }
    }
    return `${this.base}.254`;
  }
}

/** Why a container cannot be configured: a missing ConfigMap/Secret (or key) its env refers to. */
export function configProblem(reg: Registry, ns: string, c: Container): string | undefined {
  for (const e of c.env ?? []) {
    const cm = e.valueFrom?.configMapKeyRef;
    if (cm && !cm.optional) {
      const o = reg.find(cmR, ns, cm.name);
      if (!o) return `configmap "${cm.name}" not found`;
      if (!(cm.key in (o.data ?? {}))) return `couldn't find key ${cm.key} in ConfigMap ${ns}/${cm.name}`;
    }
    const sk = e.valueFrom?.secretKeyRef;
    if (sk && !sk.optional) {
      const o = reg.find(secretR, ns, sk.name);
      if (!o) return `secret "${sk.name}" not found`;
      if (!(sk.key in (o.data ?? {}))) return `couldn't find key ${sk.key} in Secret ${ns}/${sk.name}`;
    }
  }
  for (const f of c.envFrom ?? []) {
    if (f.configMapRef && !f.configMapRef.optional && !reg.find(cmR, ns, f.configMapRef.name)) return `configmap "${f.configMapRef.name}" not found`;
    if (f.secretRef && !f.secretRef.optional && !reg.find(secretR, ns, f.secretRef.name)) return `secret "${f.secretRef.name}" not found`;
  }
  return undefined;
}
