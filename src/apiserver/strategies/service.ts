// Services: a new one has an empty load-balancer status; an update that leaves out the allocated
// cluster IP or node ports (a `replace` of the original manifest) keeps them
// (pkg/registry/core/service/strategy.go). Allocation itself is the registry's (it holds the index).
import type { ServiceSpec } from '../../api/types.js';
import { defineStrategy } from './strategy.js';

defineStrategy(['Service'], {
  initialStatus: () => ({ loadBalancer: {} }),
  allocatesAddresses: true,
  prepareForUpdate(o, old) {
    const s: ServiceSpec = o.spec ?? {};
    const os: ServiceSpec = old.spec ?? {};
    if (s.type === os.type || (s.type ?? 'ClusterIP') !== 'ExternalName') {
      if (!s.clusterIP && os.clusterIP && s.type !== 'ExternalName') {
        s.clusterIP = os.clusterIP;
        s.clusterIPs = os.clusterIPs;
      }
      for (const p of s.ports ?? []) {
        const op = (os.ports ?? []).find((x) => x.port === p.port && (x.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
        if (!p.nodePort && op?.nodePort && (s.type === 'NodePort' || s.type === 'LoadBalancer')) p.nodePort = op.nodePort;
      }
    }
  },
});
