// ValidatingAdmissionPolicy and its bindings in process (CEL on creates and updates: Deny, Warn,
// selectors, parameters, match conditions, failure policy), and the validation of the admission
// configuration kinds (policies, bindings, webhook configurations).
import { describe, expect, it } from 'vitest';
import { resourceNamed } from '../../src/api/resources.js';
import type { KubeObject, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from '../../src/api/types.js';
import { TestCluster } from '../cluster.js';
import { refusal } from '../helpers.js';

const deployR = resourceNamed('deployments');
const cmR = resourceNamed('configmaps');

function policy(name: string, spec: Partial<NonNullable<ValidatingAdmissionPolicy['spec']>>): ValidatingAdmissionPolicy {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: { matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] }, ...spec },
  };
}

function binding(name: string, spec: NonNullable<ValidatingAdmissionPolicyBinding['spec']>): ValidatingAdmissionPolicyBinding {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec };
}

const deployment = (name: string, replicas: number, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

function cluster(...objects: KubeObject[]): TestCluster {
  const c = new TestCluster();
  for (const o of objects) c.create(o);
  return c;
}

describe('ValidatingAdmissionPolicy', () => {
  it('denies what fails a validation, with the apiserver message (422, no field)', () => {
    const c = cluster(policy('max-replicas', { validations: [{ expression: 'object.spec.replicas <= 5' }] }), binding('max-replicas-b', { policyName: 'max-replicas', validationActions: ['Deny'] }));
    expect(c.reg.create(deployR, 'default', deployment('ok', 5)).metadata.name).toBe('ok');
    expect(refusal(() => c.reg.create(deployR, 'default', deployment('big', 6)))).toEqual({
      code: 422,
      message: `deployments.apps "big" is invalid: : ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-b' denied request: failed expression: object.spec.replicas <= 5`,
    });
    // Updates too; other kinds are not matched.
    expect(refusal(() => c.reg.patch(deployR, 'default', 'ok', 'merge', { spec: { replicas: 9 } })).code).toBe(422);
    expect(c.reg.create(cmR, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toBeDefined();
  });

  it('uses message, messageExpression and reason; Warn answers a warning instead', () => {
    const c = cluster(
      policy('p', {
        validations: [
          { expression: "has(object.metadata.labels) && 'team' in object.metadata.labels", messageExpression: "'deployment ' + object.metadata.name + ' has no team label'", reason: 'Forbidden' },
        ],
      }),
      binding('deny', { policyName: 'p', validationActions: ['Deny'], matchResources: { objectSelector: { matchLabels: { enforce: 'yes' } } } }),
      binding('warn', { policyName: 'p', validationActions: ['Warn'] }),
    );
    expect(refusal(() => c.reg.create(deployR, 'default', deployment('a', 1, { enforce: 'yes' })))).toEqual({
      code: 403,
      message: `deployments.apps "a" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'deny' denied request: deployment a has no team label`,
    });
    const warnings: string[] = [];
    c.reg.create(deployR, 'default', deployment('b', 1), { warnings });
    expect(warnings).toEqual([`Validation failed for ValidatingAdmissionPolicy 'p' with binding 'warn': deployment b has no team label`]);
  });

  it('matches namespaces by their labels, and skips requests its match conditions exclude', () => {
    const c = cluster(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: { env: 'prod' } } },
      policy('p', { matchConditions: [{ name: 'not-canary', expression: "!object.metadata.name.startsWith('canary')" }], validations: [{ expression: 'object.spec.replicas >= 2', message: 'prod needs 2 replicas' }] }),
      binding('b', { policyName: 'p', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } } } }),
    );
    expect(refusal(() => c.reg.create(deployR, 'prod', deployment('web', 1))).message).toMatch(/denied request: prod needs 2 replicas$/);
    expect(c.reg.create(deployR, 'prod', deployment('canary-web', 1))).toBeDefined();
    expect(c.reg.create(deployR, 'default', deployment('web', 1))).toBeDefined();
  });

  it('reads parameters from the object its binding names, and denies without one unless told to allow', () => {
    const c = cluster(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace: 'default' }, data: { max: '3' } },
      policy('p', { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'object.spec.replicas <= int(params.data.max)' }] }),
      binding('b', { policyName: 'p', validationActions: ['Deny'], paramRef: { name: 'limits', namespace: 'default', parameterNotFoundAction: 'Deny' } }),
    );
    expect(c.reg.create(deployR, 'default', deployment('a', 3))).toBeDefined();
    expect(refusal(() => c.reg.create(deployR, 'default', deployment('b', 4))).code).toBe(422);
    c.reg.delete(cmR, 'default', 'limits');
    expect(refusal(() => c.reg.create(deployR, 'default', deployment('c', 1))).message).toContain('no params found for policy binding with `Deny` parameterNotFoundAction');
  });

  it('an expression that errs denies under failurePolicy Fail and is skipped under Ignore', () => {
    const fail = cluster(policy('p', { validations: [{ expression: 'object.spec.nope > 1' }] }), binding('b', { policyName: 'p', validationActions: ['Deny'] }));
    expect(refusal(() => fail.reg.create(deployR, 'default', deployment('a', 1))).message).toMatch(/denied request: expression 'object.spec.nope > 1' resulted in error: /);
    const ignore = cluster(policy('p', { failurePolicy: 'Ignore', validations: [{ expression: 'object.spec.nope > 1' }] }), binding('b', { policyName: 'p', validationActions: ['Deny'] }));
    expect(ignore.reg.create(deployR, 'default', deployment('a', 1))).toBeDefined();
  });
});

describe('admission configuration validation', () => {
  const c = new TestCluster();
  const create = (o: KubeObject) => refusal(() => c.create(o)).message;

  it.each([
    [policy('p', { validations: [] }), 'ValidatingAdmissionPolicy.admissionregistration.k8s.io "p" is invalid: spec.validations: Required value: validations or auditAnnotations must contain at least one item'],
    [policy('q', { validations: [{ expression: 'object.spec.replicas <=' }] }), /^ValidatingAdmissionPolicy\.admissionregistration\.k8s\.io "q" is invalid: spec\.validations\[0\]\.expression: Invalid value: "object\.spec\.replicas <=": compilation failed: /],
    [binding('b', { policyName: 'p', validationActions: [] }), 'ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io "b" is invalid: spec.validationActions: Required value: at least one validation action is required'],
    [
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'w' }, webhooks: [{ name: 'check', clientConfig: { url: 'http://x.example.com' }, rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }] }] },
      `ValidatingWebhookConfiguration.admissionregistration.k8s.io "w" is invalid: [webhooks[0].name: Invalid value: "check": should be a domain with at least three segments separated by dots, webhooks[0].clientConfig.url: Invalid value: "http://x.example.com": 'https' is the only allowed URL scheme, webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun, webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1]`,
    ],
  ] as [KubeObject, string | RegExp][])('refuses %#', (o, want) => {
    if (typeof want === 'string') expect(create(o)).toBe(want);
    else expect(create(o)).toMatch(want);
  });

  it('stores a valid webhook configuration with its defaults (webhooks are not called)', () => {
    const w = c.create({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'inject' },
      webhooks: [{ name: 'inject.example.com', clientConfig: { service: { namespace: 'default', name: 'injector' } }, sideEffects: 'None', admissionReviewVersions: ['v1'], rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }] }],
    });
    expect((w.webhooks as object[])[0]).toMatchObject({ failurePolicy: 'Fail', matchPolicy: 'Equivalent', timeoutSeconds: 10, reinvocationPolicy: 'Never', namespaceSelector: {}, objectSelector: {}, rules: [{ scope: '*' }] });
  });
});
