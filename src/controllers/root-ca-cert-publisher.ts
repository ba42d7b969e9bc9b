// The root CA certificate publisher (kube-controller-manager's root-ca-cert-publisher): every
// active namespace has a `kube-root-ca.crt` ConfigMap holding the cluster's CA certificate, so a
// pod's projected token volume can carry `ca.crt`. An edited or deleted ConfigMap is put back.
import { resourceNamed } from '../api/resources.js';
import type { ConfigMap } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';
import { StatusError } from '../apiserver/errors.js';
import { ROOT_CA_CONFIGMAP } from '../apiserver/admission/service-account.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';

const nsR = resourceNamed('namespaces');
const cmR = resourceNamed('configmaps');

const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class RootCACertPublisher implements Controller {
  readonly name = 'root-ca-cert-publisher';

  private gate = new RevisionGate(['namespaces', 'configmaps']);

  /** `caPem`: the cluster CA's certificate. */
  constructor(private caPem: string) {}

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    for (const ns of reg.list(nsR, undefined).items) {
      if (ns.metadata.deletionTimestamp || ns.status?.phase !== 'Active') continue;
      const namespace = ns.metadata.name!;
      const cm = reg.find(cmR, namespace, ROOT_CA_CONFIGMAP) as ConfigMap | undefined;
      if (!cm) {
        reg.create(cmR, namespace, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: ROOT_CA_CONFIGMAP, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
          data: { 'ca.crt': this.caPem },
        });
        continue;
      }
      const data = cm.data ?? {};
      const dataRight = Object.keys(data).length === 1 && data['ca.crt'] === this.caPem;
      if (dataRight && cm.metadata.annotations?.[DESCRIPTION_ANNOTATION]) continue;
      try {
        reg.update(cmR, namespace, ROOT_CA_CONFIGMAP, {
          ...cm,
          metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } },
          data: { 'ca.crt': this.caPem },
        });
      } catch (e) {
        // A ConfigMap someone replaced with an immutable one cannot be put right (the real
        // controller's update fails the same way); the other namespaces still are.
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }
}
