// Kubernetes' CEL libraries: quantity, url, ip/cidr, lists and regex, as CRD rules and admission
// policies use them (values and errors as the apiserver's library gives them).
import { describe, expect, it } from 'vitest';
import { compile, evaluate } from '../../src/api/cel.js';

const run = (expr: string, vars: Record<string, unknown> = {}) => {
  const r = evaluate(compile(expr), vars as never);
  return r.ok ? r.value : `error: ${r.error}`;
};

describe('Kubernetes CEL libraries', () => {
  it.each([
    // quantity
    ["quantity('1Gi').isGreaterThan(quantity('500Mi'))", true],
    ["quantity('1Gi') == quantity('1024Mi')", true],
    ["quantity('100m').compareTo(quantity('0.1'))", 0n],
    ["quantity('2').add(quantity('500m')).asApproximateFloat()", 2.5],
    ["quantity('2').sub(1).asInteger()", 1n],
    ["quantity('1.5').isInteger()", false],
    ["quantity('-3').sign()", -1n],
    ["isQuantity('10Gi') && !isQuantity('ten')", true],
    ["quantity(x).isLessThan(quantity('1'))", true, { x: '250m' }],
    // url
    ["url('https://example.com:8443/a/b?x=1&x=2').getHost()", 'example.com:8443'],
    ["url('https://example.com:8443/a/b').getHostname()", 'example.com'],
    ["url('https://example.com:8443/a/b').getPort()", '8443'],
    ["url('https://example.com/a%20b').getEscapedPath()", '/a%20b'],
    ["url('https://example.com/?x=1&x=2&y=3').getQuery()['x']", ['1', '2']],
    ["url('/just/a/path').getScheme()", ''],
    ["isURL('https://example.com') && !isURL('not a url') && isURL('/path')", true],
    // ip and cidr
    ["isIP('10.0.0.1') && isIP('fd00::1') && !isIP('300.1.1.1') && !isIP('010.0.0.1')", true],
    ["ip('10.0.0.1').family()", 4n],
    ["ip('fd00::1').family()", 6n],
    ["ip('127.0.0.1').isLoopback() && ip('::1').isLoopback()", true],
    ["ip('169.254.1.1').isLinkLocalUnicast()", true],
    ["ip('10.1.2.3').isGlobalUnicast() && !ip('0.0.0.0').isGlobalUnicast()", true],
    ["ip('0.0.0.0').isUnspecified()", true],
    ["ip.isCanonical('2001:db8::1') && !ip.isCanonical('2001:db8:0:0:0:0:0:1')", true],
    ["cidr('10.0.0.0/8').containsIP('10.1.2.3') && !cidr('10.0.0.0/8').containsIP('11.0.0.1')", true],
    ["cidr('10.0.0.0/8').containsIP(ip('10.255.0.1'))", true],
    ["cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.1.0.0/16').containsCIDR('10.0.0.0/8')", true],
    ["cidr('192.168.1.17/24').masked() == cidr('192.168.1.0/24')", true],
    ["cidr('fd00::/8').prefixLength()", 8n],
    ["cidr('192.168.1.17/24').ip() == ip('192.168.1.17')", true],
    ["isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33') && !isCIDR('10.0.0.0')", true],
    // lists
    ['[1, 2, 2, 5].isSorted() && !["b", "a"].isSorted()', true],
    ['[1, 2, 3].sum()', 6n],
    ['[1.5, 2.5].sum()', 4],
    ['[3, 1, 2].min()', 1n],
    ['["a", "c", "b"].max()', 'c'],
    ['[1, 2, 3, 2].indexOf(2)', 1n],
    ['[1, 2, 3, 2].lastIndexOf(2)', 3n],
    ['[1, 2].indexOf(9)', -1n],
    // regex
    ["'abc 123 def 456'.find('[0-9]+')", '123'],
    ["'abc 123 def 456'.findAll('[0-9]+')", ['123', '456']],
    ["'a1b2c3'.findAll('[0-9]', 2)", ['1', '2']],
    ["'abc'.find('[0-9]+')", ''],
  ])('%s', (expr, expected, vars?: Record<string, unknown>) => {
    const v = run(expr, vars);
    expect(v !== null && typeof v === 'object' && Symbol.iterator in (v as object) ? [...(v as Iterable<unknown>)] : v).toEqual(expected);
  });

  it.each([
    ["quantity('ten')", /quantities must match the regular expression/],
    ["ip('300.0.0.1')", /IP Address "300.0.0.1" parse error/],
    ["cidr('10.0.0.0/40')", /network address "10.0.0.0\/40" parse error/],
    ["url('not a url')", /URL parse error/],
    ['[].min()', /empty list/],
    ["quantity('1.5').asInteger()", /cannot convert value to integer/],
  ])('%s fails as the apiserver does', (expr, error) => {
    expect(run(expr)).toMatch(error);
  });
});
