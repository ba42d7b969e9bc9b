// kubectl's rollout status messages for DaemonSets and StatefulSets, state by state.
import { describe, expect, it } from 'vitest';
import { daemonSetStatus, statefulSetStatus } from '../../src/cli/commands/rollout.js';

const ds = (generation: number, status: object) => ({ metadata: { name: 'logs', generation }, spec: { updateStrategy: { type: 'RollingUpdate' } }, status });
const sts = (partition: number | undefined, status: object, replicas = 3) => ({
  metadata: { name: 'db', generation: 2 },
  spec: { replicas, updateStrategy: { type: 'RollingUpdate', ...(partition !== undefined ? { rollingUpdate: { partition } } : {}) } },
  status: { observedGeneration: 2, ...status },
});

describe('rollout status', () => {
  it.each([
    [ds(2, { observedGeneration: 1 }), 'Waiting for daemon set spec update to be observed...', false],
    [ds(2, { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 1 }), 'Waiting for daemon set "logs" rollout to finish: 1 out of 3 new pods have been updated...', false],
    [ds(2, { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 }), 'Waiting for daemon set "logs" rollout to finish: 2 of 3 updated pods are available...', false],
    [ds(2, { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }), 'daemon set "logs" successfully rolled out', true],
  ])('DaemonSet %#', (o, message, done) => {
    expect(daemonSetStatus(o as any)).toEqual({ message, done });
  });

  it.each([
    [sts(0, { readyReplicas: 1 }), 'Waiting for 2 pods to be ready...', false],
    [sts(1, { readyReplicas: 3, updatedReplicas: 1 }), 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...', false],
    [sts(0, { readyReplicas: 3, updatedReplicas: 3 }), 'partitioned roll out complete: 3 new pods have been updated...', true],
    [sts(undefined, { readyReplicas: 3, updatedReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-2' }), 'waiting for statefulset rolling update to complete 1 pods at revision db-2...', false],
    [sts(undefined, { readyReplicas: 3, currentReplicas: 3, currentRevision: 'db-2', updateRevision: 'db-2' }), 'statefulset rolling update complete 3 pods at revision db-2...', true],
  ])('StatefulSet %#', (o, message, done) => {
    expect(statefulSetStatus(o as any)).toEqual({ message, done });
  });
});
