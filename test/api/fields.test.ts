import { describe, expect, it } from 'vitest';
import { FieldSelectorError, fieldMatcher, parseFieldSelector } from '../../src/api/fields.js';

const pod = { metadata: { name: 'p1', namespace: 'default' }, spec: { nodeName: 'node-1' }, status: { phase: 'Running' } };

describe('field selectors', () => {
  it.each([
    ['metadata.name=p1', true],
    ['metadata.name!=p1', false],
    ['metadata.namespace=default,status.phase=Running', true],
    ['spec.nodeName=node-2', false],
    ['status.phase!=Pending', true],
    ['spec.nodeName==node-1', true],
  ])('%s on a pod is %s', (sel, expected) => {
    expect(fieldMatcher('Pod', parseFieldSelector(sel))(pod)).toBe(expected);
  });

  it('rejects fields the kind does not support, as the apiserver does', () => {
    expect(() => fieldMatcher('ConfigMap', parseFieldSelector('spec.nodeName=x'))).toThrow(new FieldSelectorError('field label not supported: spec.nodeName'));
  });

  it('selects events by involvedObject', () => {
    const ev = { metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p1', namespace: 'default' } };
    expect(fieldMatcher('Event', parseFieldSelector('involvedObject.name=p1,involvedObject.kind=Pod'))(ev)).toBe(true);
  });
});
