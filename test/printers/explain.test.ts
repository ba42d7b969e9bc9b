// explain's layout (printers/explain.ts): kubectl's word wrap, and the parts of its plaintext
// template on a small document (the real documents are compared with kubectl's output in
// test/e2e/kubectl.test.ts).
import { describe, expect, it } from 'vitest';
import { type ExplainError, explain, wordWrap } from '../../src/printers/explain.js';

describe('wordWrap', () => {
  it.each([
    { s: 'short', limit: 10, out: 'short' },
    { s: 'one two three four', limit: 9, out: 'one two\nthree\nfour' },
    { s: 'exactly ten', limit: 11, out: 'exactly ten' },
    // A word longer than the limit stays whole on a line of its own.
    { s: 'see https://example.com/a/very/long/path now', limit: 12, out: 'see\nhttps://example.com/a/very/long/path\nnow' },
    { s: 'line one\nline two is longer', limit: 12, out: 'line one\nline two is\nlonger' },
    { s: 'ends with newline\n', limit: 80, out: 'ends with newline\n' },
  ])('wraps $s at $limit', ({ s, limit, out }) => {
    expect(wordWrap(s, limit)).toBe(out);
  });
});

const doc = {
  paths: { '/apis/example.com/v1/namespaces/{namespace}/widgets': { get: { 'x-kubernetes-group-version-kind': { group: 'example.com', version: 'v1', kind: 'Widget' } } } },
  components: {
    schemas: {
      'x.v1.Widget': {
        description: 'A widget is a thing.',
        type: 'object',
        required: ['spec'],
        properties: {
          kind: { type: 'string', description: 'The kind.' },
          spec: { allOf: [{ $ref: '#/components/schemas/x.v1.WidgetSpec' }], description: 'What the widget should be.' },
        },
        'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
      },
      'x.v1.WidgetSpec': {
        type: 'object',
        properties: {
          size: { type: 'string', enum: ['', 'S', 'M', 'L', 'XL'], description: 'How big.' },
          parts: { type: 'array', items: { $ref: '#/components/schemas/x.v1.WidgetSpec' } },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
};
const gvr = { group: 'example.com', version: 'v1', resource: 'widgets' };

describe('explain', () => {
  it('prints a kind: its description and its fields, sorted, with types, -required- and <no description>', () => {
    expect(explain(doc, { gvr, fieldPath: [], recursive: false })).toBe(
      'GROUP:      example.com\nKIND:       Widget\nVERSION:    v1\n\nDESCRIPTION:\n    A widget is a thing.\n    \nFIELDS:\n' +
        '  kind\t<string>\n    The kind.\n\n' +
        '  spec\t<WidgetSpec> -required-\n    What the widget should be.\n\n\n',
    );
  });

  it('follows a field path through references, lists and maps; prints enums', () => {
    const out = explain(doc, { gvr, fieldPath: ['spec'], recursive: false });
    expect(out).toContain('FIELD: spec <WidgetSpec>\n\n\nDESCRIPTION:\n    What the widget should be.\n    \nFIELDS:\n');
    expect(out).toContain('  labels\t<map[string]string>\n    <no description>\n\n');
    expect(out).toContain('  size\t<string>\n  enum: "", S, M, L, ....\n    How big.\n\n');
    expect(explain(doc, { gvr, fieldPath: ['spec', 'parts', 'size'], recursive: false })).toContain('FIELD: size <string>\nENUM:\n    ""\n    S\n    M\n    L\n    XL\n\nDESCRIPTION:\n    How big.\n');
  });

  it('with --recursive, lists names only and stops at a type met again', () => {
    expect(explain(doc, { gvr, fieldPath: ['spec'], recursive: true })).toContain('FIELDS:\n  labels\t<map[string]string>\n  parts\t<[]WidgetSpec>\n  size\t<string>\n  enum: "", S, M, L, ....\n\n');
  });

  it("says so when a field does not exist, or the kind has no schema (kubectl's messages)", () => {
    expect(() => explain(doc, { gvr, fieldPath: ['spec', 'colour'], recursive: false })).toThrow('error: field "colour" does not exist');
    expect(() => explain(doc, { gvr: { ...gvr, resource: 'gadgets' }, fieldPath: [], recursive: false })).toThrow('error: GVR (example.com/v1, Resource=gadgets) not found in OpenAPI schema');
    const printed = (() => {
      try {
        explain(doc, { gvr, fieldPath: ['spec', 'colour'], recursive: false });
      } catch (e) {
        return (e as ExplainError).printed;
      }
    })();
    expect(printed).toBe('GROUP:      example.com\nKIND:       Widget\nVERSION:    v1\n\n'); // printed before the error, as kubectl does
  });
});
