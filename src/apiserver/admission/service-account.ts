// ServiceAccount (kube-apiserver's admission plugin): a pod runs as `default` unless it names a
// service account (spec.serviceAccountName, or the deprecated spec.serviceAccount), and the one it
// names must exist, or the pod is refused (403). Unless the pod or its account turns
// automountServiceAccountToken off, the pod gets the projected `kube-api-access-xxxxx` volume
// (a bound token, the cluster CA from kube-root-ca.crt, the namespace) and every container mounts
// it read-only at /var/run/secrets/kubernetes.io/serviceaccount, unless it already mounts
// something there. Mirror pods (a kubelet's static pods) are let be.
// One difference, on purpose: a namespace's `default` account, which the service account
// controller creates on its next pass after the namespace, counts as there; otherwise a Namespace
// and a Pod applied from one file would race that pass (a real cluster's controller wins it within
// milliseconds).
import { resourceNamed } from '../../api/resources.js';
import type { Container, Pod, ServiceAccount, Volume, VolumeMount } from '../../api/types.js';
import * as E from '../errors.js';
import type { MutatingPlugin } from './plugin.js';

const saR = resourceNamed('serviceaccounts');
const MIRROR = 'kubernetes.io/config.mirror';

/** The ConfigMap with the cluster CA in every namespace (the root CA publisher controller keeps it). */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** Where the token volume is mounted in every container. */
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The token volume's name prefix (a random suffix follows). */
export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
/** The token's lifetime the plugin asks for: an hour and 7 s, so kubelets and clients tell a bound token apart. */
const TOKEN_EXPIRATION_S = 3607;

/** The projected volume the plugin adds (TokenVolumeSource). */
export function tokenVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_S, path: 'token' } },
        { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
      ],
    },
  };
}

/** Whether a pod gets the token: the pod's own setting, else its account's, else yes. */
function automount(pod: Pod, account: ServiceAccount | undefined): boolean {
  const own = pod.spec?.automountServiceAccountToken;
  if (typeof own === 'boolean') return own;
  return account?.automountServiceAccountToken !== false;
}

/** Mounts the token volume into every container without a mount at TOKEN_MOUNT_PATH; adds the volume if one does. */
function mountToken(pod: Pod, newName: () => string): void {
  const spec = pod.spec!;
  const volumes: Volume[] = Array.isArray(spec.volumes) ? spec.volumes : [];
  const existing = volumes.find((v) => typeof v?.name === 'string' && v.name.startsWith(TOKEN_VOLUME_PREFIX));
  const name = existing?.name ?? newName();
  let needed = false;
  for (const list of [spec.initContainers, spec.containers] as (Container[] | undefined)[]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!c || typeof c !== 'object') continue;
      const mounts: VolumeMount[] = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
      if (mounts.some((m) => m?.mountPath === TOKEN_MOUNT_PATH)) continue;
      c.volumeMounts = [...mounts, { name, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
      needed = true;
    }
  }
  if (needed && !existing) spec.volumes = [...volumes, tokenVolume(name)];
}

export const serviceAccount: MutatingPlugin<Pod> = {
  name: 'ServiceAccount',
  kinds: ['Pod'],
  admit({ reg, r, namespace, name }, pod) {
    const spec = pod.spec;
    if (!spec || typeof spec !== 'object') return;
    if (pod.metadata.annotations?.[MIRROR] !== undefined) return;
    const accountName = spec.serviceAccountName || (spec.serviceAccount as string | undefined) || 'default';
    spec.serviceAccountName = accountName;
    spec.serviceAccount = accountName;
    const account = reg.find(saR, namespace, accountName) as ServiceAccount | undefined;
    if (!account && accountName !== 'default') {
      throw E.forbidden(r, name, `error looking up service account ${namespace}/${accountName}: serviceaccount "${accountName}" not found`);
    }
    if (automount(pod, account)) mountToken(pod, () => reg.generateName(TOKEN_VOLUME_PREFIX));
  },
};
