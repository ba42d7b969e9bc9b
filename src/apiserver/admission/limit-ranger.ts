// LimitRanger (kube-apiserver's admission plugin): the LimitRanges of a namespace give new pods'
// containers their default requests and limits (and say so in the `kubernetes.io/limit-ranger`
// annotation), and refuse pods and claims outside their min, max and limit/request ratio, with
// the apiserver's Forbidden messages. Pods and PersistentVolumeClaims, on create.
import { pushTo } from '../../api/collections.js';
import { podAmount } from '../../api/pods.js';
import { formatQuantity, parseQuantity } from '../../api/quantity.js';
import { resourceNamed } from '../../api/resources.js';
import type { Container, LimitRange, PersistentVolumeClaim, Pod, ResourceList } from '../../api/types.js';
import * as E from '../errors.js';
import type { Registry } from '../registry.js';
import type { MutatingPlugin, ValidatingPlugin } from './plugin.js';

const lrR = resourceNamed('limitranges');
const ANNOTATION = 'kubernetes.io/limit-ranger';

const itemsOf = (reg: Registry, namespace: string, type: string) => [...reg.scan(lrR, namespace)].flatMap((l: LimitRange) => (l.spec?.limits ?? []).filter((i) => i.type === type));

const q = (v: string | number | undefined) => parseQuantity(v);
const text = (v: string | number | undefined) => String(v);

/** Sets a container's missing requests and limits from the defaults; what it set, as the annotation words it. */
function defaultContainer(c: Container, kind: string, requests: ResourceList, limits: ResourceList): string[] {
  const set: string[] = [];
  const res = (c.resources ??= {});
  const setLimits = Object.keys(limits).filter((k) => res.limits?.[k] === undefined).sort();
  const setRequests = Object.keys(requests).filter((k) => res.requests?.[k] === undefined).sort();
  for (const k of setLimits) (res.limits ??= {})[k] = limits[k];
  for (const k of setRequests) (res.requests ??= {})[k] = requests[k];
  if (setRequests.length) set.push(`${setRequests.join(', ')} request for ${kind} ${c.name}`);
  if (setLimits.length) set.push(`${setLimits.join(', ')} limit for ${kind} ${c.name}`);
  return set;
}

/** Default requests and limits from the namespace's Container limit items. */
export const limitRangerDefaults: MutatingPlugin<Pod> = {
  name: 'LimitRanger',
  kinds: ['Pod'],
  admit({ reg, namespace }, pod) {
    const spec = pod.spec;
    if (!spec || typeof spec !== 'object') return;
    const items = itemsOf(reg, namespace, 'Container');
    if (items.length === 0) return;
    // As Kubernetes merges them: later items do not override what earlier ones default.
    const requests: ResourceList = {};
    const limits: ResourceList = {};
    for (const i of items) {
      for (const [k, v] of Object.entries(i.defaultRequest ?? {})) requests[k] ??= v;
      for (const [k, v] of Object.entries(i.default ?? {})) limits[k] ??= v;
    }
    if (!Object.keys(requests).length && !Object.keys(limits).length) return;
    const said = [
      ...(spec.initContainers ?? []).flatMap((c) => defaultContainer(c, 'init container', requests, limits)),
      ...(spec.containers ?? []).flatMap((c) => defaultContainer(c, 'container', requests, limits)),
    ];
    if (said.length) pod.metadata.annotations = { ...pod.metadata.annotations, [ANNOTATION]: `LimitRanger plugin set: ${said.join('; ')}` };
  },
};

function minConstraint(type: string, name: string, min: string | number, request: ResourceList, limit: ResourceList): string | undefined {
  const req = request[name];
  const lim = limit[name];
  if (req === undefined) return `minimum ${name} usage per ${type} is ${text(min)}.  No request is specified`;
  if (q(req) < q(min)) return `minimum ${name} usage per ${type} is ${text(min)}, but request is ${text(req)}`;
  if (lim !== undefined && q(lim) < q(min)) return `minimum ${name} usage per ${type} is ${text(min)}, but limit is ${text(lim)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, max: string | number, request: ResourceList, limit: ResourceList): string | undefined {
  const req = request[name];
  const lim = limit[name];
  if (lim === undefined) return `maximum ${name} usage per ${type} is ${text(max)}.  No limit is specified`;
  if (q(lim) > q(max)) return `maximum ${name} usage per ${type} is ${text(max)}, but limit is ${text(lim)}`;
  if (req !== undefined && q(req) > q(max)) return `maximum ${name} usage per ${type} is ${text(max)}, but request is ${text(req)}`;
  return undefined;
}

function ratioConstraint(type: string, name: string, ratio: string | number, request: ResourceList, limit: ResourceList): string | undefined {
  const req = request[name];
  const lim = limit[name];
  if (req === undefined || q(req) === 0) return `${name} max limit to request ratio per ${type} is ${text(ratio)}, but no request is specified or request is 0`;
  if (lim === undefined || q(lim) === 0) return `${name} max limit to request ratio per ${type} is ${text(ratio)}, but no limit is specified or limit is 0`;
  const observed = q(lim) / q(req);
  if (observed > q(ratio)) return `${name} max limit to request ratio per ${type} is ${text(ratio)}, but provided ratio is ${observed.toFixed(6)}`;
  return undefined;
}

/** The checks of one limit item against a requests/limits pair, in Kubernetes' order (min, max, ratio; resources by name). */
function check(type: string, item: LimitRange['spec']['limits'][number], request: ResourceList, limit: ResourceList, errs: string[]): void {
  const each = (list: ResourceList | undefined, f: (name: string, v: string | number) => string | undefined) => {
    for (const name of Object.keys(list ?? {}).sort()) {
      const e = f(name, list![name]);
      if (e) errs.push(e);
    }
  };
  each(item.min, (n, v) => minConstraint(type, n, v, request, limit));
  each(item.max, (n, v) => maxConstraint(type, n, v, request, limit));
  each(item.maxLimitRequestRatio, (n, v) => ratioConstraint(type, n, v, request, limit));
}

/** A pod's requests and limits as a whole (every resource any container names). */
function podTotals(pod: Pod, which: 'requests' | 'limits'): ResourceList {
  const names = new Set([...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])].flatMap((c) => Object.keys(c.resources?.[which] ?? {})));
  return Object.fromEntries([...names].map((k) => [k, formatQuantity(podAmount(pod, which, k))]));
}

/** Refuses pods and claims outside the namespace's limits (403, every violation listed). */
export const limitRangerValidation: ValidatingPlugin<Pod | PersistentVolumeClaim> = {
  name: 'LimitRanger',
  kinds: ['Pod', 'PersistentVolumeClaim'],
  validate({ reg, r, namespace, name }, o) {
    const errs: string[] = [];
    if (o.kind === 'PersistentVolumeClaim') {
      const requests = (o as PersistentVolumeClaim).spec?.resources?.requests ?? {};
      for (const item of itemsOf(reg, namespace, 'PersistentVolumeClaim')) {
        for (const n of Object.keys(item.min ?? {}).sort()) {
          const e = minConstraint('PersistentVolumeClaim', n, item.min![n], requests, {});
          if (e) errs.push(e);
        }
        for (const n of Object.keys(item.max ?? {}).sort()) {
          const req = requests[n];
          if (req === undefined) errs.push(`maximum ${n} usage per PersistentVolumeClaim is ${text(item.max![n])}.  No request is specified`);
          else if (q(req) > q(item.max![n])) errs.push(`maximum ${n} usage per PersistentVolumeClaim is ${text(item.max![n])}, but request is ${text(req)}`);
        }
      }
    } else {
      const pod = o as Pod;
      if (!pod.spec || typeof pod.spec !== 'object') return;
      const byType = new Map<string, LimitRange['spec']['limits']>();
      for (const t of ['Container', 'Pod']) for (const i of itemsOf(reg, namespace, t)) pushTo(byType, t, i);
      for (const item of byType.get('Container') ?? []) {
        for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) check('Container', item, c.resources?.requests ?? {}, c.resources?.limits ?? {}, errs);
      }
      for (const item of byType.get('Pod') ?? []) check('Pod', item, podTotals(pod, 'requests'), podTotals(pod, 'limits'), errs);
    }
    if (errs.length) throw E.forbidden(r, name, E.aggregate(errs));
  },
};
