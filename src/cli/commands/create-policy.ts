// `minikctl create pdb|priorityclass|quota NAME ...`: the objects kubectl's generators build from
// their flags (pure: the caller creates or prints them).
import { parseSelector } from '../../api/labels.js';
import type { LabelSelector } from '../../api/types.js';
import type { PodDisruptionBudget, PriorityClass, ResourceQuota } from '../../api/types.js';
import { CliError } from '../errors.js';

/** An int-or-string flag value as kubectl reads it: digits are a number, anything else (`50%`) a string. */
const intOrString = (v: string): number | string => (/^-?\d+$/.test(v) ? Number(v) : v);

/** A selector string as a LabelSelector (`a=b` into matchLabels, the other operators into matchExpressions). */
export function toLabelSelector(s: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: NonNullable<LabelSelector['matchExpressions']> = [];
  // As kubectl's parser, requirements in key order.
  for (const r of [...parseSelector(s)].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    if (r.op === '=') matchLabels[r.key] = r.values[0];
    else if (r.op === '!=') matchExpressions.push({ key: r.key, operator: 'NotIn', values: r.values });
    else if (r.op === 'in') matchExpressions.push({ key: r.key, operator: 'In', values: r.values });
    else if (r.op === 'notin') matchExpressions.push({ key: r.key, operator: 'NotIn', values: r.values });
    else if (r.op === 'exists') matchExpressions.push({ key: r.key, operator: 'Exists' });
    else if (r.op === '!') matchExpressions.push({ key: r.key, operator: 'DoesNotExist' });
    else throw new CliError(`error: the operator ${r.op} of ${r.key} is not supported in a label selector`);
  }
  return { ...(Object.keys(matchLabels).length ? { matchLabels } : {}), ...(matchExpressions.length ? { matchExpressions } : {}) };
}

export interface PdbOptions {
  selector?: string;
  minAvailable?: string;
  maxUnavailable?: string;
}

/** `create pdb NAME --selector=SEL --min-available=N|--max-unavailable=N`. */
export function pdbFrom(name: string, o: PdbOptions): PodDisruptionBudget {
  if (!o.selector) throw new CliError('error: a selector must be specified');
  if (!o.minAvailable && !o.maxUnavailable) throw new CliError('error: one of min-available or max-unavailable must be specified');
  if (o.minAvailable && o.maxUnavailable) throw new CliError('error: min-available and max-unavailable cannot be both specified');
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name },
    spec: {
      ...(o.minAvailable ? { minAvailable: intOrString(o.minAvailable) } : {}),
      ...(o.maxUnavailable ? { maxUnavailable: intOrString(o.maxUnavailable) } : {}),
      selector: toLabelSelector(o.selector),
    },
    // Go prints the status struct's counters, zero.
    status: { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 },
  };
}

export interface PriorityClassOptions {
  value?: string;
  globalDefault?: boolean;
  description?: string;
  preemptionPolicy?: string;
}

/** `create priorityclass NAME --value=N [--global-default] [--description=...] [--preemption-policy=...]`. */
export function priorityClassFrom(name: string, o: PriorityClassOptions): PriorityClass {
  const value = Number(o.value ?? 0);
  if (!Number.isInteger(value)) throw new CliError(`error: invalid argument "${o.value}" for "--value" flag: strconv.ParseInt: parsing "${o.value}": invalid syntax`);
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value,
    ...(o.globalDefault ? { globalDefault: true } : {}),
    ...(o.description ? { description: o.description } : {}),
    preemptionPolicy: (o.preemptionPolicy ?? 'PreemptLowerPriority') as PriorityClass['preemptionPolicy'],
  };
}

export interface QuotaOptions {
  hard?: string;
  scopes?: string;
}

/** `create quota NAME --hard=key=value,... [--scopes=Scope,...]`. */
export function quotaFrom(name: string, o: QuotaOptions): ResourceQuota {
  const hard: Record<string, string> = {};
  for (const pair of (o.hard ?? '').split(',').filter(Boolean)) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new CliError(`error: invalid resource quota: ${pair}`);
    hard[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  const scopes = (o.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name },
    spec: { ...(Object.keys(hard).length ? { hard } : {}), ...(scopes.length ? { scopes } : {}) },
    status: {},
  };
}
