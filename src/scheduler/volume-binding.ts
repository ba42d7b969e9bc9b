// kube-scheduler's VolumeBinding, as far as minik binds volumes: a pod waits until each of its
// claims exists and is bound (the PersistentVolume controller binds them; a WaitForFirstConsumer
// class provisions once a pod uses the claim).
import { resourceNamed } from '../api/resources.js';
import type { Pod } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';

const pvcR = resourceNamed('persistentvolumeclaims');

/** Why a pod cannot be scheduled because of its claims (kube-scheduler's VolumeBinding), or undefined. */
export function claimProblem(reg: Registry, pod: Pod): string | undefined {
  let unbound = false;
  for (const v of pod.spec?.volumes ?? []) {
    const ref = v.persistentVolumeClaim;
    if (!ref) continue;
    const pvc = reg.find(pvcR, pod.metadata.namespace!, ref.claimName);
    if (!pvc) return `persistentvolumeclaim "${ref.claimName}" not found`;
    if (pvc.metadata.deletionTimestamp) return `persistentvolumeclaim "${ref.claimName}" is being deleted`;
    if (pvc.status?.phase !== 'Bound') unbound = true;
  }
  return unbound ? 'pod has unbound immediate PersistentVolumeClaims' : undefined;
}
