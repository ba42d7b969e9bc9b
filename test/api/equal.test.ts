import { describe, expect, it } from 'vitest';
import { jsonEqual, semanticEqual } from '../../src/api/equal.js';

describe('jsonEqual', () => {
  const shared = { a: [1, { b: 'x' }] };
  it.each([
    ['same reference', shared, shared, true],
    ['same fields in another order', { a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, true],
    ['undefined counts as absent', { a: 1, b: undefined }, { a: 1 }, true],
    ['a missing field', { a: 1, b: 2 }, { a: 1 }, false],
    ['an extra field', { a: 1 }, { a: 1, b: null }, false],
    ['null is not absent', { a: null }, {}, false],
    ['array order matters', [1, 2], [2, 1], false],
    ['array length', [1], [1, 1], false],
    ['an array is not an object', { 0: 'a' }, ['a'], false],
    ['numbers and strings differ', { a: 1 }, { a: '1' }, false],
    ['nested difference', { s: { c: [{ ready: true }] } }, { s: { c: [{ ready: false }] } }, false],
    ['empty objects', {}, {}, true],
    ['a __proto__ key is data: absent on one side', JSON.parse('{"__proto__":{}}'), {}, false],
    ['a __proto__ key is data: equal on both sides', JSON.parse('{"__proto__":{"a":1}}'), JSON.parse('{"__proto__":{"a":1}}'), true],
    ['a __proto__ key is data: different values', JSON.parse('{"__proto__":{"a":1}}'), JSON.parse('{"__proto__":{"a":2}}'), false],
  ])('%s', (_n, a, b, expected) => {
    expect(jsonEqual(a, b)).toBe(expected);
    expect(jsonEqual(b, a)).toBe(expected);
  });
});

describe('semanticEqual', () => {
  it.each([
    ['null is absent', { a: null }, {}, true],
    ['null and undefined alike', { a: null, b: 1 }, { a: undefined, b: 1 }, true],
    ['key order', { a: 1, b: 2 }, { b: 2, a: 1 }, true],
    ['a null array element is a value', [null], [], false],
    ['a value differs from null', { a: 0 }, { a: null }, false],
    ['nested', { s: { t: { x: null, y: [1] } } }, { s: { t: { y: [1] } } }, true],
  ])('%s', (_n, a, b, expected) => {
    expect(semanticEqual(a, b)).toBe(expected);
    expect(semanticEqual(b, a)).toBe(expected);
  });
});
