// What a new cluster has before anyone applies anything: the system namespaces, the `kubernetes`
// Service and RBAC's default roles, as kube-apiserver's bootstrap controllers create them.
import { resourceNamed } from '../api/resources.js';
import type { Registry } from '../apiserver/registry.js';
import { defaultStorageClass } from '../controllers/persistentvolume.js';
import { defaultIngressClass } from '../controllers/ingress.js';
import { type NodePool, nodeObject } from '../sim/node-pool.js';
import { BOOTSTRAP_CLUSTER_ROLES, BOOTSTRAP_CLUSTER_ROLE_BINDINGS } from './bootstrap-policy.js';

const ns = resourceNamed('namespaces');
const svc = resourceNamed('services');
const nodesR = resourceNamed('nodes');
const scR = resourceNamed('storageclasses');
const icR = resourceNamed('ingressclasses');
const pcR = resourceNamed('priorityclasses');
const crR = resourceNamed('clusterroles');
const crbR = resourceNamed('clusterrolebindings');

/** The two classes every cluster has (kube-apiserver's scheduling bootstrap). */
const SYSTEM_PRIORITY_CLASSES = [
  { name: 'system-node-critical', value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

/**
 * Creates whatever of the bootstrap objects is missing (idempotent). Nodes are created only in a
 * cluster that has none: their count and size are chosen when the daemon first starts.
 */
export function bootstrap(reg: Registry, nodes?: NodePool): void {
  reg.transaction(() => {
    if (nodes && reg.list(nodesR, undefined).items.length === 0) {
      for (let i = 1; i <= nodes.count; i++) reg.create(nodesR, '', nodeObject(i, nodes));
    }
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      if (!reg.find(ns, '', name)) reg.create(ns, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
    // The default StorageClass (a simulated hostPath provisioner, as minikube has).
    if (reg.list(scR, undefined).items.length === 0) reg.create(scR, '', defaultStorageClass());
    // The default IngressClass, served by the simulated ingress controller.
    if (reg.list(icR, undefined).items.length === 0) reg.create(icR, '', defaultIngressClass());
    for (const pc of SYSTEM_PRIORITY_CLASSES) {
      if (!reg.find(pcR, '', pc.name)) reg.create(pcR, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: pc.name }, value: pc.value, description: pc.description });
    }
    // RBAC's defaults: created when missing (a user's edits to them are kept, as with
    // autoupdate off; a deleted one comes back at the next start).
    for (const role of BOOTSTRAP_CLUSTER_ROLES) if (!reg.find(crR, '', role.metadata.name!)) reg.create(crR, '', structuredClone(role));
    for (const b of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) if (!reg.find(crbR, '', b.metadata.name!)) reg.create(crbR, '', structuredClone(b));
    if (!reg.find(svc, 'default', 'kubernetes')) {
      reg.create(svc, 'default', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], sessionAffinity: 'None', type: 'ClusterIP' },
      });
    }
  });
}
