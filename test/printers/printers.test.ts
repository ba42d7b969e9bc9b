import { describe, expect, it } from 'vitest';
import { podColumns, podSummary } from '../../src/api/columns/pod.js';
import { printCustomColumns } from '../../src/printers/custom-columns.js';
import { JsonPathExecError, renderJsonPath } from '../../src/api/jsonpath.js';
import { toJson } from '../../src/printers/json.js';
import { printTable } from '../../src/printers/table.js';
import { describeLayout, tabulate } from '../../src/printers/tabwriter.js';
import { toYaml } from '../../src/printers/yaml.js';
import { describeObject, smartLabel } from '../../src/printers/describe/kinds.js';

const now = Date.parse('2026-11-23T10:00:00Z');

describe('tabwriter (kubectl layout)', () => {
  it('pads columns to the widest cell plus 3, at least 6, and leaves the last column alone', () => {
    expect(tabulate([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['nginx', '1/1', 'Running', '0', '5m'],
    ])).toBe('NAME    READY   STATUS    RESTARTS   AGE\nnginx   1/1     Running   0          5m\n');
    expect(tabulate([['A', 'B'], ['x', 'y']])).toBe('A     B\nx     y\n');
  });
  it('aligns describe blocks separately (Go tabwriter semantics)', () => {
    expect(describeLayout('Name:\tweb\nService Account:\tdefault\nContainers:\n  c:\n    Image:\tnginx\n')).toBe(
      'Name:             web\nService Account:  default\nContainers:\n  c:\n    Image:  nginx\n',
    );
  });
});

describe('pod STATUS, READY and RESTARTS (kubectl printPod)', () => {
  const pod = (status: any, extra: any = {}) => ({ metadata: { name: 'p', creationTimestamp: '2026-11-23T09:55:00Z', ...extra }, spec: { containers: [{ name: 'a' }, { name: 'b' }], initContainers: extra.init }, status });
  it.each([
    ['Pending', pod({ phase: 'Pending' }), { ready: '0/2', status: 'Pending', restarts: '0' }],
    [
      'Running, one ready',
      pod({ phase: 'Running', containerStatuses: [{ name: 'a', ready: true, restartCount: 0, state: { running: {} } }, { name: 'b', ready: false, restartCount: 0, state: { running: {} } }] }),
      { ready: '1/2', status: 'Running', restarts: '0' },
    ],
    [
      'CrashLoopBackOff with restarts',
      pod({ phase: 'Running', containerStatuses: [{ name: 'a', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2026-11-23T09:58:00Z' } } }] }),
      { ready: '0/2', status: 'CrashLoopBackOff', restarts: '3 (2m ago)' },
    ],
    ['terminating', pod({ phase: 'Running' }, { deletionTimestamp: '2026-11-23T10:00:30Z' }), { ready: '0/2', status: 'Terminating', restarts: '0' }],
    ['a signal kill without reason', pod({ phase: 'Failed', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }] }), { ready: '0/2', status: 'Signal:9', restarts: '0' }],
    [
      'initialising',
      pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } }, { name: 'i2', ready: false, restartCount: 0, state: { running: {} } }] }, { init: [{ name: 'i1' }, { name: 'i2' }] }),
      { ready: '0/2', status: 'Init:1/2', restarts: '0' },
    ],
  ])('%s', (_n, p, expected) => {
    expect(podSummary(p as any, now)).toEqual(expected);
  });

  it('prints the wide columns with <none> for what is unset', () => {
    const out = printTable(podColumns, [pod({ phase: 'Pending' }) as any], { wide: true, now });
    expect(out).toBe('NAME   READY   STATUS    RESTARTS   AGE   IP       NODE     NOMINATED NODE   READINESS GATES\np      0/2     Pending   0          5m    <none>   <none>   <none>           <none>\n');
  });

  it('adds NAMESPACE, kind prefixes, labels and label columns', () => {
    const p = { ...pod({ phase: 'Pending' }), metadata: { name: 'p', namespace: 'ns1', creationTimestamp: '2026-11-23T09:59:00Z', labels: { app: 'web', tier: 'fe' } } };
    const out = printTable(podColumns, [p as any], { withNamespace: true, kindPrefix: 'pod', showLabels: true, labelColumns: ['app'], now });
    expect(out.split('\n')[0]).toBe('NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE   APP   LABELS');
    expect(out.split('\n')[1]).toBe('ns1         pod/p   0/2     Pending   0          60s   web   app=web,tier=fe');
  });
});

describe('output formats', () => {
  const list = { items: [{ metadata: { name: 'a', labels: { x: '1' } }, spec: { containers: [{ image: 'i1' }, { image: 'i2' }] } }, { metadata: { name: 'b' }, spec: { containers: [{ image: 'i3' }] } }] };
  it.each([
    ['{.items[*].metadata.name}', 'a b'],
    ['{.items[0].spec.containers[*].image}', 'i1 i2'],
    ['{range .items[*]}{.metadata.name}{"\\n"}{end}', 'a\nb\n'],
    ['{.items[?(@.metadata.name=="b")].spec.containers[0].image}', 'i3'],
    ['{.items[0].metadata.labels}', '{"x":"1"}'],
    ['{..image}', 'i1 i2 i3'],
    ['{.items[-1:].metadata.name}', 'b'],
    ['name={.items[1].metadata.name}', 'name=b'],
    ['{.items[0].metadata.labels.x}', '1'],
    ['{.items[-2].metadata.name}', 'a'],
    ['{.items[2:2]}', ''],
    ['{.items[0:2].metadata.name}', 'a b'],
  ])('jsonpath %s', (tpl, expected) => expect(renderJsonPath(tpl, list)).toBe(expected));

  // client-go's evalArray: kubectl -o jsonpath errors (exit 1) instead of printing nothing.
  it.each([
    ['{.items[9]}', 'array index out of bounds: index 9, length 2'],
    ['{.items[-3]}', 'array index out of bounds: index -1, length 2'],
    ['{.items[0:5]}', 'array index out of bounds: index 4, length 2'],
    ['{.items[*].spec.containers[1].image}', 'array index out of bounds: index 1, length 1'],
  ])('jsonpath %s out of range', (tpl, message) => expect(() => renderJsonPath(tpl, list)).toThrow(new JsonPathExecError(message)));

  it('-o json as Go writes a map: keys sorted by bytes, HTML-safe escapes, 4-space indent', () => {
    const o = { metadata: { name: 'a', labels: { b: '1', a: '2' } }, data: { '9': 'x', '10': 'y', cmd: 'a && b <c>' }, spec: { list: [], map: {}, n: 1.5, t: true, z: null } };
    expect(toJson(o)).toBe(
      '{\n    "data": {\n        "10": "y",\n        "9": "x",\n        "cmd": "a \\u0026\\u0026 b \\u003cc\\u003e"\n    },\n    "metadata": {\n        "labels": {\n            "a": "2",\n            "b": "1"\n        },\n        "name": "a"\n    },\n' +
        '    "spec": {\n        "list": [],\n        "map": {},\n        "n": 1.5,\n        "t": true,\n        "z": null\n    }\n}\n',
    );
    expect(toJson({ b: 1, a: [{ y: 1, x: 2 }] }, { sorted: false })).toBe(JSON.stringify({ b: 1, a: [{ y: 1, x: 2 }] }, null, 4) + '\n');
  });

  it('escaped dots in field names', () => {
    expect(renderJsonPath('{.metadata.annotations.deployment\\.kubernetes\\.io/revision}', { metadata: { annotations: { 'deployment.kubernetes.io/revision': '3' } } })).toBe('3');
  });

  it('custom-columns', () => {
    expect(printCustomColumns('NAME:.metadata.name,IMAGES:.spec.containers[*].image,X:.metadata.labels.x', list.items as any, false)).toBe('NAME   IMAGES   X\na      i1,i2    1\nb      i3       <none>\n');
  });

  it('yaml: sorted keys, sequences not indented, YAML 1.1 quoting, literal blocks for multi-line strings', () => {
    expect(toYaml({ metadata: { name: 'x', creationTimestamp: '2026-01-01T00:00:00Z', annotations: { a: '{"k":1}\n', y: 'yes' } }, apiVersion: 'v1', kind: 'ConfigMap', spec: { args: ['on', '1'] } })).toBe(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    a: |\n      {"k":1}\n    "y": "yes"\n  creationTimestamp: "2026-01-01T00:00:00Z"\n  name: x\nspec:\n  args:\n  - "on"\n  - "1"\n',
    );
  });

  // What kubectl 1.32 (Go's yaml.v2) prints for each string, compared with it in a session.
  it.each([
    ['1', '"1"'],
    ['true', '"true"'],
    ['yes', '"yes"'],
    ['', '""'],
    ['~', '"~"'],
    ['null', '"null"'],
    ['1.5', '"1.5"'],
    ['0x10', '"0x10"'],
    ['12:30', '"12:30"'],
    ['2026-01-01', '"2026-01-01"'],
    ['tab\there', '"tab\\there"'],
    ['*/5 * * * *', "'*/5 * * * *'"],
    ['***', "'***'"],
    ['@x', "'@x'"],
    ['a: b', "'a: b'"],
    ['- x', "'- x'"],
    ['x #y', "'x #y'"],
    ['{a}', "'{a}'"],
    [' lead', "' lead'"],
    ['trail ', "'trail '"],
    ['%x', "'%x'"],
    ["'q'", "'''q'''"],
    ["it's", "it's"],
    ['plain text', 'plain text'],
  ])('yaml quotes %j as %s', (value, printed) => {
    expect(toYaml({ v: value })).toBe(`v: ${printed}\n`);
  });
});

describe("kubectl's generic describer (custom objects)", () => {
  it.each([
    ['apiVersion', 'API Version'],
    ['cronSpec', 'Cron Spec'],
    ['uid', 'UID'],
    ['creationTimestamp', 'Creation Timestamp'],
    ['podIPs', 'Pod I Ps'],
    ['baseURL', 'Base URL'],
    ['x509', 'x509'],
    ['dotted.key', 'dotted.key'],
  ])('labels %s as %s', (field, label) => {
    expect(smartLabel(field)).toBe(label);
  });

  it('prints every field, keys sorted, metadata but for name, namespace, labels, annotations and managed fields', () => {
    const out = describeObject(
      {
        apiVersion: 'stable.example.com/v1',
        kind: 'CronTab',
        metadata: { name: 'a', namespace: 'default', uid: 'u-1', generation: 2, labels: { x: 'y' }, managedFields: [{}] },
        spec: { image: 'i', cronSpec: '* * * * *', tags: ['a', 'b'], ports: [{ name: 'web', port: 80 }] },
      },
      { now: Date.parse('2026-12-01T10:00:00Z'), events: [] },
    );
    expect(out).toBe(
      [
        'Name:         a',
        'Namespace:    default',
        'Labels:       x=y',
        'Annotations:  <none>',
        'API Version:  stable.example.com/v1',
        'Kind:         CronTab',
        'Metadata:',
        '  Generation:  2',
        '  UID:         u-1',
        'Spec:',
        '  Cron Spec:  * * * * *',
        '  Image:      i',
        '  Ports:',
        '    Name:  web',
        '    Port:  80',
        '  Tags:',
        '    a',
        '    b',
        // The tag lines have no tab: they end the tabwriter's column block, so Events is laid out alone.
        'Events:  <none>',
        '',
      ].join('\n'),
    );
  });
});

describe('-o yaml folds long scalars as Go yaml.v2 does', () => {
  const description =
    'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';
  it('breaks at the first space past column 80, indenting the rest two past the key (kubectl get cm kube-root-ca.crt -o yaml)', () => {
    const y = toYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', annotations: { 'kubernetes.io/description': description } } });
    expect(y).toContain(
      '    kubernetes.io/description: Contains a CA bundle that can be used to verify the\n      kube-apiserver when using internal endpoints such as the internal service IP\n      or kubernetes.default.svc. No other usage is guaranteed across distributions\n      of Kubernetes clusters.\n',
    );
    // Nested one level less (a watch event's object is one level deeper than a listed one).
    expect(toYaml({ object: { metadata: { annotations: { 'kubernetes.io/description': description } } } })).toContain(
      '      kubernetes.io/description: Contains a CA bundle that can be used to verify the\n        kube-apiserver when using internal endpoints such as the internal service\n        IP or kubernetes.default.svc. No other usage is guaranteed across distributions\n        of Kubernetes clusters.\n',
    );
  });

  it('folds list items and single-quoted strings; leaves literal blocks and short lines alone', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const x70 = 'x'.repeat(70);
    expect(toYaml({ args: [`${x70} aaaaaaaaaaaa bbb ccc`] })).toBe(`args:\n- ${x70} aaaaaaaaaaaa\n  bbb ccc\n`);
    expect(toYaml({ a: `*${words}` }).split('\n')[1]).toMatch(/^ {2}\S/);
    const block = toYaml({ script: `${words}\n${words}\n` });
    expect(block).toBe(`script: |\n  ${words}\n  ${words}\n`);
    expect(toYaml({ short: 'a b c' })).toBe('short: a b c\n');
  });
});
