// ServiceAccount (kube-apiserver's admission plugin): a pod runs as `default` unless it names a
// service account (spec.serviceAccountName, or the deprecated spec.serviceAccount), and the one it
// names must exist, or the pod is refused (403). Mirror pods (a kubelet's static pods) are let be.
// One difference, on purpose: a namespace's `default` account, which the service account
// controller creates on its next pass after the namespace, counts as there; otherwise a Namespace
// and a Pod applied from one file would race that pass (a real cluster's controller wins it within
// milliseconds). The token volume Kubernetes mounts (`kube-api-access-*`) is not added.
import { resourceNamed } from '../../api/resources.js';
import type { Pod } from '../../api/types.js';
import * as E from '../errors.js';
import type { MutatingPlugin } from './plugin.js';

const saR = resourceNamed('serviceaccounts');
const MIRROR = 'kubernetes.io/config.mirror';

export const serviceAccount: MutatingPlugin<Pod> = {
  name: 'ServiceAccount',
  kinds: ['Pod'],
  admit({ reg, r, namespace, name }, pod) {
    const spec = pod.spec;
    if (!spec || typeof spec !== 'object') return;
    if (pod.metadata.annotations?.[MIRROR] !== undefined) return;
    const account = spec.serviceAccountName || (spec.serviceAccount as string | undefined) || 'default';
    spec.serviceAccountName = account;
    spec.serviceAccount = account;
    if (account === 'default' || reg.find(saR, namespace, account)) return;
    throw E.forbidden(r, name, `error looking up service account ${namespace}/${account}: serviceaccount "${account}" not found`);
  },
};
