// NodeUnschedulable and the not-ready check: cordoned and not-ready nodes take no new pods
// unless the pod tolerates their taints.
import { describe, expect, it } from 'vitest';
import type { Node } from '../../../src/api/types.js';
import { Snapshot } from '../../../src/scheduler/framework.js';
import { REASON_NOT_READY, nodeReady } from '../../../src/scheduler/plugins/node-ready.js';
import { REASON_UNSCHEDULABLE, nodeUnschedulable } from '../../../src/scheduler/plugins/node-unschedulable.js';
import { node, pod, verdicts } from '../fixtures.js';

const snap = () => {
  const s = new Snapshot();
  s.addNode({ ...node({ name: 'cordoned' }), spec: { unschedulable: true } } as Node);
  const down = node({ name: 'down' });
  s.addNode({ ...down, status: { ...down.status, conditions: [{ type: 'Ready', status: 'False' }] } } as Node);
  s.addNode(node({ name: 'ok' }) as Node);
  return s;
};

describe('node state filters', () => {
  it.each([
    ['NodeUnschedulable', nodeUnschedulable, pod(), { cordoned: REASON_UNSCHEDULABLE, down: 'ok', ok: 'ok' }],
    ['NodeUnschedulable, tolerated', nodeUnschedulable, pod({}, { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }), { cordoned: 'ok', down: 'ok', ok: 'ok' }],
    ['not ready', nodeReady, pod(), { cordoned: 'ok', down: REASON_NOT_READY, ok: 'ok' }],
    ['not ready, tolerated', nodeReady, pod({}, { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] }), { cordoned: 'ok', down: 'ok', ok: 'ok' }],
  ] as const)('%s', (_name, plugin, p, expected) => {
    expect(verdicts(plugin, p, snap())).toEqual(expected);
  });
});
