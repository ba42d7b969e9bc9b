import { describe, expect, it } from 'vitest';
import { applyDefaults, defaultPullPolicy } from '../../src/api/defaults.js';

describe('defaults', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['registry:5000/app', 'Always'],
    ['registry:5000/app:v1', 'IfNotPresent'],
    ['nginx@sha256:abc', 'IfNotPresent'],
  ])('imagePullPolicy of %s is %s', (image, policy) => expect(defaultPullPolicy(image)).toBe(policy));

  it('fills Deployment defaults as Kubernetes does', () => {
    const d: any = { metadata: {}, spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 'x:1', ports: [{ containerPort: 80 }] }] } } } };
    applyDefaults('Deployment', d);
    expect(d.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
    const pod = d.spec.template.spec;
    expect(pod).toMatchObject({ restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler' });
    expect(pod.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', ports: [{ containerPort: 80, protocol: 'TCP' }] });
  });

  it('defaults StatefulSet claim templates as PersistentVolumeClaims (kind, volumeMode, phase Pending)', () => {
    const s: any = { metadata: {}, spec: { selector: {}, template: { spec: { containers: [] } }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }] } };
    applyDefaults('StatefulSet', s);
    expect(s.spec.volumeClaimTemplates[0]).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
  });

  it('adds the default not-ready/unreachable tolerations to pods (DefaultTolerationSeconds)', () => {
    const p: any = { metadata: {}, spec: { containers: [{ name: 'a', image: 'x' }] } };
    applyDefaults('Pod', p);
    expect(p.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('defaults a Service port targetPort to the port and protocol to TCP', () => {
    const s: any = { metadata: {}, spec: { ports: [{ port: 80 }] } };
    applyDefaults('Service', s);
    expect(s.spec.ports[0]).toEqual({ port: 80, targetPort: 80, protocol: 'TCP' });
    expect(s.spec.type).toBe('ClusterIP');
  });

  it('defaults a ReplicationController selector and labels from its template', () => {
    const rc: any = { metadata: {}, spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [] } } } };
    applyDefaults('ReplicationController', rc);
    expect(rc.spec.selector).toEqual({ app: 'x' });
    expect(rc.metadata.labels).toEqual({ app: 'x' });
  });
});
