import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../../src/api/defaults.js';
import { resolveResource } from '../../src/api/resources.js';
import { checkSchema } from '../../src/api/schema.js';
import { formatFieldError, validateCreate, validateUpdate } from '../../src/api/validation/index.js';
import { scheduleProblem } from '../../src/api/validation/workloads.js';

function errorsOf(kind: string, obj: any): string[] {
  const r = resolveResource(kind)[0];
  applyDefaults(r.kind, obj);
  return validateCreate(r, obj).map(formatFieldError);
}

const deployment = (over: any = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } }, ...over },
});

describe('validation', () => {
  it.each([
    ['a valid deployment', 'deployment', deployment(), []],
    [
      'a selector that does not match the template',
      'deployment',
      deployment({ selector: { matchLabels: { app: 'other' } } }),
      ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
    ],
    ['a missing selector', 'deployment', deployment({ selector: undefined }), ['spec.selector: Required value']],
    ['negative replicas', 'deployment', deployment({ replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    [
      'maxSurge and maxUnavailable both 0',
      'deployment',
      deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }),
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0'],
    ],
    [
      'a pod without containers',
      'pod',
      { metadata: { name: 'p' }, spec: { containers: [] } },
      ['spec.containers: Required value'],
    ],
    [
      'a container without image and a bad restart policy',
      'pod',
      { metadata: { name: 'p' }, spec: { restartPolicy: 'Sometimes', containers: [{ name: 'c' }] } },
      ['spec.containers[0].image: Required value', 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ],
    [
      'an upper-case name',
      'configmap',
      { metadata: { name: 'Bad_Name' } },
      [
        `metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ],
    ],
    ['a service name starting with a digit', 'service', { metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } }, [expect.stringContaining('metadata.name: Invalid value: "1web": a DNS-1035 label')]],
    ['a service without ports', 'service', { metadata: { name: 'web' }, spec: { selector: { app: 'x' } } }, ['spec.ports: Required value']],
    ['a headless service without ports', 'service', { metadata: { name: 'web' }, spec: { clusterIP: 'None' } }, []],
    ['a port out of range', 'service', { metadata: { name: 'web' }, spec: { ports: [{ port: 70000 }] } }, ['spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['a label value too long', 'configmap', { metadata: { name: 'c', labels: { a: 'x'.repeat(64) } } }, [expect.stringContaining('metadata.labels[a]: Invalid value: "' + 'x'.repeat(64) + '": must be no more than 63 characters')]],
    [
      'a job with restartPolicy Always',
      'job',
      { metadata: { name: 'j', uid: 'u1' }, spec: { template: { spec: { restartPolicy: 'Always', containers: [{ name: 'c', image: 'busybox' }] } } } },
      ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'],
    ],
    ['a cronjob with a bad schedule', 'cronjob', { metadata: { name: 'c' }, spec: { schedule: '61 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'b' }] } } } } } }, ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']],
    [
      'a statefulset mounting its claim template',
      'statefulset',
      {
        metadata: { name: 'db' },
        spec: {
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] } },
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }],
        },
      },
      [],
    ],
    ['a mount of an undeclared volume', 'pod', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'v', mountPath: '/v' }] }] } }, ['spec.containers[0].volumeMounts[0].name: Not found: "v"']],
  ])('%s', (_name, kind, obj, expected) => {
    expect(errorsOf(kind as string, obj)).toEqual(expected);
  });

  it('rejects a change of an immutable field', () => {
    const r = resolveResource('deploy')[0];
    const old = deployment();
    const next = deployment({ selector: { matchLabels: { app: 'web', v: '2' } }, template: { metadata: { labels: { app: 'web', v: '2' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } });
    applyDefaults('Deployment', old);
    applyDefaults('Deployment', next);
    expect(validateUpdate(r, next, old).map(formatFieldError)).toEqual(['spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable']);
  });

  it.each(['*/5 * * * *', '0 2 * * *', '@hourly', '@daily', '0 0 1 jan-mar mon-fri', '@every 1h30m', '5/15 * ? * *'])('%s is a valid schedule', (s) => expect(scheduleProblem(s)).toBeUndefined());
  it.each([
    ['* * * *', 'expected exactly 5 fields, found 4: * * * *'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['@sometimes', 'unrecognized descriptor: @sometimes'],
    ['* * * * * *', 'expected exactly 5 fields, found 6: * * * * * *'],
    ['CRON_TZ=UTC 0 * * * *', 'CRON_TZ or TZ used in schedule is not supported, please use the field timeZone instead'],
  ])('%s is not a valid schedule', (s, why) => expect(scheduleProblem(s)).toBe(why));
});

describe('schema (strict decoding)', () => {
  it('reports a wrong type with the Go decoder wording', () => {
    expect(checkSchema('Deployment', deployment({ replicas: 'three' })).typeError).toBe('json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  });
  it('reports unknown fields with their paths', () => {
    const d: any = deployment({ replica: 3 });
    d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    expect(checkSchema('Deployment', d).unknownFields.sort()).toEqual(['spec.replica', 'spec.template.spec.containers[0].imagePullPolicyy']);
  });
  // The parts the schema leaves open, and kinds it does not describe, are checked against the
  // wire-format table: the holes Kubernetes' strict decoding does not have.
  const podSpec = (spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } });
  it.each([
    ['Pod', 'v1', podSpec({ securityContext: { runAsUserr: 1000 } }), ['spec.securityContext.runAsUserr']],
    ['Pod', 'v1', podSpec({ containers: [{ name: 'c', image: 'i', securityContext: { allowPrivilegeEscalation: false, capabilitiesDrop: ['ALL'] } }] }), ['spec.containers[0].securityContext.capabilitiesDrop']],
    ['Pod', 'v1', podSpec({ affinity: { nodeAffinity: { requiredDuringScheduling: {} } } }), ['spec.affinity.nodeAffinity.requiredDuringScheduling']],
    ['Pod', 'v1', podSpec({ volumes: [{ name: 'v', projected: { sources: [{ configMap: { name: 'x', itemz: [] } }] } }] }), ['spec.volumes[0].projected.sources[0].configMap.itemz']],
    ['Role', 'rbac.authorization.k8s.io/v1', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], resourceName: ['a'], verbs: ['get'] }] }, ['rules[0].resourceName']],
    ['LimitRange', 'v1', { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', defaults: { cpu: '1' } }] } }, ['spec.limits[0].defaults']],
  ])('%s: reports an unknown field in a part described by the wire format (%#)', (kind, apiVersion, o, unknown) => {
    expect(checkSchema(kind, o, apiVersion)).toEqual({ unknownFields: unknown });
  });
  it('reports a list where an object belongs, as Go decoding does', () => {
    const o = podSpec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ nodeSelectorTerms: [] }] } } });
    expect(checkSchema('Pod', o, 'v1').typeError).toBe('json: cannot unmarshal array into Go struct field NodeAffinity.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution of type v1.NodeSelector');
  });
  it('accepts intOrString and quantities', () => {
    const d: any = deployment({ strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: '50%' } } });
    d.spec.template.spec.containers[0].resources = { limits: { cpu: 1, memory: '1Gi' } };
    expect(checkSchema('Deployment', d)).toEqual({ unknownFields: [] });
  });
});
