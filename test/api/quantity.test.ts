import { describe, expect, it } from 'vitest';
import { isQuantity, milliCPU, parseQuantity } from '../../src/api/quantity.js';

describe('quantities', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['1e3', 1000],
    ['100k', 100000],
  ])('%s = %d', (q, v) => {
    expect(parseQuantity(q)).toBeCloseTo(v);
  });
  it.each(['abc', '1GB', '--1', ''])('%j is not a quantity', (q) => expect(isQuantity(q)).toBe(false));
  it('converts CPU to millicores', () => {
    expect(milliCPU('250m')).toBe(250);
    expect(milliCPU(2)).toBe(2000);
  });
});
