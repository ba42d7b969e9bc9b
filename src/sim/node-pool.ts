// What a simulated node looks like: its labels, capacity, addresses and node info.
import type { KubeObject, Node, NodeStatus } from '../api/types.js';

/** The simulated nodes: how many, and the size of each (configurable when the daemon first starts). Not Kubernetes' NodeSpec. */
export interface NodePool {
  count: number;
  cpu: string;
  memory: string;
  pods: number;
  /**
   * Zones the nodes are spread over, round robin (`topology.kubernetes.io/zone`); none by
   * default, as kind's nodes have none.
   */
  zones?: string[];
  /** The region label (`topology.kubernetes.io/region`) of zoned nodes. */
  region?: string;
}

export const DEFAULT_NODES: NodePool = { count: 3, cpu: '4', memory: '8Gi', pods: 110 };

/** Zone and region labels of node number `i` (1-based): zones taken in turn. */
function topologyLabels(i: number, spec: NodePool): Record<string, string> {
  if (!spec.zones?.length) return {};
  return { 'topology.kubernetes.io/zone': spec.zones[(i - 1) % spec.zones.length], ...(spec.region ? { 'topology.kubernetes.io/region': spec.region } : {}) };
}

/** Parses a comma-separated zone list (`a,b,c`); empty entries are dropped. */
export function parseZones(list: string | undefined): string[] | undefined {
  const zones = (list ?? '').split(',').map((z) => z.trim()).filter(Boolean);
  return zones.length > 0 ? zones : undefined;
}

/** The node object for simulated node number `i` (1-based). */
export function nodeObject(i: number, spec: NodePool): KubeObject {
  const name = `node-${i}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        ...topologyLabels(i, spec),
      },
    },
    spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] },
  };
}

/** The status a kubelet reports for its node (capacity defaults when the node object has none). */
export function nodeStatus(node: Node, index: number, spec: NodePool): NodeStatus {
  const capacity = node.status?.capacity ?? { cpu: spec.cpu, memory: spec.memory, pods: String(spec.pods), 'ephemeral-storage': '100Gi' };
  return {
    capacity,
    // A resource advertised in capacity (an extended resource patched in, as the docs show)
    // becomes allocatable at the next status update, as the kubelet does it.
    allocatable: { ...capacity, ...node.status?.allocatable },
    addresses: [
      { type: 'InternalIP', address: `172.18.0.${index + 1}` },
      { type: 'Hostname', address: node.metadata.name ?? '' },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      architecture: 'amd64',
      bootID: '',
      containerRuntimeVersion: 'minik://0.1.0',
      kernelVersion: 'minik',
      kubeProxyVersion: 'v1.32.0',
      kubeletVersion: 'v1.32.0',
      machineID: '',
      operatingSystem: 'linux',
      osImage: 'minik simulated node',
      systemUUID: '',
    },
  };
}
