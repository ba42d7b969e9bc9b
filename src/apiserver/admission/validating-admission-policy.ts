// ValidatingAdmissionPolicy (kube-apiserver's admission plugin, admissionregistration.k8s.io/v1):
// every binding whose policy matches the request (matchConstraints, then the binding's
// matchResources; namespace and object selectors, resource rules and exclusions) evaluates the
// policy's CEL: variables, matchConditions, then each validation with `object`, `oldObject`,
// `request`, `params` and `namespaceObject`. A failed validation is enforced by the binding's
// validationActions: Deny refuses the request with the apiserver's message, Warn answers a
// warning, Audit (no audit log here) does nothing. failurePolicy decides what an expression
// that errs does.
import type { CelInput } from '@bufbuild/cel';
import { compile, evaluate, failureMessage, toCel } from '../../api/cel.js';
import { type ResourceInfo, resourceNamed } from '../../api/resources.js';
import type { KubeObject, LabelSelector, MatchResources, NamedRuleWithOperations, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from '../../api/types.js';
import { fromLabelSelector, matches } from '../../api/labels.js';
import * as E from '../errors.js';
import type { AdmissionAttributes, ValidatingPlugin } from './plugin.js';

const policyR = resourceNamed('validatingadmissionpolicies');
const bindingR = resourceNamed('validatingadmissionpolicybindings');
const nsR = resourceNamed('namespaces');

/** A rule's list names the value, or `*`; an empty list names nothing. */
const hasAny = (list: string[] | undefined, value: string) => !!list?.length && (list.includes('*') || list.includes(value));

/** Whether a resource rule covers the request. */
function ruleMatches(rule: NamedRuleWithOperations, a: AdmissionAttributes): boolean {
  const r = a.r;
  if (!hasAny(rule.operations, a.operation)) return false;
  if (!hasAny(rule.apiGroups, r.group)) return false;
  if (!hasAny(rule.apiVersions, r.version)) return false;
  if (!hasAny(rule.resources, r.plural)) return false;
  const scope = rule.scope ?? '*';
  if (scope !== '*' && (scope === 'Namespaced') !== r.namespaced) return false;
  if (rule.resourceNames?.length && !rule.resourceNames.includes(a.name)) return false;
  return true;
}

/** A label selector over a label map (an absent selector matches everything). */
function selects(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  return !sel || matches(fromLabelSelector(sel), labels ?? {});
}

/** Whether match criteria (a policy's constraints or a binding's resources) cover the request. */
function covers(m: MatchResources | undefined, a: AdmissionAttributes, o: KubeObject, requireRules: boolean): boolean {
  if (!m) return !requireRules;
  if (m.resourceRules?.length || requireRules) {
    if (!(m.resourceRules ?? []).some((rule) => ruleMatches(rule, a))) return false;
  }
  if ((m.excludeResourceRules ?? []).some((rule) => ruleMatches(rule, a))) return false;
  if (!selects(m.objectSelector, o.metadata.labels) && !selects(m.objectSelector, a.old?.metadata.labels)) return false;
  if (m.namespaceSelector && a.r.namespaced) {
    // A namespaced object's namespace must match (a namespace itself is matched by its own labels).
    const ns = a.reg.find(nsR, '', a.namespace);
    if (!selects(m.namespaceSelector, ns?.metadata.labels)) return false;
  } else if (m.namespaceSelector && a.r.kind === 'Namespace' && !selects(m.namespaceSelector, o.metadata.labels)) return false;
  return true;
}

/** The request as CEL sees it (`request.operation`, `request.namespace`, ...). */
function requestOf(a: AdmissionAttributes): Record<string, unknown> {
  const r = a.r;
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  return {
    uid: '',
    kind: gvk,
    resource: { group: r.group, version: r.version, resource: r.plural },
    requestKind: gvk,
    requestResource: { group: r.group, version: r.version, resource: r.plural },
    name: a.name,
    namespace: a.r.namespaced ? a.namespace : '',
    operation: a.operation,
    userInfo: { username: 'minik-admin', groups: ['system:masters', 'system:authenticated'] },
    dryRun: !!a.dryRun,
  };
}

/** The parameter objects a binding gives its policy: [] for none found, undefined when the policy takes none. */
function paramsOf(a: AdmissionAttributes, policy: ValidatingAdmissionPolicy, binding: ValidatingAdmissionPolicyBinding): KubeObject[] | undefined {
  const kind = policy.spec?.paramKind;
  if (!kind) return undefined;
  const ref = binding.spec?.paramRef;
  const r: ResourceInfo | undefined = a.reg.resources.forKind(kind.apiVersion ?? '', kind.kind ?? '');
  if (!r || !ref) return [];
  const ns = r.namespaced ? (ref.namespace ?? a.namespace) : '';
  if (ref.name) {
    const one = a.reg.find(r, ns, ref.name);
    return one ? [one] : [];
  }
  const out: KubeObject[] = [];
  for (const o of a.reg.scan(r, r.namespaced ? ns : undefined)) if (selects(ref.selector, o.metadata.labels)) out.push(o);
  return out;
}

/** Refuses the request: 422 (reason Invalid, the default) or the validation's reason. */
function deny(a: AdmissionAttributes, message: string, reason: string | undefined): never {
  const r = a.r;
  const name = a.name;
  if (reason === 'Forbidden') throw E.forbidden(r, name, message);
  if (reason === 'RequestEntityTooLarge') throw E.tooLarge(message);
  throw E.policyInvalid(r, name, message);
}

/** Evaluates one binding of a policy for the request. */
function evaluateBinding(a: AdmissionAttributes, o: KubeObject, policy: ValidatingAdmissionPolicy, binding: ValidatingAdmissionPolicyBinding): void {
  const spec = policy.spec ?? {};
  const about = `ValidatingAdmissionPolicy '${policy.metadata.name ?? ''}' with binding '${binding.metadata.name ?? ''}'`;
  const actions = binding.spec?.validationActions ?? [];
  const failClosed = (spec.failurePolicy ?? 'Fail') === 'Fail';
  /** A failed validation, as the binding's actions enforce it: a warning, a refusal, or both. */
  const enforce = (why: string, reason?: string) => {
    if (actions.includes('Warn')) a.warnings?.push(`Validation failed for ${about}: ${why}`);
    if (actions.includes('Deny')) deny(a, `${about} denied request: ${why}`, reason);
  };
  /** An expression that erred: enforced as a failure under failurePolicy Fail, ignored under Ignore. */
  const failed = (why: string) => {
    if (failClosed) enforce(why);
  };
  const params = paramsOf(a, policy, binding);
  if (params !== undefined && params.length === 0) {
    if ((binding.spec?.paramRef?.parameterNotFoundAction ?? 'Deny') === 'Allow') return;
    if (failClosed) deny(a, `${about} denied request: failed to configure binding: no params found for policy binding with \`Deny\` parameterNotFoundAction`, 'Invalid');
    return;
  }
  // Several parameter objects (a selector): each is evaluated as if bound alone.
  for (const param of params ?? [undefined]) {
    const vars: Record<string, CelInput> = {
      object: toCel(o),
      oldObject: toCel(a.old ?? null),
      request: toCel(requestOf(a)),
      params: toCel(param ?? null),
      namespaceObject: toCel(a.r.namespaced ? (a.reg.find(nsR, '', a.namespace) ?? null) : null),
    };
    const variables = new Map<string, CelInput>();
    vars.variables = variables;
    for (const v of spec.variables ?? []) {
      const out = evaluate(compile(v.expression), vars);
      if (out.ok) variables.set(v.name, out.value as CelInput);
    }
    let matched = true;
    for (const c of spec.matchConditions ?? []) {
      const out = evaluate(compile(c.expression), vars);
      if (!out.ok) {
        failed(`failed to evaluate match condition '${c.name}': ${out.error}`);
        matched = false;
        break;
      }
      if (out.value !== true) {
        matched = false;
        break;
      }
    }
    if (!matched) continue;
    for (const v of spec.validations ?? []) {
      const out = evaluate(compile(v.expression), vars);
      if (!out.ok) {
        failed(`expression '${v.expression}' resulted in error: ${out.error}`);
        continue;
      }
      if (out.value === true) continue;
      enforce(failureMessage(v, vars, `failed expression: ${v.expression}`), v.reason);
    }
  }
}

export const validatingAdmissionPolicy: ValidatingPlugin = {
  name: 'ValidatingAdmissionPolicy',
  operations: ['CREATE', 'UPDATE'],
  validate(a, o) {
    // Most clusters have no bindings: one count, no scan.
    if (a.reg.count(bindingR) === 0) return;
    for (const binding of a.reg.scan(bindingR)) {
      const policy = a.reg.find(policyR, '', binding.spec?.policyName ?? '');
      if (!policy?.spec) continue;
      if (!covers(policy.spec.matchConstraints, a, o, true)) continue;
      if (!covers(binding.spec?.matchResources, a, o, false)) continue;
      evaluateBinding(a, o, policy, binding);
    }
  },
};
