// No parser on the request path may be super-linear: each is fed megabytes of the input that made
// a backtracking parser blow up (a field selector of `a`, 15,000 spaces and `a` blocked the daemon
// for 165 ms; a quantity of 40,000 digits for 4 s). Linear, each of these takes milliseconds; a
// quadratic one would take hours, far past the test's time-out. Nothing here measures time.
import { describe, expect, it } from 'vitest';
import { FieldSelectorError, parseFieldSelector } from '../../src/api/fields.js';
import { SelectorParseError, parseSelector } from '../../src/api/labels.js';
import { dns1123Subdomain, labelValue, qualifiedName } from '../../src/api/names.js';
import { isQuantity } from '../../src/api/quantity.js';
import { decodeJson, jsonDepth, parseTarget, valueDepth } from '../../src/apiserver/request.js';
import { StatusError } from '../../src/apiserver/errors.js';
import { jsonPatch, PatchApplyError } from '../../src/api/patch.js';

const MB = 1024 * 1024;
const spaces = ' '.repeat(3 * MB);

describe('request-path parsers on megabytes of hostile input', () => {
  it.each([
    ['a' + spaces + 'a', FieldSelectorError],
    ['a' + spaces + '=a', null],
    ['=' + spaces, FieldSelectorError],
    ['a=b,'.repeat(MB / 4) + 'x', FieldSelectorError],
    ['\\'.repeat(MB) + '=x', null],
  ])('field selector #%#', (input, error) => {
    if (error) expect(() => parseFieldSelector(input)).toThrow(error);
    else expect(parseFieldSelector(input)).toHaveLength(1);
  });

  it.each([
    ['a' + spaces + 'a', SelectorParseError],
    ['a in (' + 'b,'.repeat(MB) + 'c)', null],
    ['a in (' + 'b,'.repeat(MB), SelectorParseError],
    ['!'.repeat(MB), SelectorParseError],
    ['a=' + 'b'.repeat(MB), SelectorParseError],
  ])('label selector #%#', (input, error) => {
    if (error) expect(() => parseSelector(input)).toThrow(error);
    else expect(parseSelector(input)).toHaveLength(1);
  });

  it('quantities', () => {
    expect(isQuantity('1'.repeat(3 * MB) + 'x')).toBe(false);
    expect(isQuantity('1'.repeat(3 * MB) + '.' + '1'.repeat(MB) + 'Kix')).toBe(false);
    expect(isQuantity('.' + '5'.repeat(MB) + 'e')).toBe(false);
    expect(isQuantity('100m')).toBe(true);
  });

  it('names and label values', () => {
    expect(dns1123Subdomain('a'.repeat(3 * MB) + '!').length).toBeGreaterThan(0);
    expect(dns1123Subdomain('a-'.repeat(MB) + '.').length).toBeGreaterThan(0);
    expect(qualifiedName('a'.repeat(3 * MB) + '!').length).toBeGreaterThan(0);
    expect(labelValue('a.'.repeat(MB) + '-').length).toBeGreaterThan(0);
  });

  it('paths and bodies', () => {
    expect(parseTarget('/a'.repeat(MB) + '?x=' + 'y'.repeat(MB)).segments).toHaveLength(MB);
    expect(() => parseTarget('/%'.repeat(MB))).toThrow(StatusError);
    expect(jsonDepth('['.repeat(3 * MB)).at).toBe('[');
    expect(jsonDepth('"' + '\\"['.repeat(MB) + '"').depth).toBe(0);
    expect(() => decodeJson('['.repeat(3 * MB))).toThrow(StatusError);
    const wide = JSON.parse('[' + '[],'.repeat(MB) + '[]]');
    expect(valueDepth(wide)).toBe(2);
  });

  it('JSON patch pointers', () => {
    const deepPointer = '/a'.repeat(MB / 2);
    expect(() => jsonPatch({ a: {} }, [{ op: 'add', path: deepPointer, value: 1 }])).toThrow(PatchApplyError);
    expect(() => jsonPatch({}, [{ op: 'remove', path: '/' + '~1'.repeat(MB) }])).toThrow(PatchApplyError);
  });
});
