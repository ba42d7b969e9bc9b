// The container a pod subresource request names (log, exec, attach), checked as kube-apiserver's
// pod strategy checks it: none named is the pod's only container; otherwise the request must
// name one of the pod's containers (init containers included).
import type { Container, ContainerStatus, Pod } from '../api/types.js';
import * as E from './errors.js';

/** The named container (or the only one) and its status; 400 with the apiserver's words otherwise. */
export function requestedContainer(pod: Pod, requested: string | undefined): { container: Container; status: ContainerStatus | undefined } {
  const name = pod.metadata.name!;
  const all: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let cname = requested;
  if (!cname) {
    if ((pod.spec?.containers ?? []).length !== 1) throw E.badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.map((c) => c.name).join(' ')}]`);
    cname = pod.spec.containers[0].name;
  }
  const container = all.find((c) => c.name === cname);
  if (!container) throw E.badRequest(`container ${cname} is not valid for pod ${name}`);
  const status = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s) => s.name === cname);
  return { container, status };
}
