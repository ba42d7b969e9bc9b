// ResourceQuota (kube-apiserver's admission plugin): a create that would take its namespace past a
// quota's hard limits is refused (403, `exceeded quota: ...`), as is a pod that does not state the
// cpu or memory a quota limits (`failed quota: ...`); an admitted object is added to the quota's
// status.used at once, so the next create sees it (the quota controller recounts from the objects).
import { formatQuantity, parseQuantity } from '../../api/quantity.js';
import { inScope, missingConstraints, resourcesCounted, usageOf } from '../../api/quota.js';
import { resourceNamed } from '../../api/resources.js';
import type { KubeObject, Pod, ResourceList, ResourceQuota } from '../../api/types.js';
import * as E from '../errors.js';
import type { Registry } from '../registry.js';
import type { ValidatingPlugin } from './plugin.js';

const quotaR = resourceNamed('resourcequotas');

/** What a quota's namespace uses of each resource it limits, counted from the stored objects. */
export function usedIn(reg: Registry, quota: ResourceQuota): ResourceList {
  const ns = quota.metadata.namespace!;
  const used: ResourceList = {};
  for (const key of Object.keys(quota.spec?.hard ?? {}).sort()) {
    let sum = 0;
    for (const r of resourcesCounted(key)) {
      for (const o of reg.scan(r, ns)) if (inScope(quota, r, o)) sum += usageOf(r, o, key);
    }
    used[key] = formatQuantity(sum);
  }
  return used;
}

const pretty = (list: [string, number][]) => list.map(([k, v]) => `${k}=${formatQuantity(v)}`).join(',');

export const resourceQuota: ValidatingPlugin = {
  name: 'ResourceQuota',
  validate({ reg, r, namespace, name, dryRun }, o: KubeObject) {
    if (!r.namespaced) return;
    const quotas = [...reg.scan(quotaR, namespace)].filter((q) => inScope(q, r, o));
    const charged: [ResourceQuota, ResourceList][] = [];
    for (const q of quotas) {
      const hard = q.spec?.hard ?? {};
      const keys = Object.keys(hard).filter((k) => resourcesCounted(k).includes(r)).sort();
      if (keys.length === 0) continue;
      if (r.kind === 'Pod') {
        const missing = missingConstraints(q, o as Pod);
        if (missing.length) throw E.forbidden(r, name, `failed quota: ${q.metadata.name}: ${E.aggregate(missing)}`);
      }
      const used = q.status?.used ?? usedIn(reg, q);
      const requested: [string, number][] = [];
      const current: [string, number][] = [];
      const limited: [string, number][] = [];
      const next: ResourceList = { ...used };
      for (const k of keys) {
        const delta = usageOf(r, o, k);
        if (delta === 0) continue;
        const now = parseQuantity(used[k] ?? 0);
        next[k] = formatQuantity(now + delta);
        if (now + delta > parseQuantity(hard[k])) {
          requested.push([k, delta]);
          current.push([k, now]);
          limited.push([k, parseQuantity(hard[k])]);
        }
      }
      if (requested.length) throw E.forbidden(r, name, `exceeded quota: ${q.metadata.name}, requested: ${pretty(requested)}, used: ${pretty(current)}, limited: ${pretty(limited)}`);
      charged.push([q, next]);
    }
    if (dryRun) return;
    for (const [q, used] of charged) reg.writeStatus(quotaR, namespace, q.metadata.name!, { hard: q.spec?.hard ?? {}, used });
  },
};
