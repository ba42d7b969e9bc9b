// `minikctl create service clusterip|nodeport|loadbalancer|externalname NAME`: the Service
// kubectl's generators build: label and selector app=NAME, ports from --tcp=port[:targetPort]
// named `port-target` (or `port`).
import type { KubeObject } from '../../api/types.js';
import { CliError } from '../errors.js';

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface ServiceOptions {
  tcp?: string[];
  clusterip?: string;
  nodePort?: string;
  externalName?: string;
}

function uint(s: string): number {
  if (!/^\d+$/.test(s)) throw new CliError(`error: strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

/** The Service for `create service TYPE NAME`. */
export function serviceFrom(type: ServiceType, name: string, o: ServiceOptions): KubeObject {
  const tcp = o.tcp ?? [];
  if (type === 'ExternalName' && !o.externalName) throw new CliError('error: required flag(s) "external-name" not set');
  if (tcp.length === 0 && type !== 'ExternalName' && o.clusterip !== 'None') throw new CliError('error: at least one tcp port specifier must be provided');
  const nodePort = o.nodePort !== undefined ? uint(o.nodePort) : 0;
  const ports = tcp.map((spec) => {
    const [p, t] = spec.split(':');
    const port = uint(p);
    const target = t === undefined ? port : /^\d+$/.test(t) ? Number(t) : t;
    return { name: t === undefined ? p : `${p}-${t}`, ...(type === 'NodePort' && nodePort > 0 ? { nodePort } : {}), port, protocol: 'TCP', targetPort: target };
  });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { app: name } },
    spec: {
      ...(o.clusterip ? { clusterIP: o.clusterip } : {}),
      ...(o.externalName ? { externalName: o.externalName } : {}),
      ...(ports.length ? { ports } : {}),
      selector: { app: name },
      type,
    },
    status: { loadBalancer: {} },
  };
}
