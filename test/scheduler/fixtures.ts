// Nodes, pods and snapshots for the scheduler's plugin tests.
import type { Pod } from '../../src/api/types.js';
import { Snapshot } from '../../src/scheduler/framework.js';

export interface NodeSpec {
  name: string;
  zone?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  cpu?: string;
  extra?: Record<string, string>;
}

export const node = (n: NodeSpec) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, ...(n.zone ? { 'topology.kubernetes.io/zone': n.zone } : {}), ...(n.labels ?? {}) } },
  spec: { taints: n.taints },
  status: { allocatable: { cpu: n.cpu ?? '4', memory: '8Gi', pods: '110', ...(n.extra ?? {}) }, conditions: [{ type: 'Ready', status: 'True' }] },
});

let seq = 0;
/** A pod; `spec` is merged into a one-container spec. */
export function pod(labels: Record<string, string> = {}, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${++seq}`, namespace: 'default', uid: `uid-${seq}`, labels, ...meta },
    spec: { containers: [{ name: 'c', image: 'i' }], ...spec },
  } as Pod;
}

/** Three zones a, b, c with two nodes each (a1, a2, b1, ...). */
export const ZONED: NodeSpec[] = ['a', 'b', 'c'].flatMap((z) => [1, 2].map((i) => ({ name: `${z}${i}`, zone: z })));

/** A snapshot of `nodes` with `placed` pods bound to the named nodes. */
export function snapshot(nodes: NodeSpec[], placed: [string, Pod][] = [], namespaces: Record<string, Record<string, string>> = {}): Snapshot {
  const snap = new Snapshot();
  for (const n of nodes) snap.addNode(node(n) as never, placed.filter(([at]) => at === n.name).map(([, p]) => ({ ...p, spec: { ...p.spec!, nodeName: n.name } }) as Pod));
  for (const [ns, labels] of Object.entries(namespaces)) snap.namespaceLabels.set(ns, labels);
  return snap;
}

/** Which nodes a filter plugin lets the pod onto, and the reason for each of the others. */
export function verdicts(plugin: { preFilter?: (p: Pod, s: Snapshot) => unknown; filter: (p: Pod, n: never, state?: unknown) => unknown }, p: Pod, snap: Snapshot): Record<string, unknown> {
  const state = plugin.preFilter?.(p, snap);
  const out: Record<string, unknown> = {};
  for (const n of snap.nodes) out[n.name] = typeof state === 'symbol' ? 'ok' : (plugin.filter(p, n as never, state) ?? 'ok');
  return out;
}

/** A score plugin's normalized scores per node for the pod, or 'skip' when its PreScore skips. */
export function scoresOf(plugin: { preScore?: (p: Pod, f: never[], s: Snapshot) => unknown; score: (p: Pod, n: never, state: unknown) => number; normalize?: (s: number[], state: unknown) => void }, p: Pod, snap: Snapshot): Record<string, number> | 'skip' {
  const state = plugin.preScore ? plugin.preScore(p, snap.nodes as never[], snap) : undefined;
  if (typeof state === 'symbol') return 'skip';
  const raw = snap.nodes.map((n) => plugin.score(p, n as never, state));
  plugin.normalize?.(raw, state);
  return Object.fromEntries(snap.nodes.map((n, i) => [n.name, raw[i]]));
}
