// Validation of the controllers' kinds: Deployment, ReplicaSet, ReplicationController, DaemonSet,
// StatefulSet, Job, CronJob, HorizontalPodAutoscaler.
import { CronError, parseCron, validTimeZone } from '../cron.js';
import { fromLabelSelector, matches } from '../labels.js';
import type { CronJob, DaemonSet, Deployment, HorizontalPodAutoscaler, Job, JobSpec, LabelSelector, PodFailurePolicyRule, PodTemplateSpec, ReplicaSet, ReplicationController, StatefulSet } from '../types.js';
import { type FieldError, Path } from './field-errors.js';
import { validateLabelSelector as validateSelector, validateLabels } from './meta.js';
import { validatePodSpec } from './pod.js';

const spec = new Path('spec');

function nonNegative(v: unknown, p: Path): FieldError[] {
  return typeof v === 'number' && v < 0 ? [p.invalid(v, 'must be greater than or equal to 0')] : [];
}

/** A selector plus a template whose labels it must select (Deployment, ReplicaSet, DaemonSet, StatefulSet). */
function validateSelectorAndTemplate(s: { selector?: LabelSelector; template?: PodTemplateSpec }, restartPolicies?: string[], extraVolumes: string[] = []): FieldError[] {
  const errs: FieldError[] = [];
  const sel = s.selector;
  const empty = !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
  if (!sel) errs.push(spec.child('selector').required());
  else {
    errs.push(...validateSelector(sel, spec.child('selector')));
    if (empty) errs.push(spec.child('selector').invalid(sel, 'empty selector is invalid for deployment'));
  }
  const tp = spec.child('template');
  const labels = s.template?.metadata?.labels;
  if (!s.template) return [...errs, tp.required()];
  errs.push(...validateLabels(labels, tp.child('metadata').child('labels')));
  if (sel && !empty && !matches(fromLabelSelector(sel), labels))
    errs.push(tp.child('metadata').child('labels').invalid(labels ?? {}, '`selector` does not match template `labels`'));
  errs.push(...validatePodSpec(s.template.spec, tp.child('spec'), restartPolicies ?? ['Always'], extraVolumes));
  return errs;
}

function intOrPercent(v: unknown, p: Path): FieldError[] {
  if (v === undefined) return [];
  if (typeof v === 'number') return nonNegative(v, p);
  if (typeof v === 'string' && /^\d+%$/.test(v)) return Number(v.slice(0, -1)) > 100 ? [p.invalid(v, 'must not be greater than 100%')] : [];
  return [p.invalid(v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
}

function isZero(v: unknown): boolean {
  return v === 0 || v === '0%';
}

export function validateDeployment(o: Deployment): FieldError[] {
  const s = o.spec;
  if (!s || typeof s !== 'object') return [spec.required()];
  const errs = [...nonNegative(s.replicas, spec.child('replicas')), ...validateSelectorAndTemplate(s)];
  const st = s.strategy ?? {};
  const sp = spec.child('strategy');
  if (st.type && !['RollingUpdate', 'Recreate'].includes(st.type)) errs.push(sp.child('type').notSupported(st.type, ['Recreate', 'RollingUpdate']));
  if (st.type === 'Recreate' && st.rollingUpdate) errs.push(sp.child('rollingUpdate').forbidden('may not be specified when strategy `type` is \'Recreate\''));
  if (st.rollingUpdate) {
    const rp = sp.child('rollingUpdate');
    errs.push(...intOrPercent(st.rollingUpdate.maxUnavailable, rp.child('maxUnavailable')), ...intOrPercent(st.rollingUpdate.maxSurge, rp.child('maxSurge')));
    if (isZero(st.rollingUpdate.maxUnavailable) && isZero(st.rollingUpdate.maxSurge))
      errs.push(rp.child('maxUnavailable').invalid(st.rollingUpdate.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...nonNegative(s.revisionHistoryLimit, spec.child('revisionHistoryLimit')), ...nonNegative(s.minReadySeconds, spec.child('minReadySeconds')));
  if (typeof s.progressDeadlineSeconds === 'number' && typeof s.minReadySeconds === 'number' && s.progressDeadlineSeconds <= s.minReadySeconds)
    errs.push(spec.child('progressDeadlineSeconds').invalid(s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  return errs;
}

export function validateReplicaSet(o: ReplicaSet): FieldError[] {
  if (!o.spec || typeof o.spec !== 'object') return [spec.required()];
  return [...nonNegative(o.spec.replicas, spec.child('replicas')), ...validateSelectorAndTemplate(o.spec)];
}

export function validateReplicationController(o: ReplicationController): FieldError[] {
  const s = o.spec;
  if (!s || typeof s !== 'object') return [spec.required()];
  const errs = nonNegative(s.replicas, spec.child('replicas'));
  const sel: Record<string, string> = s.selector ?? {};
  if (Object.keys(sel).length === 0) errs.push(spec.child('selector').required());
  else errs.push(...validateLabels(sel, spec.child('selector')));
  if (!s.template) errs.push(spec.child('template').required());
  else {
    const labels = s.template.metadata?.labels;
    if (Object.keys(sel).length > 0 && !matches(fromLabelSelector({ matchLabels: sel }), labels))
      errs.push(spec.child('template').child('metadata').child('labels').invalid(labels ?? {}, '`selector` does not match template `labels`'));
    errs.push(...validatePodSpec(s.template.spec, spec.child('template').child('spec'), ['Always']));
  }
  return errs;
}

export function validateDaemonSet(o: DaemonSet): FieldError[] {
  const s = o.spec;
  if (!s || typeof s !== 'object') return [spec.required()];
  const errs = validateSelectorAndTemplate(s);
  const us = s.updateStrategy ?? {};
  if (us.type && !['RollingUpdate', 'OnDelete'].includes(us.type)) errs.push(spec.child('updateStrategy').child('type').notSupported(us.type, ['OnDelete', 'RollingUpdate']));
  if (us.rollingUpdate) {
    const rp = spec.child('updateStrategy').child('rollingUpdate');
    errs.push(...intOrPercent(us.rollingUpdate.maxUnavailable, rp.child('maxUnavailable')), ...intOrPercent(us.rollingUpdate.maxSurge, rp.child('maxSurge')));
    if (isZero(us.rollingUpdate.maxUnavailable) && isZero(us.rollingUpdate.maxSurge ?? 0))
      errs.push(rp.child('maxUnavailable').invalid(us.rollingUpdate.maxUnavailable, 'cannot be 0 when maxSurge is 0'));
  }
  return errs;
}

export function validateStatefulSet(o: StatefulSet): FieldError[] {
  const s = o.spec;
  if (!s || typeof s !== 'object') return [spec.required()];
  // Containers may mount the volumes that volumeClaimTemplates provide to each pod.
  const claims = (s.volumeClaimTemplates ?? []).map((t) => t.metadata?.name).filter((n): n is string => !!n);
  const errs = [...nonNegative(s.replicas, spec.child('replicas')), ...validateSelectorAndTemplate(s, undefined, claims)];
  if (s.podManagementPolicy && !['OrderedReady', 'Parallel'].includes(s.podManagementPolicy))
    errs.push(spec.child('podManagementPolicy').invalid(s.podManagementPolicy, "must be 'OrderedReady' or 'Parallel'"));
  const us = s.updateStrategy ?? {};
  if (us.type && !['RollingUpdate', 'OnDelete'].includes(us.type)) errs.push(spec.child('updateStrategy').child('type').notSupported(us.type, ['OnDelete', 'RollingUpdate']));
  errs.push(...nonNegative(us.rollingUpdate?.partition, spec.child('updateStrategy').child('rollingUpdate').child('partition')));
  return errs;
}

function validateJobSpec(js: JobSpec | undefined, p: Path): FieldError[] {
  if (!js || typeof js !== 'object') return [p.required()];
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'backoffLimit'] as const) errs.push(...nonNegative(js[f], p.child(f)));
  if (typeof js.activeDeadlineSeconds === 'number' && js.activeDeadlineSeconds <= 0)
    errs.push(p.child('activeDeadlineSeconds').invalid(js.activeDeadlineSeconds, 'must be greater than 0'));
  if (js.completionMode && !['NonIndexed', 'Indexed'].includes(js.completionMode))
    errs.push(p.child('completionMode').notSupported(js.completionMode, ['NonIndexed', 'Indexed']));
  if (js.completionMode === 'Indexed' && js.completions == null) errs.push(p.child('completions').required('when completion mode is Indexed'));
  const tp = p.child('template');
  if (!js.template) return [...errs, tp.required()];
  if (js.selector && js.template.metadata?.labels && !matches(fromLabelSelector(js.selector), js.template.metadata.labels))
    errs.push(tp.child('metadata').child('labels').invalid(js.template.metadata.labels, '`selector` does not match template `labels`'));
  const rp = js.template.spec?.restartPolicy;
  if (js.template.spec && rp !== 'OnFailure' && rp !== 'Never')
    errs.push(tp.child('spec').child('restartPolicy').notSupported(rp ?? 'Always', ['OnFailure', 'Never']));
  errs.push(...validatePodSpec(js.template.spec, tp.child('spec'), ['OnFailure', 'Never']).filter((e) => e.field !== `${tp.path}.spec.restartPolicy`));
  errs.push(...validateJobPolicies(js, p));
  return errs;
}

const FAILURE_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];

/** podFailurePolicy, backoffLimitPerIndex, maxFailedIndexes, successPolicy and podReplacementPolicy, as the apiserver checks them. */
function validateJobPolicies(js: JobSpec, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const indexed = js.completionMode === 'Indexed';
  const pfp = js.podFailurePolicy;
  if (pfp) {
    const rp = js.template.spec?.restartPolicy;
    if (rp !== 'Never') errs.push(p.child('template').child('spec').child('restartPolicy').invalid(rp ?? 'Always', 'only "Never" is supported when podFailurePolicy is specified'));
    (pfp.rules ?? []).forEach((item, i) => {
      const r = item ?? ({} as PodFailurePolicyRule);
      const rp = p.child('podFailurePolicy').child('rules').index(i);
      if (!FAILURE_ACTIONS.includes(r.action)) errs.push(rp.child('action').notSupported(r.action, FAILURE_ACTIONS));
      if (r.action === 'FailIndex' && js.backoffLimitPerIndex == null) errs.push(rp.child('action').invalid(r.action, 'requires the backoffLimitPerIndex to be set'));
      if (r.onExitCodes && r.onPodConditions?.length) errs.push(rp.invalid(r, 'specifying both OnExitCodes and OnPodConditions is not supported'));
      else if (!r.onExitCodes && !r.onPodConditions?.length) errs.push(rp.invalid(r, 'specifying one of OnExitCodes and OnPodConditions is required'));
      (r.onPodConditions ?? []).forEach((c, j) => {
        const cp = rp.child('onPodConditions').index(j);
        if (!c?.type) errs.push(cp.child('type').required());
        if (c?.status !== undefined && !['True', 'False', 'Unknown'].includes(c.status)) errs.push(cp.child('status').notSupported(c.status, ['False', 'True', 'Unknown']));
      });
      const ec = r.onExitCodes;
      if (ec) {
        const ep = rp.child('onExitCodes');
        if (!['In', 'NotIn'].includes(ec.operator)) errs.push(ep.child('operator').notSupported(ec.operator, ['In', 'NotIn']));
        if (!ec.values?.length) errs.push(ep.child('values').required('at least one value is required'));
        (ec.values ?? []).forEach((v, j) => {
          if (ec.operator === 'In' && v === 0) errs.push(ep.child('values').index(j).invalid(v, 'must not be 0 for the In operator'));
        });
      }
    });
    if (js.podReplacementPolicy && js.podReplacementPolicy !== 'Failed') errs.push(p.child('podReplacementPolicy').notSupported(js.podReplacementPolicy, ['Failed']));
  } else if (js.podReplacementPolicy && !['Failed', 'TerminatingOrFailed'].includes(js.podReplacementPolicy)) {
    errs.push(p.child('podReplacementPolicy').notSupported(js.podReplacementPolicy, ['Failed', 'TerminatingOrFailed']));
  }
  if (js.backoffLimitPerIndex != null) {
    errs.push(...nonNegative(js.backoffLimitPerIndex, p.child('backoffLimitPerIndex')));
    if (!indexed) errs.push(p.child('backoffLimitPerIndex').invalid(js.backoffLimitPerIndex, 'requires indexed completion mode'));
  }
  if (js.maxFailedIndexes != null) {
    if (js.backoffLimitPerIndex == null) errs.push(p.child('backoffLimitPerIndex').required('when maxFailedIndexes is specified'));
    errs.push(...nonNegative(js.maxFailedIndexes, p.child('maxFailedIndexes')));
    if (js.completions != null && js.maxFailedIndexes > js.completions) errs.push(p.child('maxFailedIndexes').invalid(js.maxFailedIndexes, 'must be less than or equal to completions'));
  }
  if (js.successPolicy) {
    if (!indexed) errs.push(p.child('successPolicy').invalid(js.successPolicy, 'requires indexed completion mode'));
    (js.successPolicy.rules ?? []).forEach((item, i) => {
      const r = item ?? {};
      const sp = p.child('successPolicy').child('rules').index(i);
      if (r.succeededIndexes == null && r.succeededCount == null) errs.push(sp.required('at least one of succeededCount or succeededIndexes must be specified'));
      if (r.succeededCount != null && (r.succeededCount < 0 || (js.completions != null && r.succeededCount > js.completions))) errs.push(sp.child('succeededCount').invalid(r.succeededCount, `must be less than or equal to ${js.completions}`));
      if (r.succeededIndexes != null && !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(r.succeededIndexes)) errs.push(sp.child('succeededIndexes').invalid(r.succeededIndexes, 'error parsing succeededIndexes'));
    });
  }
  return errs;
}

export function validateJob(o: Job): FieldError[] {
  return validateJobSpec(o.spec, spec);
}

/** Why a cron schedule cannot be parsed (the CronJob controller's parser), or undefined. */
export function scheduleProblem(schedule: string): string | undefined {
  try {
    parseCron(schedule);
    return undefined;
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}

export function validateCronJob(o: CronJob): FieldError[] {
  const s = o.spec;
  if (!s || typeof s !== 'object') return [spec.required()];
  const errs: FieldError[] = [];
  if (!s.schedule) errs.push(spec.child('schedule').required());
  else {
    const problem = scheduleProblem(s.schedule);
    if (problem?.startsWith('CRON_TZ')) errs.push(spec.child('schedule').invalid(s.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    else if (problem) errs.push(spec.child('schedule').invalid(s.schedule, problem));
  }
  if (s.concurrencyPolicy && !['Allow', 'Forbid', 'Replace'].includes(s.concurrencyPolicy))
    errs.push(spec.child('concurrencyPolicy').notSupported(s.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
  if (s.timeZone !== undefined) {
    if (!validTimeZone(s.timeZone)) errs.push(spec.child('timeZone').invalid(s.timeZone, 'unknown time zone ' + s.timeZone));
  }
  for (const f of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'startingDeadlineSeconds'] as const) errs.push(...nonNegative(s[f], spec.child(f)));
  if (!s.jobTemplate) errs.push(spec.child('jobTemplate').required());
  else errs.push(...validateJobSpec(s.jobTemplate.spec, spec.child('jobTemplate').child('spec')));
  return errs;
}

export function validateHPA(o: HorizontalPodAutoscaler): FieldError[] {
  const s = o.spec;
  if (!s || typeof s !== 'object') return [spec.required()];
  const errs: FieldError[] = [];
  const ref = s.scaleTargetRef;
  if (!ref) errs.push(spec.child('scaleTargetRef').required());
  else {
    if (!ref.kind) errs.push(spec.child('scaleTargetRef').child('kind').required());
    if (!ref.name) errs.push(spec.child('scaleTargetRef').child('name').required());
  }
  if (typeof s.minReplicas === 'number' && s.minReplicas < 1) errs.push(spec.child('minReplicas').invalid(s.minReplicas, 'must be greater than or equal to 1'));
  if (s.maxReplicas == null) errs.push(spec.child('maxReplicas').required());
  else if (typeof s.minReplicas === 'number' && s.maxReplicas < s.minReplicas)
    errs.push(spec.child('maxReplicas').invalid(s.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  return errs;
}
