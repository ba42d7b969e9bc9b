import { describe, expect, it } from 'vitest';
import { SelectorParseError, fromLabelSelector, matches, parseSelector, selectorString } from '../../src/api/labels.js';

const labels = { app: 'web', tier: 'fe', env: 'prod' };

describe('label selectors', () => {
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app=web,tier=fe', true],
    ['app=web,tier=be', false],
    ['env in (prod,staging)', true],
    ['env in (dev)', false],
    ['env notin (dev, staging)', true],
    ['env notin (prod)', false],
    ['missing notin (a)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    [' app = web , !legacy ', true],
  ])('%j matches %s', (sel, expected) => {
    expect(matches(parseSelector(sel), labels)).toBe(expected);
  });

  it.each(['app=web,', 'in (a)', 'env in (a', 'a b'])('rejects %j', (sel) => {
    expect(() => parseSelector(sel)).toThrow(SelectorParseError);
  });

  it('converts matchLabels and matchExpressions', () => {
    const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In' as const, values: ['prod'] }, { key: 'old', operator: 'DoesNotExist' as const }] };
    expect(matches(fromLabelSelector(sel), labels)).toBe(true);
    expect(matches(fromLabelSelector(sel), { ...labels, old: 'x' })).toBe(false);
    expect(selectorString(sel)).toBe('app=web,env in (prod),!old');
  });

  it('an empty selector object matches everything', () => {
    expect(matches(fromLabelSelector({}), {})).toBe(true);
  });
});
