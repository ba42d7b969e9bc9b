// Validation of the admission configuration kinds (admissionregistration.k8s.io/v1): webhook
// configurations (stored and validated; minik does not call webhooks) and
// ValidatingAdmissionPolicies with their bindings (whose CEL must compile).
import { compile } from '../cel.js';
import type {
  MatchResources,
  MutatingWebhookConfiguration,
  RuleWithOperations,
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
  ValidatingWebhookConfiguration,
  Webhook,
} from '../types.js';
import { type FieldError, Path } from './field-errors.js';

const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];

function validateRule(rule: RuleWithOperations, p: Path, errs: FieldError[]): void {
  if (!rule.operations?.length) errs.push(p.child('operations').required());
  (rule.operations ?? []).forEach((op, i) => {
    if (!OPERATIONS.includes(op)) errs.push(p.child('operations').index(i).notSupported(op, OPERATIONS));
  });
  if (!rule.apiGroups?.length) errs.push(p.child('apiGroups').required());
  if (!rule.apiVersions?.length) errs.push(p.child('apiVersions').required());
  if (!rule.resources?.length) errs.push(p.child('resources').required());
  if (rule.scope !== undefined && !SCOPES.includes(rule.scope)) errs.push(p.child('scope').notSupported(rule.scope, SCOPES));
}

function validateWebhook(w: Webhook, p: Path, errs: FieldError[], mutating: boolean): void {
  if (!w.name) errs.push(p.child('name').required());
  else if (w.name.split('.').length < 3) errs.push(p.child('name').invalid(w.name, 'should be a domain with at least three segments separated by dots'));
  const cc = w.clientConfig ?? {};
  const cp = p.child('clientConfig');
  if (!!cc.url === !!cc.service) errs.push(cp.required('exactly one of url or service is required'));
  if (cc.url) {
    let url: URL | undefined;
    try {
      url = new URL(cc.url);
    } catch {
      errs.push(cp.child('url').invalid(cc.url, 'host must be specified'));
    }
    if (url && url.protocol !== 'https:') errs.push(cp.child('url').invalid(cc.url, "'https' is the only allowed URL scheme"));
  }
  if (cc.service) {
    if (!cc.service.name) errs.push(cp.child('service').child('name').required('service name is required'));
    if (!cc.service.namespace) errs.push(cp.child('service').child('namespace').required('service namespace is required'));
    if (cc.service.port !== undefined && (cc.service.port < 1 || cc.service.port > 65535)) errs.push(cp.child('service').child('port').invalid(cc.service.port, 'port is not valid: must be between 1 and 65535, inclusive'));
  }
  (w.rules ?? []).forEach((r, i) => validateRule(r, p.child('rules').index(i), errs));
  if (w.failurePolicy !== undefined && !['Fail', 'Ignore'].includes(w.failurePolicy)) errs.push(p.child('failurePolicy').notSupported(w.failurePolicy, ['Fail', 'Ignore']));
  if (w.matchPolicy !== undefined && !['Equivalent', 'Exact'].includes(w.matchPolicy)) errs.push(p.child('matchPolicy').notSupported(w.matchPolicy, ['Equivalent', 'Exact']));
  if (!w.sideEffects) errs.push(p.child('sideEffects').required('must specify one of None, NoneOnDryRun'));
  else if (!['None', 'NoneOnDryRun'].includes(w.sideEffects)) errs.push(p.child('sideEffects').notSupported(w.sideEffects, ['None', 'NoneOnDryRun']));
  if (!w.admissionReviewVersions?.length) errs.push(p.child('admissionReviewVersions').required('must specify one of v1, v1beta1'));
  else if (!w.admissionReviewVersions.some((v) => v === 'v1' || v === 'v1beta1'))
    errs.push(p.child('admissionReviewVersions').invalid(w.admissionReviewVersions, 'must include at least one of v1, v1beta1'));
  if (w.timeoutSeconds !== undefined && (w.timeoutSeconds < 1 || w.timeoutSeconds > 30)) errs.push(p.child('timeoutSeconds').invalid(w.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'));
  if (mutating && w.reinvocationPolicy !== undefined && !['IfNeeded', 'Never'].includes(w.reinvocationPolicy))
    errs.push(p.child('reinvocationPolicy').notSupported(w.reinvocationPolicy, ['IfNeeded', 'Never']));
  (w.matchConditions ?? []).forEach((c, i) => checkExpression(c.expression, p.child('matchConditions').index(i).child('expression'), errs));
}

function validateWebhooks(webhooks: Webhook[] | undefined, errs: FieldError[], mutating: boolean): FieldError[] {
  const seen = new Set<string>();
  (webhooks ?? []).forEach((w, i) => {
    const p = new Path('webhooks').index(i);
    validateWebhook(w ?? ({} as Webhook), p, errs, mutating);
    if (w?.name && seen.has(w.name)) errs.push(p.child('name').duplicate(w.name));
    if (w?.name) seen.add(w.name);
  });
  return errs;
}

export const validateValidatingWebhookConfiguration = (o: ValidatingWebhookConfiguration): FieldError[] => validateWebhooks(o.webhooks, [], false);
export const validateMutatingWebhookConfiguration = (o: MutatingWebhookConfiguration): FieldError[] => validateWebhooks(o.webhooks, [], true);

/** A CEL expression that must compile. */
function checkExpression(expression: string | undefined, p: Path, errs: FieldError[]): void {
  if (!expression) {
    errs.push(p.required());
    return;
  }
  const c = compile(expression);
  if (!c.ok) errs.push(p.invalid(expression, `compilation failed: ${c.error}`));
}

function validateMatch(m: MatchResources | undefined, p: Path, errs: FieldError[], required: boolean): void {
  if (!m) {
    if (required) errs.push(p.required());
    return;
  }
  if (required && !m.resourceRules?.length) errs.push(p.child('resourceRules').required());
  (m.resourceRules ?? []).forEach((r, i) => validateRule(r, p.child('resourceRules').index(i), errs));
  (m.excludeResourceRules ?? []).forEach((r, i) => validateRule(r, p.child('excludeResourceRules').index(i), errs));
  if (m.matchPolicy !== undefined && !['Equivalent', 'Exact'].includes(m.matchPolicy)) errs.push(p.child('matchPolicy').notSupported(m.matchPolicy, ['Equivalent', 'Exact']));
}

export function validateValidatingAdmissionPolicy(o: ValidatingAdmissionPolicy): FieldError[] {
  const errs: FieldError[] = [];
  const spec = o.spec ?? {};
  const p = new Path('spec');
  if (!spec.validations?.length && !spec.auditAnnotations?.length) errs.push(p.child('validations').required('validations or auditAnnotations must contain at least one item'));
  validateMatch(spec.matchConstraints, p.child('matchConstraints'), errs, true);
  if (spec.failurePolicy !== undefined && !['Fail', 'Ignore'].includes(spec.failurePolicy)) errs.push(p.child('failurePolicy').notSupported(spec.failurePolicy, ['Fail', 'Ignore']));
  if (spec.paramKind && (!spec.paramKind.apiVersion || !spec.paramKind.kind)) errs.push(p.child('paramKind').child(spec.paramKind.kind ? 'apiVersion' : 'kind').required());
  (spec.variables ?? []).forEach((v, i) => {
    if (!v.name) errs.push(p.child('variables').index(i).child('name').required());
    checkExpression(v.expression, p.child('variables').index(i).child('expression'), errs);
  });
  (spec.matchConditions ?? []).forEach((c, i) => checkExpression(c.expression, p.child('matchConditions').index(i).child('expression'), errs));
  (spec.validations ?? []).forEach((v, i) => {
    checkExpression(v.expression, p.child('validations').index(i).child('expression'), errs);
    if (v.messageExpression !== undefined) checkExpression(v.messageExpression, p.child('validations').index(i).child('messageExpression'), errs);
  });
  (spec.auditAnnotations ?? []).forEach((a, i) => checkExpression(a.valueExpression, p.child('auditAnnotations').index(i).child('valueExpression'), errs));
  return errs;
}

const ACTIONS = ['Audit', 'Deny', 'Warn'];

export function validateValidatingAdmissionPolicyBinding(o: ValidatingAdmissionPolicyBinding): FieldError[] {
  const errs: FieldError[] = [];
  const spec = o.spec ?? {};
  const p = new Path('spec');
  if (!spec.policyName) errs.push(p.child('policyName').required());
  const actions = spec.validationActions ?? [];
  if (actions.length === 0) errs.push(p.child('validationActions').required('at least one validation action is required'));
  actions.forEach((a, i) => {
    if (!ACTIONS.includes(a)) errs.push(p.child('validationActions').index(i).notSupported(a, ACTIONS));
  });
  if (new Set(actions).size !== actions.length) errs.push(p.child('validationActions').invalid(actions, 'must not contain duplicates'));
  if (actions.includes('Deny') && actions.includes('Warn'))
    errs.push(p.child('validationActions').invalid(actions, 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'));
  validateMatch(spec.matchResources, p.child('matchResources'), errs, false);
  const ref = spec.paramRef;
  if (ref) {
    if (ref.name && ref.selector) errs.push(p.child('paramRef').child('name').forbidden('name and selector are mutually exclusive'));
    if (!ref.name && !ref.selector) errs.push(p.child('paramRef').required('one of name or selector must be specified'));
    if (!ref.parameterNotFoundAction) errs.push(p.child('paramRef').child('parameterNotFoundAction').required());
    else if (!['Allow', 'Deny'].includes(ref.parameterNotFoundAction)) errs.push(p.child('paramRef').child('parameterNotFoundAction').notSupported(ref.parameterNotFoundAction, ['Allow', 'Deny']));
  }
  return errs;
}
