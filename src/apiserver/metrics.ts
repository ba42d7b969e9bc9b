// metrics.k8s.io/v1beta1 on read: NodeMetrics and PodMetrics computed from the usage of what runs
// now, simulated or measured for processes (there is nothing stored to read).
import { matches, parseSelector } from '../api/labels.js';
import { podsByNode } from '../api/pods.js';
import { type ResourceInfo, resourceNamed } from '../api/resources.js';
import type { KubeObject, NodeMetrics, PodMetrics } from '../api/types.js';
import { type MeasuredUsage, nodeMetrics, podMetrics } from '../sim/usage.js';
import * as E from './errors.js';
import type { Registry } from './registry.js';

const podsR = resourceNamed('pods'), nodesR = resourceNamed('nodes');

function all(reg: Registry, r: ResourceInfo, namespace: string | undefined, measured?: MeasuredUsage): (NodeMetrics | PodMetrics)[] {
  const now = reg.clock.now();
  if (r.kind === 'NodeMetrics') {
    const byNode = podsByNode(reg.scan(podsR));
    return reg.list(nodesR, undefined).items.map((n) => nodeMetrics(n, byNode.get(n.metadata.name!) ?? [], now, measured));
  }
  return reg
    .list(podsR, namespace)
    .items.map((p) => podMetrics(p, now, measured))
    .filter((m): m is PodMetrics => !!m);
}

/** GET .../nodes or .../pods of metrics.k8s.io. */
export function listMetrics(reg: Registry, r: ResourceInfo, namespace: string | undefined, labelSelector?: string, measured?: MeasuredUsage): object {
  let items = all(reg, r, namespace, measured);
  if (labelSelector) {
    let sel;
    try {
      sel = parseSelector(labelSelector);
    } catch (e) {
      throw E.badRequest((e as Error).message);
    }
    items = items.filter((m) => matches(sel, m.metadata.labels));
  }
  return { kind: `${r.kind}List`, apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
}

/** GET .../nodes/NAME or .../pods/NAME of metrics.k8s.io (404 while it is not running). */
export function readMetrics(reg: Registry, r: ResourceInfo, ns: string, name: string, measured?: MeasuredUsage): KubeObject {
  const found = all(reg, r, r.namespaced ? ns : undefined, measured).find((m) => m.metadata.name === name);
  if (!found) throw E.notFound(r, name);
  return found;
}
