// The Endpoints and EndpointSlice controllers: for every Service with a selector, the pods it
// selects, by IP, with their ports resolved (named targetPorts looked up in each pod). Only Ready
// pods are ready endpoints; unready ones go to notReadyAddresses; terminating pods leave
// Endpoints at once and stay in slices as ready=false, terminating=true.
import { jsonEqual } from '../api/equal.js';
import { fromLabelSelector, matches } from '../api/labels.js';
import { isPodReady } from '../api/pods.js';
import { resourceNamed } from '../api/resources.js';
import type { EndpointAddress, EndpointSlice, EndpointSubset, Endpoints, KubeObject, Pod, Service } from '../api/types.js';
import type { Change, Registry } from '../apiserver/registry.js';
import type { Controller } from '../runtime/controller.js';
import { KeyedQueue, changeTo, objectKey } from '../runtime/change-feed.js';
import { pushTo } from '../api/collections.js';
import { LabelIndex } from '../api/label-index.js';

const svcR = resourceNamed('services'), epR = resourceNamed('endpoints'), sliceR = resourceNamed('endpointslices'), podsR = resourceNamed('pods');

/** Legacy Endpoints hold at most this many addresses (since 1.22), then are truncated. */
export const MAX_ENDPOINTS = 1000;
/** Addresses per EndpointSlice. */
export const MAX_PER_SLICE = 100;

interface Backend {
  pod: Pod;
  ip: string;
  ready: boolean;
  terminating: boolean;
  ports: { name?: string; port: number; protocol: string }[];
}

/** The port a Service port reaches on a pod: a number, or the pod's container port of that name. */
export function resolveTargetPort(pod: Pod | undefined, targetPort: number | string | undefined, port: number): number | undefined {
  if (targetPort === undefined) return port;
  if (typeof targetPort === 'number') return targetPort;
  if (/^\d+$/.test(targetPort)) return Number(targetPort);
  for (const c of pod?.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === targetPort) return p.containerPort;
  return undefined;
}

/** The pods behind a Service, each with its resolved ports. */
export function backends(svc: Service, pods: Pod[]): Backend[] {
  const sel = fromLabelSelector({ matchLabels: svc.spec?.selector ?? {} });
  const publish = !!svc.spec?.publishNotReadyAddresses;
  const out: Backend[] = [];
  for (const pod of pods) {
    if (!matches(sel, pod.metadata.labels) || !pod.status?.podIP) continue;
    if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') continue;
    const terminating = !!pod.metadata.deletionTimestamp;
    const ports: Backend['ports'] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const port = resolveTargetPort(pod, sp.targetPort, sp.port);
      if (port !== undefined) ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP' });
    }
    out.push({ pod, ip: pod.status.podIP, ready: publish || (isPodReady(pod) && !terminating), terminating, ports });
  }
  return out.sort((a, b) => ipCompare(a.ip, b.ip));
}

function ipCompare(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** A pod's DNS hostname under a Service: set when the pod's subdomain is that Service (StatefulSets' `web-0.web`). */
const hostnameFor = (svc: Service, b: Backend) => (b.pod.spec?.hostname && b.pod.spec?.subdomain === svc.metadata.name ? { hostname: b.pod.spec.hostname } : {});

const address = (svc: Service, b: Backend): EndpointAddress => ({ ip: b.ip, ...hostnameFor(svc, b), nodeName: b.pod.spec?.nodeName, targetRef: { kind: 'Pod', name: b.pod.metadata.name, namespace: b.pod.metadata.namespace, uid: b.pod.metadata.uid } });

/** The Endpoints subsets: backends grouped by their port sets, ready and not ready apart. */
export function endpointSubsets(svc: Service, bs: Backend[]): { subsets: EndpointSubset[]; truncated: boolean } {
  const groups = new Map<string, { ports: Backend['ports']; addresses: EndpointAddress[]; notReadyAddresses: EndpointAddress[] }>();
  let count = 0;
  let truncated = false;
  for (const b of bs) {
    if (b.terminating && !svc.spec?.publishNotReadyAddresses) continue;
    if (b.ports.length === 0 && (svc.spec?.ports ?? []).length > 0) continue;
    if (count >= MAX_ENDPOINTS) {
      truncated = true;
      continue;
    }
    count++;
    const key = JSON.stringify(b.ports);
    if (!groups.has(key)) groups.set(key, { ports: b.ports, addresses: [], notReadyAddresses: [] });
    const g = groups.get(key)!;
    (b.ready ? g.addresses : g.notReadyAddresses).push(address(svc, b));
  }
  const subsets = [...groups.values()].map((g) => ({
    ...(g.addresses.length ? { addresses: g.addresses } : {}),
    ...(g.notReadyAddresses.length ? { notReadyAddresses: g.notReadyAddresses } : {}),
    ...(g.ports.length ? { ports: g.ports } : {}),
  }));
  return { subsets, truncated };
}

const keyOf = (o: KubeObject) => objectKey(o.metadata.namespace!, o.metadata.name!);

/** What one pass reads, a namespace at a time (only the namespaces it touches are read). */
class NamespaceViews {
  private pods = new Map<string, LabelIndex<Pod>>();
  private slices = new Map<string, Map<string, EndpointSlice[]>>();
  constructor(private reg: Registry) {}

  /** The namespace's pods that may match a selector. */
  candidates(ns: string, selector: Record<string, string>): Pod[] {
    let index = this.pods.get(ns);
    if (!index) {
      this.pods.set(ns, (index = new LabelIndex()));
      for (const p of this.reg.scan(podsR, ns)) index.add(ns, p.metadata.labels, p);
    }
    return index.candidates(ns, selector);
  }

  /** A Service's EndpointSlices (its label, owned by it), in name order. */
  slicesOf(svc: Service): EndpointSlice[] {
    const ns = svc.metadata.namespace!;
    let byOwner = this.slices.get(ns);
    if (!byOwner) {
      this.slices.set(ns, (byOwner = new Map()));
      for (const sl of this.reg.scan(sliceR, ns)) for (const o of sl.metadata.ownerReferences ?? []) pushTo(byOwner, o.uid, sl);
    }
    return (byOwner.get(svc.metadata.uid!) ?? [])
      .filter((sl) => sl.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name)
      .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0));
  }
}

/**
 * Keeps Endpoints and EndpointSlices in step with Services and their pods. Keyed by Service, as
 * Kubernetes' controller is: a pass syncs the Services its changes touch (the Service, its
 * Endpoints or slices, a pod it selects now or had as a backend), everything on the first pass.
 */
export class EndpointsController implements Controller {
  readonly name = 'endpoint-controller';
  private queue = new KeyedQueue(['pods', 'services', 'endpoints', 'endpointslices.discovery.k8s.io']);
  /** The Services (`ns/name`) each pod (`ns/name`) was a backend of when they last synced. */
  private servicesOfPod = new Map<string, Set<string>>();
  /** The backends (`ns/name` of pods) each Service had when it last synced. */
  private podsOfService = new Map<string, string[]>();

  sync(reg: Registry): void {
    this.queue.run(
      reg,
      (changes) => this.touchedBy(reg, changes),
      (keys) => {
        const views = new NamespaceViews(reg);
        for (const key of keys ?? this.everything(reg)) this.syncService(reg, key, views);
      },
    );
  }

  /** Every Service, and every Endpoints object this controller made (its Service may be gone). */
  private everything(reg: Registry): Set<string> {
    this.servicesOfPod.clear();
    this.podsOfService.clear();
    const keys = new Set<string>();
    for (const svc of reg.list(svcR, undefined).items) keys.add(keyOf(svc));
    for (const ep of reg.scan(epR)) if (ep.metadata.labels?.['endpointslice.kubernetes.io/skip-mirror'] === 'true') keys.add(keyOf(ep));
    return keys;
  }

  /** The Services a list of changes touches. */
  private touchedBy(reg: Registry, changes: Change[]): Set<string> {
    const keys = new Set<string>();
    let selecting: Map<string, Service[]> | undefined;
    for (const c of changes) {
      const key = objectKey(c.namespace, c.name);
      if (c.resource === 'services' || c.resource === 'endpoints') keys.add(key);
      else if (changeTo(c, podsR)) {
        for (const s of this.servicesOfPod.get(key) ?? []) keys.add(s);
        // Only a pod with an IP that has not ended can be a backend (backends()): a pod being
        // scheduled or started touches no Service it was not already in.
        const st = c.object.status;
        if (c.type === 'DELETED' || !st?.podIP || st.phase === 'Succeeded' || st.phase === 'Failed') continue;
        // Services by namespace and the first label of their selector: a pod's candidates are those under one of its labels.
        if (!selecting) {
          selecting = new Map();
          for (const svc of reg.scan(svcR)) {
            const first = Object.entries(svc.spec?.selector ?? {})[0];
            if (first) pushTo(selecting, `${svc.metadata.namespace}\u0000${first[0]}\u0000${first[1]}`, svc);
          }
        }
        for (const [k, v] of Object.entries(c.object.metadata.labels ?? {}))
          for (const svc of selecting.get(`${c.namespace}\u0000${k}\u0000${v}`) ?? []) if (matches(fromLabelSelector({ matchLabels: svc.spec?.selector }), c.object.metadata.labels)) keys.add(keyOf(svc));
      } else {
        const svc = c.object.metadata.labels?.['kubernetes.io/service-name'];
        if (svc) keys.add(objectKey(c.namespace, svc));
      }
    }
    return keys;
  }

  /** Brings one Service's Endpoints and slices in step (or removes its Endpoints when it selects nothing any more). */
  private syncService(reg: Registry, key: string, views: NamespaceViews): void {
    const slash = key.indexOf('/');
    const ns = key.slice(0, slash);
    const svc = reg.find(svcR, ns, key.slice(slash + 1));
    if (!svc?.spec?.selector || Object.keys(svc.spec.selector).length === 0 || svc.spec.type === 'ExternalName' || svc.metadata.deletionTimestamp) {
      this.remember(key, []);
      // Endpoints this controller made for a Service that is gone or has no selector (slices go with their owner, by GC).
      const ep = reg.find(epR, ns, key.slice(slash + 1));
      if (ep && !svc?.spec?.selector && ep.metadata.labels?.['endpointslice.kubernetes.io/skip-mirror'] === 'true') reg.delete(epR, ns, ep.metadata.name!);
      return;
    }
    const bs = backends(svc, views.candidates(ns, svc.spec.selector));
    this.syncEndpoints(reg, svc, bs);
    this.syncSlices(reg, svc, bs, views.slicesOf(svc));
    this.remember(key, bs.map((b) => keyOf(b.pod)));
  }

  /** Records a Service's backends, so a change to one of them later touches the Service. */
  private remember(svcKey: string, podKeys: string[]): void {
    for (const p of this.podsOfService.get(svcKey) ?? []) {
      const s = this.servicesOfPod.get(p);
      if (s?.delete(svcKey) && s.size === 0) this.servicesOfPod.delete(p);
    }
    for (const p of podKeys) {
      let s = this.servicesOfPod.get(p);
      if (!s) this.servicesOfPod.set(p, (s = new Set()));
      s.add(svcKey);
    }
    if (podKeys.length) this.podsOfService.set(svcKey, podKeys);
    else this.podsOfService.delete(svcKey);
  }

  private syncEndpoints(reg: Registry, svc: Service, bs: Backend[]): void {
    const ns = svc.metadata.namespace!;
    const name = svc.metadata.name!;
    const { subsets, truncated } = endpointSubsets(svc, bs);
    const labels = { ...(svc.metadata.labels ?? {}), 'endpointslice.kubernetes.io/skip-mirror': 'true' };
    const annotations = truncated ? { 'endpoints.kubernetes.io/over-capacity': 'truncated' } : undefined;
    const body: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels, ...(annotations ? { annotations } : {}) }, ...(subsets.length ? { subsets } : {}) };
    const cur = reg.find(epR, ns, name);
    if (!cur) {
      reg.createTrusted(epR, ns, body);
      return;
    }
    if (jsonEqual(cur.subsets ?? [], subsets) && jsonEqual(cur.metadata.labels, labels) && jsonEqual(cur.metadata.annotations, annotations)) return;
    reg.updateTrusted(epR, { ...body, metadata: { ...cur.metadata, labels, annotations } });
  }

  /** `existing`: the Service's slices (its label, owned by it), in name order. */
  private syncSlices(reg: Registry, svc: Service, bs: Backend[], existing: EndpointSlice[]): void {
    const ns = svc.metadata.namespace!;
    const svcName = svc.metadata.name!;
    const ports = (svc.spec?.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : { name: '' }), port: (bs[0] ? resolveTargetPort(bs[0].pod, p.targetPort, p.port) : resolveTargetPort(undefined, p.targetPort, p.port)) ?? p.port, protocol: p.protocol ?? 'TCP' }));
    const endpoints = bs.map((b) => ({
      addresses: [b.ip],
      conditions: { ready: b.ready, serving: b.terminating ? isPodReady(b.pod) : b.ready, terminating: b.terminating },
      ...hostnameFor(svc, b),
      nodeName: b.pod.spec?.nodeName,
      targetRef: { kind: 'Pod', name: b.pod.metadata.name, namespace: ns, uid: b.pod.metadata.uid },
    }));
    const chunks: EndpointSlice['endpoints'][] = [];
    for (let i = 0; i < endpoints.length; i += MAX_PER_SLICE) chunks.push(endpoints.slice(i, i + MAX_PER_SLICE));
    if (chunks.length === 0) chunks.push([]);
    chunks.forEach((chunk, i) => {
      const cur = existing[i];
      const body = { addressType: 'IPv4' as const, endpoints: chunk, ports };
      if (!cur) {
        reg.createTrusted(sliceR, ns, {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {
            generateName: `${svcName}-`,
            labels: { 'kubernetes.io/service-name': svcName, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
            ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svcName, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
          },
          ...body,
        });
      } else if (!jsonEqual({ addressType: cur.addressType, endpoints: cur.endpoints, ports: cur.ports }, body)) {
        reg.updateTrusted(sliceR, { ...cur, ...body });
      }
    });
    for (const extra of existing.slice(chunks.length)) reg.delete(sliceR, ns, extra.metadata.name!);
  }
}
