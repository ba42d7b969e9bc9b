// Resource usage, as metrics-server would report it: per running container from the kubelet's
// simulated programs (annotations or a quiet default) or, for a process, what it was measured using, per node the sum of its pods plus
// the system's own share. The metrics API, `top` and the HorizontalPodAutoscaler all read this.
import { rfc3339 } from '../api/duration.js';
import type { Container, Node, NodeMetrics, Pod, PodMetrics } from '../api/types.js';
import { type Usage, containerUsage } from './program.js';

/** What the node's own daemons (kubelet, runtime, system) use. */
export const NODE_SYSTEM_USAGE: Usage = { milliCPU: 100, memory: 600 * 1024 * 1024 };

/** What a container really uses, when it runs as a process (the kubelet measures it); undefined: simulated. */
export type MeasuredUsage = (pod: Pod, container: string) => Usage | undefined;

/** Usage of each running container of a pod; empty when the pod is not running. */
export function podUsage(pod: Pod, measured?: MeasuredUsage): { name: string; usage: Usage }[] {
  if (pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) return [];
  const running = new Set([...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].filter((s) => s.state?.running).map((s) => s.name));
  const containers: Container[] = [...(pod.spec?.initContainers ?? []).filter((c: Container) => c.restartPolicy === 'Always'), ...(pod.spec?.containers ?? [])];
  return containers.filter((c) => running.has(c.name)).map((c) => ({ name: c.name, usage: measured?.(pod, c.name) ?? containerUsage(pod, c) }));
}

/** A node's usage: the system's share and its running pods'. */
export function nodeUsage(pods: Pod[], measured?: MeasuredUsage): Usage {
  const u = { ...NODE_SYSTEM_USAGE };
  for (const p of pods) for (const c of podUsage(p, measured)) {
    u.milliCPU += c.usage.milliCPU;
    u.memory += c.usage.memory;
  }
  return u;
}

const cpuQuantity = (m: number) => `${Math.round(m * 1_000_000)}n`;
const memQuantity = (b: number) => `${Math.round(b / 1024)}Ki`;

/** A metrics.k8s.io/v1beta1 NodeMetrics object. */
export function nodeMetrics(node: Node, pods: Pod[], now: number, measured?: MeasuredUsage): NodeMetrics {
  const u = nodeUsage(pods, measured);
  return {
    kind: 'NodeMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: node.metadata.name, creationTimestamp: rfc3339(now), labels: node.metadata.labels ?? {} },
    timestamp: rfc3339(now - 15_000),
    window: '15s',
    usage: { cpu: cpuQuantity(u.milliCPU), memory: memQuantity(u.memory) },
  };
}

/** A metrics.k8s.io/v1beta1 PodMetrics object, or undefined for a pod that is not running. */
export function podMetrics(pod: Pod, now: number, measured?: MeasuredUsage): PodMetrics | undefined {
  const containers = podUsage(pod, measured);
  if (containers.length === 0) return undefined;
  return {
    kind: 'PodMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: rfc3339(now), labels: pod.metadata.labels ?? {} },
    timestamp: rfc3339(now - 15_000),
    window: '15s',
    containers: containers.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.usage.milliCPU), memory: memQuantity(c.usage.memory) } })),
  };
}
