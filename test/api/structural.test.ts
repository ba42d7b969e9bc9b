// Structural schemas applied to custom objects (pruning, defaulting, validation with Kubernetes'
// messages, CEL rules), CRD validation, the naming rule and printer columns: table-driven.
import { describe, expect, it } from 'vitest';
import { crdResources, customColumns, customResources, namesVerdicts } from '../../src/api/custom-resources.js';
import { applySchemaDefaults, prune, validateSchema } from '../../src/api/structural.js';
import type { CustomResourceDefinition, JSONSchemaProps } from '../../src/api/types.js';
import { formatFieldError } from '../../src/api/validation/field-errors.js';
import { validateCRD, validateCRDUpdate } from '../../src/api/validation/crd.js';
import { versionPriority } from '../../src/api/resources.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['image'],
      properties: {
        image: { type: 'string', minLength: 1, maxLength: 20 },
        cronSpec: { type: 'string', pattern: '^(\\d+|\\*)( (\\d+|\\*)){4}$' },
        replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
        ratio: { type: 'number', exclusiveMaximum: true, maximum: 1 },
        mode: { type: 'string', enum: ['fast', 'slow'], default: 'fast' },
        port: { 'x-kubernetes-int-or-string': true },
        created: { type: 'string', format: 'date-time' },
        tags: { type: 'array', maxItems: 2, items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer', default: 80 } } },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        note: { type: 'string', nullable: true },
      },
    },
  },
};

const errorsOf = (spec: Record<string, unknown>) => validateSchema(schema, { apiVersion: 'x.io/v1', kind: 'X', metadata: { name: 'a' }, spec }).map(formatFieldError);

describe('structural schema validation', () => {
  it.each([
    [{ image: 'nginx' }, []],
    [{}, ['spec.image: Required value']],
    [{ image: 3 }, ['spec.image: Invalid value: "integer": spec.image in body must be of type string: "integer"']],
    [{ image: '' }, ['spec.image: Invalid value: "": spec.image in body should be at least 1 chars long']],
    [{ image: 'x'.repeat(21) }, ['spec.image: Too long: may not be more than 20 bytes']],
    [{ image: 'a', cronSpec: 'nope' }, ['spec.cronSpec: Invalid value: "nope": spec.cronSpec in body should match \'^(\\d+|\\*)( (\\d+|\\*)){4}$\'']],
    [{ image: 'a', replicas: 0 }, ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1']],
    [{ image: 'a', replicas: 11 }, ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10']],
    [{ image: 'a', replicas: 1.5 }, ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"']],
    [{ image: 'a', ratio: 1 }, ['spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1']],
    [{ image: 'a', mode: 'medium' }, ['spec.mode: Unsupported value: "medium": supported values: "fast", "slow"']],
    [{ image: 'a', port: 8080 }, []],
    [{ image: 'a', port: 'http' }, []],
    [{ image: 'a', port: true }, ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"']],
    [{ image: 'a', created: 'yesterday' }, ['spec.created: Invalid value: "yesterday": spec.created in body must be of type date-time: "yesterday"']],
    [{ image: 'a', tags: ['x', 'y', 'z'] }, ['spec.tags: Too many: 3: must have at most 2 items']],
    [{ image: 'a', tags: ['x', 'x'] }, ['spec.tags[1]: Duplicate value: "x"']],
    [{ image: 'a', ports: [{ name: 'web' }, { name: 'web', port: 1 }] }, ['spec.ports[1]: Duplicate value: map[string]interface {}{"name":"web"}']],
    [{ image: 'a', labels: { a: 1 } }, ['spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"']],
    [{ image: 'a', note: null }, []],
    [{ image: null }, ['spec.image: Invalid value: "null": spec.image in body must be of type string: "null"']],
    [{ image: 'a', template: { metadata: {} } }, ['spec.template.kind: Required value: must not be empty', 'spec.template.apiVersion: Required value: must not be empty']],
  ] as [Record<string, unknown>, string[]][])('%j', (spec, want) => {
    expect(errorsOf(spec)).toEqual(want);
  });
});

describe('pruning and defaulting', () => {
  it('drops fields the schema does not know, keeps preserved and embedded ones, reports the paths', () => {
    const o = {
      apiVersion: 'x.io/v1',
      kind: 'X',
      metadata: { name: 'a', bogus: 1 },
      spec: { image: 'a', extra: 1, ports: [{ name: 'p', extra: 2 }], free: { anything: { deep: 1 } }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', oops: 1 }, spec: { x: 1 } } },
      status: { ready: true },
    };
    expect(prune(schema, o)).toEqual(['metadata.bogus', 'spec.extra', 'spec.ports[0].extra', 'spec.template.metadata.oops', 'status']);
    expect(o).toEqual({
      apiVersion: 'x.io/v1',
      kind: 'X',
      metadata: { name: 'a' },
      spec: { image: 'a', ports: [{ name: 'p' }], free: { anything: { deep: 1 } }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 1 } } },
    });
  });

  it('a node with type object and no properties keeps nothing; preserve-unknown-fields at the root keeps all', () => {
    const bare = { spec: { a: 1 } };
    expect(prune({ type: 'object', properties: { spec: { type: 'object' } } }, bare)).toEqual(['spec.a']);
    expect(prune({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, { spec: { a: 1 } })).toEqual([]);
  });

  it('sets defaults on absent fields at every depth, not on present ones', () => {
    const o = { spec: { image: 'a', replicas: 3, ports: [{ name: 'p' }, { name: 'q', port: 8 }] } };
    applySchemaDefaults(schema, o);
    expect(o.spec).toEqual({ image: 'a', replicas: 3, mode: 'fast', ports: [{ name: 'p', port: 80 }, { name: 'q', port: 8 }] });
  });
});

describe('CEL rules (x-kubernetes-validations)', () => {
  const rules: JSONSchemaProps = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        'x-kubernetes-validations': [
          { rule: 'self.min <= self.max', message: 'min must not exceed max' },
          { rule: "self.name.startsWith('app-')", messageExpression: "'name ' + self.name + ' must start with app-'", reason: 'FieldValueForbidden', fieldPath: '.name' },
          { rule: 'self.name == oldSelf.name', message: 'name is immutable' },
          { rule: 'self.ratio < 1.0' },
        ],
        properties: { min: { type: 'integer' }, max: { type: 'integer' }, name: { type: 'string' }, ratio: { type: 'number' } },
      },
    },
  };
  const check = (spec: object, old?: object) => validateSchema(rules, { spec }, old && { spec: old }).map(formatFieldError);

  it.each([
    [{ min: 1, max: 2, name: 'app-a', ratio: 0.5 }, undefined, []],
    [{ min: 3, max: 2, name: 'app-a', ratio: 0.5 }, undefined, ['spec: Invalid value: "object": min must not exceed max']],
    [{ min: 1, max: 2, name: 'web', ratio: 0.5 }, undefined, ['spec.name: Forbidden: name web must start with app-']],
    // A whole number in a `number` field is a double to CEL.
    [{ min: 1, max: 2, name: 'app-a', ratio: 1 }, undefined, ['spec: Invalid value: "object": failed rule: self.ratio < 1.0']],
    // Transition rules run on updates only.
    [{ min: 1, max: 2, name: 'app-b', ratio: 0 }, { min: 1, max: 2, name: 'app-a', ratio: 0 }, ['spec: Invalid value: "object": name is immutable']],
  ] as [object, object | undefined, string[]][])('%j (old %j)', (spec, old, want) => {
    expect(check(spec, old)).toEqual(want);
  });

  it("takes rules that use Kubernetes' CEL libraries (quantity, url, ip)", () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-validations': [
            { rule: "quantity(self.size).isGreaterThan(quantity('1Gi'))", message: 'size must exceed 1Gi' },
            { rule: "isURL(self.endpoint) && url(self.endpoint).getScheme() == 'https'", message: 'endpoint must be an https URL' },
            { rule: "cidr('10.0.0.0/8').containsIP(self.address)", message: 'address must be in 10.0.0.0/8' },
          ],
          properties: { size: { type: 'string' }, endpoint: { type: 'string' }, address: { type: 'string' } },
        },
      },
    };
    const checkLib = (spec: object) => validateSchema(schema, { spec }).map(formatFieldError);
    expect(checkLib({ size: '2Gi', endpoint: 'https://x.example', address: '10.1.2.3' })).toEqual([]);
    expect(checkLib({ size: '512Mi', endpoint: 'http://x.example', address: '192.168.0.1' })).toEqual([
      'spec: Invalid value: "object": size must exceed 1Gi',
      'spec: Invalid value: "object": endpoint must be an https URL',
      'spec: Invalid value: "object": address must be in 10.0.0.0/8',
    ]);
  });
});

const crd = (over: Partial<CustomResourceDefinition['spec']> = {}, name = 'crontabs.stable.example.com'): CustomResourceDefinition => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name, creationTimestamp: '2026-12-01T10:00:00Z' },
  spec: {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'] },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } } } }],
    ...over,
  },
});

describe('CustomResourceDefinition validation', () => {
  const v1 = crd().spec.versions[0];
  it.each([
    ['a valid CRD', crd(), []],
    ['a name that is not plural.group', { ...crd(), metadata: { name: 'crontab.example.com' } }, ['metadata.name: Invalid value: "crontab.example.com": must be spec.names.plural+"."+spec.group']],
    ['a group without a dot', crd({ group: 'example' }, 'crontabs.example'), ['spec.group: Invalid value: "example": should be a domain with at least one dot']],
    ['an unknown scope', crd({ scope: 'Global' }), ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']],
    ['no storage version', crd({ versions: [{ ...v1, storage: false }] }), [expect.stringMatching(/^spec\.versions: Invalid value: .*must have exactly one version marked as storage version$/)]],
    ['a version without a schema', crd({ versions: [{ name: 'v1', served: true, storage: true }] }), ['spec.versions[0].schema.openAPIV3Schema: Required value']],
    [
      'a field without a type',
      crd({ versions: [{ ...v1, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } } } }] }),
      ['spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields'],
    ],
    [
      'a map list without keys',
      crd({ versions: [{ ...v1, schema: { openAPIV3Schema: { type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object' } } } } } }] }),
      ['spec.versions[0].schema.openAPIV3Schema.properties[l].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map'],
    ],
    [
      'a rule that does not compile',
      crd({ versions: [{ ...v1, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a +' }] } } }] }),
      [expect.stringMatching(/^spec\.versions\[0\]\.schema\.openAPIV3Schema\.x-kubernetes-validations\[0\]\.rule: Invalid value: "self\.a \+": compilation failed: /)],
    ],
    [
      'a printer column of an unknown type',
      crd({ versions: [{ ...v1, additionalPrinterColumns: [{ name: 'X', type: 'float', jsonPath: '.spec.a' }] }] }),
      ['spec.versions[0].additionalPrinterColumns[0].type: Invalid value: "float": must be one of boolean,date,integer,number,string'],
    ],
    ['kind equal to listKind', crd({ names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTab' } }), ['spec.names.listKind: Invalid value: "CronTab": kind and listKind may not be the same']],
  ] as [string, CustomResourceDefinition, unknown[]][])('%s', (_what, c, want) => {
    expect(validateCRD(c).map(formatFieldError)).toEqual(want);
  });

  it('keeps group and plural, and once established scope and kind, as they were', () => {
    const old = { ...crd(), status: { conditions: [{ type: 'Established', status: 'True' as const }] } };
    expect(validateCRDUpdate(crd({ scope: 'Cluster' }), old).map(formatFieldError)).toEqual(['spec.scope: Invalid value: "Cluster": field is immutable']);
    expect(validateCRDUpdate(crd({ scope: 'Cluster' }), crd()).map(formatFieldError)).toEqual([]);
  });
});

describe('custom resources from CRDs', () => {
  it('accepts the first CRD to claim a name in a group, refuses later ones with the naming controller reasons', () => {
    const first = crd();
    const second = { ...crd({ names: { plural: 'crontabs2', singular: 'crontab2', kind: 'CronTab', listKind: 'CronTab2List', shortNames: ['ct'] } }, 'crontabs2.stable.example.com') };
    second.metadata.creationTimestamp = '2026-12-01T11:00:00Z';
    const v = namesVerdicts([second, first]);
    expect(v.get('crontabs.stable.example.com')).toEqual({ accepted: true, reason: 'NoConflicts', message: 'no conflicts found' });
    expect(v.get('crontabs2.stable.example.com')).toEqual({ accepted: false, reason: 'KindConflict', message: '"CronTab" is already in use' });
    expect(customResources([second, first]).map((r) => r.plural)).toEqual(['crontabs']);
  });

  it('serves each served version, the storage version first, sharing one store', () => {
    const two = crd({
      versions: [
        { name: 'v1beta1', served: true, storage: false, deprecated: true },
        { name: 'v1', served: true, storage: true },
        { name: 'v0', served: false, storage: false },
      ],
    });
    const rs = crdResources(two);
    expect(rs.map((r) => [r.version, r.custom?.storageVersion, r.custom?.deprecationWarning])).toEqual([
      ['v1', 'v1', undefined],
      ['v1beta1', 'v1', 'stable.example.com/v1beta1 CronTab is deprecated'],
    ]);
  });

  it('prints NAME and AGE by default, NAME and the printer columns otherwise (first JSONPath result)', () => {
    const now = Date.parse('2026-12-01T10:05:00Z');
    const o = { metadata: { name: 'a', creationTimestamp: '2026-12-01T10:00:00Z' }, spec: { n: 3.7, on: true, list: ['x', 'y'] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
    expect(customColumns(undefined).map((c) => [c.header, c.value(o, now)])).toEqual([
      ['NAME', 'a'],
      ['AGE', '5m'],
    ]);
    const cols = customColumns([
      { name: 'Count', type: 'integer', jsonPath: '.spec.n' },
      { name: 'On', type: 'boolean', jsonPath: '.spec.on' },
      { name: 'First', type: 'string', jsonPath: '.spec.list[*]' },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Missing', type: 'string', jsonPath: '.spec.none', priority: 1 },
    ]);
    expect(cols.map((c) => [c.header, c.value(o, now), !!c.wide])).toEqual([
      ['NAME', 'a', false],
      ['COUNT', 3, false],
      ['ON', 'true', false],
      ['FIRST', 'x', false],
      ['READY', 'True', false],
      ['MISSING', '<none>', true],
    ]);
  });

  it('orders versions as Kubernetes does: GA, beta, alpha, then others', () => {
    expect(['v1alpha1', 'foo', 'v2', 'v1beta2', 'v1', 'v1beta1', 'v10'].sort(versionPriority)).toEqual(['v10', 'v2', 'v1', 'v1beta2', 'v1beta1', 'v1alpha1', 'foo']);
  });
});
