// Admission plugins that look at other objects: DefaultStorageClass (a claim without a class gets
// the default StorageClass) and DefaultIngressClass (an Ingress without a class gets the default
// IngressClass), as kube-apiserver's admission chain does at create time.
import { resolveResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Registry } from './registry.js';

const [scR, icR] = ['storageclasses', 'ingressclasses'].map((n) => resolveResource(n)[0]);

function defaultOf(reg: Registry, r: typeof scR, annotation: string): KubeObject | undefined {
  return reg
    .list(r, undefined)
    .items.filter((c) => c.metadata.annotations?.[annotation] === 'true')
    .sort((a, b) => Date.parse(b.metadata.creationTimestamp!) - Date.parse(a.metadata.creationTimestamp!) || (a.metadata.name! < b.metadata.name! ? -1 : 1))[0];
}

/** Fills in default classes on a new object (mutating admission). */
export function admitDefaultClasses(reg: Registry, kind: string, o: KubeObject): void {
  if (kind === 'PersistentVolumeClaim' && o.spec && o.spec.storageClassName === undefined && !o.spec.volumeName) {
    const sc = defaultOf(reg, scR, 'storageclass.kubernetes.io/is-default-class');
    if (sc) o.spec.storageClassName = sc.metadata.name;
  }
  if (kind === 'Ingress' && o.spec && o.spec.ingressClassName === undefined && !o.metadata.annotations?.['kubernetes.io/ingress.class']) {
    const ic = defaultOf(reg, icR, 'ingressclass.kubernetes.io/is-default-class');
    if (ic) o.spec.ingressClassName = ic.metadata.name;
  }
}
