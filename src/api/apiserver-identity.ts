// The API servers of a cluster, read from their identity Leases (kube-apiserver's APIServerIdentity
// Leases in kube-system; minik's daemons annotate theirs with the address they serve on, see
// daemon/apiserver-identity.ts).
import type { Lease } from './types.js';

export const IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';
export const SERVER_ANNOTATION = 'minik.dev/server';
/** kube-apiserver's identity lease timings. */
export const IDENTITY_RENEW_MS = 10_000;

/** The API servers whose identity Leases were renewed within three renew periods, by address. */
export function liveApiServers(leases: Lease[], now: number): { server: string; holder: string }[] {
  return leases
    .filter((l) => l.metadata.labels?.[IDENTITY_LABEL] === 'kube-apiserver' && l.metadata.annotations?.[SERVER_ANNOTATION])
    .filter((l) => now - Date.parse(l.spec?.renewTime ?? '') < 3 * IDENTITY_RENEW_MS)
    .map((l) => ({ server: l.metadata.annotations![SERVER_ANNOTATION], holder: l.spec?.holderIdentity ?? '' }))
    .sort((a, b) => (a.server < b.server ? -1 : a.server > b.server ? 1 : 0));
}
