// TaintToleration: NoSchedule/NoExecute taints filter; PreferNoSchedule taints score.
import { describe, expect, it } from 'vitest';
import { taintToleration, taintTolerationScore } from '../../../src/scheduler/plugins/taint-toleration.js';
import { pod, scoresOf, snapshot, verdicts } from '../fixtures.js';

const gpu = { key: 'gpu', value: 'true', effect: 'NoSchedule' };
const soft = { key: 'spot', value: 'yes', effect: 'PreferNoSchedule' };
const nodes = [{ name: 'plain' }, { name: 'gpu', taints: [gpu] }, { name: 'spot', taints: [soft] }, { name: 'evicting', taints: [{ key: 'maint', effect: 'NoExecute' }] }];

describe('TaintToleration filter', () => {
  it.each([
    ['untolerated taints repel; PreferNoSchedule does not', pod(), { plain: 'ok', gpu: 'node(s) had untolerated taint {gpu: true}', spot: 'ok', evicting: 'node(s) had untolerated taint {maint: }' }],
    ['Equal on key and value', pod({}, { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }] }), { plain: 'ok', gpu: 'ok', spot: 'ok', evicting: 'node(s) had untolerated taint {maint: }' }],
    ['a different value does not tolerate', pod({}, { tolerations: [{ key: 'gpu', operator: 'Equal', value: 'false' }] }), { plain: 'ok', gpu: 'node(s) had untolerated taint {gpu: true}', spot: 'ok', evicting: 'node(s) had untolerated taint {maint: }' }],
    ['Exists without a key tolerates everything', pod({}, { tolerations: [{ operator: 'Exists' }] }), { plain: 'ok', gpu: 'ok', spot: 'ok', evicting: 'ok' }],
  ])('%s', (_name, p, expected) => {
    expect(verdicts(taintToleration, p, snapshot(nodes))).toEqual(expected);
  });
});

describe('TaintToleration score', () => {
  it('nodes with untolerated PreferNoSchedule taints rank lowest', () => {
    expect(scoresOf(taintTolerationScore, pod(), snapshot(nodes))).toEqual({ plain: 100, gpu: 100, spot: 0, evicting: 100 });
    expect(scoresOf(taintTolerationScore, pod({}, { tolerations: [{ key: 'spot', operator: 'Exists', effect: 'PreferNoSchedule' }] }), snapshot(nodes))).toEqual({ plain: 100, gpu: 100, spot: 100, evicting: 100 });
  });

  it('is skipped when no node has a PreferNoSchedule taint', () => {
    expect(scoresOf(taintTolerationScore, pod(), snapshot([{ name: 'plain' }]))).toBe('skip');
  });
});
