// DefaultStorageClass (a claim without a class gets the default StorageClass) and
// DefaultIngressClass (an Ingress without a class gets the default IngressClass): mutating
// admission plugins that look at other objects, as kube-apiserver's run at create time.
import { resourceNamed } from '../../api/resources.js';
import type { Ingress, IngressClass, PersistentVolumeClaim, StorageClass } from '../../api/types.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { Registry } from '../registry.js';
import type { MutatingPlugin } from './plugin.js';

const scR = resourceNamed('storageclasses'), icR = resourceNamed('ingressclasses');

/** The newest class marked default by `annotation` (ties: by name), or undefined. */
function defaultOf<C extends StorageClass | IngressClass>(reg: Registry, r: ResourceInfo<C>, annotation: string): C | undefined {
  return reg
    .list(r, undefined)
    .items.filter((c) => c.metadata.annotations?.[annotation] === 'true')
    .sort((a, b) => Date.parse(b.metadata.creationTimestamp!) - Date.parse(a.metadata.creationTimestamp!) || (a.metadata.name! < b.metadata.name! ? -1 : 1))[0];
}

export const defaultStorageClass: MutatingPlugin<PersistentVolumeClaim> = {
  name: 'DefaultStorageClass',
  kinds: ['PersistentVolumeClaim'],
  admit({ reg }, o) {
    if (!o.spec || o.spec.storageClassName !== undefined || o.spec.volumeName) return;
    const sc = defaultOf(reg, scR, 'storageclass.kubernetes.io/is-default-class');
    if (sc) o.spec.storageClassName = sc.metadata.name;
  },
};

export const defaultIngressClass: MutatingPlugin<Ingress> = {
  name: 'DefaultIngressClass',
  kinds: ['Ingress'],
  admit({ reg }, o) {
    if (!o.spec || o.spec.ingressClassName !== undefined || o.metadata.annotations?.['kubernetes.io/ingress.class']) return;
    const ic = defaultOf(reg, icR, 'ingressclass.kubernetes.io/is-default-class');
    if (ic) o.spec.ingressClassName = ic.metadata.name;
  },
};
