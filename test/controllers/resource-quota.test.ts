// The resource quota controller and the ResourceQuota admission plugin together, on an in-memory
// cluster: a ReplicaSet stops at the quota (FailedCreate, as in Kubernetes), and status.used
// follows the objects, giving back what deleted ones used.
import { describe, expect, it } from 'vitest';
import { TestCluster } from '../cluster.js';

const deployment = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '250m', memory: '64Mi' } } }] } },
  },
});

describe('resource quotas', () => {
  it('stops a Deployment at the quota, records why, and keeps status.used counted', () => {
    const k = new TestCluster();
    k.create({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute' }, spec: { hard: { pods: '10', 'requests.cpu': '1' } } });
    k.create(deployment(6));
    k.run(5000);
    expect(k.list('pods')).toHaveLength(4);
    expect(k.get('resourcequotas', 'compute')?.status).toEqual({ hard: { pods: '10', 'requests.cpu': '1' }, used: { pods: '4', 'requests.cpu': '1' } });
    const failed = k.events('FailedCreate').map((e) => e.message);
    expect(failed[0]).toMatch(/^Error creating: pods "web-[a-z0-9]+-[a-z0-9]+" is forbidden: exceeded quota: compute, requested: requests.cpu=250m, used: requests.cpu=1, limited: requests.cpu=1$/);
    // Scaled down: the recount gives the usage back.
    k.patch('deployments', 'web', { spec: { replicas: 2 } });
    k.run(60_000);
    expect(k.list('pods')).toHaveLength(2);
    expect(k.get('resourcequotas', 'compute')?.status?.used).toEqual({ pods: '2', 'requests.cpu': '500m' });
  });
});
