import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ManifestRead, parseManifest, readManifests } from '../../src/manifests/reader.js';
import { tempHome } from '../helpers.js';

async function parse(text: string): Promise<ManifestRead> {
  const out: ManifestRead = { objects: [], errors: [], sources: ['m.yaml'] };
  await parseManifest('m.yaml', text, out);
  return out;
}

const names = (r: ManifestRead) => r.objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`);

describe('reading manifests', () => {
  it('reads multi-document YAML with comments, a leading ---, and empty documents', async () => {
    const r = await parse('---\n# a comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
    expect(names(r)).toEqual(['ConfigMap/a', 'ConfigMap/b']);
    expect(r.objects.map((o) => [o.document, o.line])).toEqual([
      [1, 3],
      [4, 11],
    ]);
    expect(r.errors).toEqual([]);
  });

  it('reads a merge key without anchors as a merge, like any other', async () => {
    const r = await parse('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata:\n  <<: {a: "1"}\n  b: "2"\n');
    expect(r.objects[0].object.data).toEqual({ a: '1', b: '2' });
  });

  const cm = (i: number, body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x${i}}\ndata:\n${body.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n')}`;
  it.each([
    ['scalars of the YAML 1.2 core schema', cm(0, 'a: yes\nb: on\nc: 0755\nd: 0o14\ne: 1e3\nf: ~\ng: 2026-01-01\nh: .inf\ni: True\nj: "0x10"\nk: 0x10\nm: null\nn: 1_000\n')],
    ['scalars js-yaml reads otherwise (left to the full parser)', cm(0, 'l: -.5\np: +.5\nq: 0b101\nr: -0x1F\n')],
    ['tags', cm(0, 's: !!str 123\nt: ! tagged\n')],
    ['duplicate keys (the last wins)', cm(0, 'a: "1"\na: "2"\n')],
    ['block scalars', cm(0, 'script: |\n  echo a\n  echo b\nfolded: >-\n  one\n  two\nkeep: |+\n  x\n\n')],
    ['flow collections and quoting', cm(0, "l: [1, 'two', \"three\", {x: y}]\nm: {a: [], b: {}}\nq: 'it''s'\n")],
    ['documents with markers, comments and content on the marker line', `--- # first\n${cm(0, 'a: "1"\n')}---\n# nothing here\n--- {apiVersion: v1, kind: ConfigMap, metadata: {name: x2}}\n---\n${cm(3, 'b: "2"\n')}`],
  ])('reads %s as the full YAML parser does', async (_, text) => {
    const { parseAllDocuments } = await import('yaml');
    const full = parseAllDocuments(text, { uniqueKeys: false, merge: true }).map((d) => d.toJS()).filter((v) => v != null);
    const r = await parse(text);
    expect(r.errors).toEqual([]);
    expect(r.objects.map((o) => o.object)).toEqual(full);
  });

  it('reads CRLF line ends', async () => {
    const r = await parse('apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: crlf\r\ndata:\r\n  a: "1"\r\n');
    expect(r.objects[0].object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'crlf' }, data: { a: '1' } });
  });

  it('expands anchors and merge keys', async () => {
    const r = await parse('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: &l {app: web}\n  annotations: *l\ndata:\n  <<: {a: "1"}\n  b: "2"\n');
    expect(r.objects[0].object.metadata.annotations).toEqual({ app: 'web' });
    expect(r.objects[0].object.data).toEqual({ a: '1', b: '2' });
  });

  it('reads JSON, and expands List kinds', async () => {
    const r = await parse(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j1' } }, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'j2' } }] }));
    expect(names(r)).toEqual(['ConfigMap/j1', 'Secret/j2']);
  });

  it('names the file, line and column of a YAML syntax error, and keeps the good documents', async () => {
    const r = await parse('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n   labels: x\n');
    expect(names(r)).toEqual(['ConfigMap/good']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].text).toMatch(/^error: error parsing m\.yaml: yaml: line [89], column \d+: \S/);
    expect(r.errors[0]).toMatchObject({ kind: 'parse', source: 'm.yaml', line: expect.any(Number), column: expect.any(Number) });
  });

  it('refuses a template placeholder (a map used as a key) on the client, with kubectl\'s message', async () => {
    const r = await parse('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata:\n  t: "{{ .Values.x }}"\n  ? [a, b]\n  : c\n');
    expect(r.objects).toEqual([]);
    expect(r.errors.map((e) => [e.text, e.document, e.line])).toEqual([
      ['error: error parsing m.yaml: error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{".Values.name":interface {}(nil)}', 1, 4],
      ['error: error parsing m.yaml: error converting YAML to JSON: yaml: invalid map key: []interface {}{"a", "b"}', 2, 11],
    ]);
    // In a quoted string it is just text.
    expect((await parse('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata:\n  t: "{{ .Values.x }}"\n')).objects[0].object.data).toEqual({ t: '{{ .Values.x }}' });
  });

  it('puts a key indented under a value on its own line, as kubectl does (not the line before)', async () => {
    const r = await parse('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: nginx\n          imagePullPolicy: Always\n');
    expect(r.errors.map((e) => [e.text, e.line, e.column])).toEqual([['error: error parsing m.yaml: yaml: line 11, column 26: mapping values are not allowed in this context', 11, 26]]);
  });

  it('reports a document without apiVersion and kind with its position', async () => {
    const r = await parse('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nfoo: bar\n');
    expect(r.errors.map((e) => e.text)).toEqual(['error: error validating "m.yaml" (document 2, line 5): error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false']);
  });

  it('refuses an alias bomb without hanging', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const r = await parse('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n' + bomb.join('\n') + '\n');
    expect(r.objects).toEqual([]);
    expect(r.errors[0].text).toMatch(/error parsing m\.yaml.*(alias|resource exhaustion)/i);
    expect(r.errors[0].kind).toBe('input');
  });

  it('reads folders (with -R for sub-folders), in name order, and refuses huge files', async () => {
    const dir = tempHome('minik-manifests-');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
    fs.writeFileSync(path.join(dir, 'a.json'), '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    fs.writeFileSync(path.join(dir, 'sub', 'c.yml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    fs.writeFileSync(path.join(dir, 'sub', 'huge.yaml'), Buffer.alloc(17 * 1024 * 1024, 'a'));
    const flat = await readManifests([dir], false, async () => '');
    expect(names(flat)).toEqual(['ConfigMap/a', 'ConfigMap/b']);
    const deep = await readManifests([dir], true, async () => '');
    expect(names(deep)).toEqual(['ConfigMap/a', 'ConfigMap/b', 'ConfigMap/c']);
    expect(deep.errors.map((e) => e.text)).toEqual([expect.stringMatching(/huge\.yaml is too large \(17\.0 MiB\)/)]);
    const missing = await readManifests([path.join(dir, 'nope.yaml')], false, async () => '');
    expect(missing.errors.map((e) => e.text)).toEqual([`error: the path "${path.join(dir, 'nope.yaml')}" does not exist`]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads stdin for -f -', async () => {
    const r = await readManifests(['-'], false, async () => 'apiVersion: v1\nkind: Namespace\nmetadata: {name: from-stdin}\n');
    expect(r.objects[0].source).toBe('STDIN');
    expect(names(r)).toEqual(['Namespace/from-stdin']);
  });
});
