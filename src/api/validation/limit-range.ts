// LimitRange validation (ValidateLimitRange): every item has a type; a Pod item has no defaults;
// per resource, min <= defaultRequest <= default <= max, and a limit/request ratio of at least 1.
import { parseQuantity } from '../quantity.js';
import type { LimitRange, ResourceList } from '../types.js';
import { type FieldError, Path } from './field-errors.js';

export function validateLimitRange(o: LimitRange): FieldError[] {
  const errs: FieldError[] = [];
  const limits = Array.isArray(o.spec?.limits) ? o.spec.limits : [];
  limits.forEach((item, i) => {
    const at = new Path('spec').child('limits').index(i);
    if (!item?.type) errs.push(at.child('type').required());
    if (item?.type === 'Pod') {
      if (item.default) errs.push(at.child('default').forbidden("may not be specified when `type` is 'Pod'"));
      if (item.defaultRequest) errs.push(at.child('defaultRequest').forbidden("may not be specified when `type` is 'Pod'"));
    }
    const v = (list: ResourceList | undefined, k: string) => (list?.[k] === undefined ? undefined : parseQuantity(list[k]));
    const names = new Set([...Object.keys(item?.min ?? {}), ...Object.keys(item?.max ?? {}), ...Object.keys(item?.default ?? {}), ...Object.keys(item?.defaultRequest ?? {})]);
    for (const k of [...names].sort()) {
      const [min, max, def, req] = [v(item.min, k), v(item.max, k), v(item.default, k), v(item.defaultRequest, k)];
      const s = (list: ResourceList | undefined) => String(list?.[k]);
      if (min !== undefined && max !== undefined && min > max) errs.push(at.child('min').key(k).invalid(s(item.min), `min value ${s(item.min)} is greater than max value ${s(item.max)}`));
      if (req !== undefined && min !== undefined && min > req) errs.push(at.child('defaultRequest').key(k).invalid(s(item.defaultRequest), `min value ${s(item.min)} is greater than default request value ${s(item.defaultRequest)}`));
      if (req !== undefined && max !== undefined && req > max) errs.push(at.child('defaultRequest').key(k).invalid(s(item.defaultRequest), `default request value ${s(item.defaultRequest)} is greater than max value ${s(item.max)}`));
      if (req !== undefined && def !== undefined && req > def) errs.push(at.child('defaultRequest').key(k).invalid(s(item.defaultRequest), `default request value ${s(item.defaultRequest)} is greater than default limit value ${s(item.default)}`));
      if (def !== undefined && min !== undefined && min > def) errs.push(at.child('default').key(k).invalid(s(item.default), `min value ${s(item.min)} is greater than default value ${s(item.default)}`));
      if (def !== undefined && max !== undefined && def > max) errs.push(at.child('default').key(k).invalid(s(item.default), `default value ${s(item.default)} is greater than max value ${s(item.max)}`));
    }
    for (const k of Object.keys(item?.maxLimitRequestRatio ?? {}).sort()) {
      const r = item.maxLimitRequestRatio![k];
      if (parseQuantity(r) < 1) errs.push(at.child('maxLimitRequestRatio').key(k).invalid(String(r), `ratio ${String(r)} is less than 1`));
    }
  });
  return errs;
}
