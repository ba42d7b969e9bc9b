// The TypeScript types of the served kinds (src/api/types/) checked against the decoding schema
// (src/api/schema.ts), which is the one description of what a manifest may say: every field a
// type declares must exist in the schema at that place, with a type of the same sort (string,
// number, boolean, list, map, object). So a misspelt or misplaced field in a type fails here,
// not in a controller that reads a field no object ever has.
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SCHEMAS, type Schema } from '../../src/api/schema.js';

const root = path.resolve(__dirname, '../..');
const program = ts.createProgram([path.join(root, 'src/api/types.ts')], {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true,
  types: [],
});
const checker = program.getTypeChecker();

/** The `Kinds` interface: kind name -> its type. */
function kindsInterface(): { decl: ts.InterfaceDeclaration; type: ts.Type } {
  const sf = program.getSourceFile(path.join(root, 'src/api/types/kinds.ts'));
  if (!sf) throw new Error('kinds.ts not in the program');
  let decl: ts.InterfaceDeclaration | undefined;
  sf.forEachChild((n) => {
    if (ts.isInterfaceDeclaration(n) && n.name.text === 'Kinds') decl = n;
  });
  if (!decl) throw new Error('interface Kinds not found');
  return { decl, type: checker.getTypeAtLocation(decl) };
}

/** The type without undefined and null (optional fields). */
function present(t: ts.Type): ts.Type[] {
  const parts = t.isUnion() ? t.types : [t];
  return parts.filter((p) => !(p.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
}

const isString = (t: ts.Type) => !!(t.flags & ts.TypeFlags.StringLike);
const isNumber = (t: ts.Type) => !!(t.flags & ts.TypeFlags.NumberLike);
const isBoolean = (t: ts.Type) => !!(t.flags & ts.TypeFlags.BooleanLike);
const isUnknown = (t: ts.Type) => !!(t.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any));

/** Every way `type` (declared at `at`) disagrees with `schema`, as `path: problem` lines. */
function mismatches(type: ts.Type, schema: Schema, at: ts.Node, where: string, seen = new Set<ts.Type>()): string[] {
  if (schema.t === 'any') return [];
  const parts = present(type);
  if (parts.length === 0 || parts.some(isUnknown)) return [];
  const out: string[] = [];
  const sort = (ok: (t: ts.Type) => boolean, what: string) => {
    if (!parts.every(ok)) out.push(`${where}: declared ${checker.typeToString(type)}, the schema has ${what}`);
  };
  switch (schema.t) {
    case 'string':
    case 'time':
      sort(isString, 'a string');
      break;
    case 'int32':
    case 'int64':
    case 'number':
      sort(isNumber, 'a number');
      break;
    case 'boolean':
      sort(isBoolean, 'a boolean');
      break;
    case 'intOrString':
    case 'quantity':
      sort((t) => isString(t) || isNumber(t), 'an int or string');
      break;
    case 'array':
      for (const t of parts) {
        if (!checker.isArrayType(t)) out.push(`${where}: declared ${checker.typeToString(t)}, the schema has a list`);
        else out.push(...mismatches(checker.getTypeArguments(t as ts.TypeReference)[0], schema.items, at, `${where}[]`, seen));
      }
      break;
    case 'map':
      for (const t of parts) {
        const values = checker.getIndexTypeOfType(t, ts.IndexKind.String);
        if (!values) out.push(`${where}: declared ${checker.typeToString(t)}, the schema has a map`);
        else out.push(...mismatches(values, schema.values, at, `${where}{}`, seen));
      }
      break;
    case 'object':
      for (const t of parts) {
        if (isString(t) || isNumber(t) || isBoolean(t) || checker.isArrayType(t)) {
          out.push(`${where}: declared ${checker.typeToString(t)}, the schema has an object (${schema.go})`);
          continue;
        }
        if (seen.has(t)) continue;
        seen.add(t);
        for (const p of checker.getPropertiesOfType(t)) {
          const declared = checker.getTypeOfSymbolAtLocation(p, at);
          // `unknown` says nothing (KubeObject's spec and status, for kinds that have neither).
          if (present(declared).some(isUnknown)) continue;
          const field = schema.fields[p.name];
          if (!field) {
            if (!schema.open) out.push(`${where}.${p.name}: not a field of ${schema.go}`);
            continue;
          }
          out.push(...mismatches(declared, field, at, `${where}.${p.name}`, seen));
        }
      }
      break;
  }
  return out;
}

describe('object types against the schema', () => {
  const kinds = kindsInterface();
  const typed = Object.keys(SCHEMAS).filter((k) => kinds.type.getProperty(k));

  it('types every kind the schema describes', () => {
    expect(Object.keys(SCHEMAS).filter((k) => !kinds.type.getProperty(k))).toEqual([]);
  });

  it.each(typed)('%s declares only fields the schema has, of the same sort', (kind) => {
    const type = checker.getTypeOfSymbolAtLocation(kinds.type.getProperty(kind)!, kinds.decl);
    expect(mismatches(type, SCHEMAS[kind], kinds.decl, kind)).toEqual([]);
  });

  it('finds a field the schema does not have, and a field of the wrong sort', () => {
    // The check itself, on a schema that disagrees with the Deployment type on purpose.
    const type = checker.getTypeOfSymbolAtLocation(kinds.type.getProperty('Deployment')!, kinds.decl);
    const spec = SCHEMAS.Deployment as Extract<Schema, { t: 'object' }>;
    const deploymentSpec = spec.fields.spec as Extract<Schema, { t: 'object' }>;
    const { paused: _, ...withoutPaused } = deploymentSpec.fields;
    const wrong: Schema = { ...spec, fields: { ...spec.fields, spec: { ...deploymentSpec, fields: { ...withoutPaused, replicas: { t: 'string' } } } } };
    expect(mismatches(type, wrong, kinds.decl, 'Deployment')).toEqual([
      'Deployment.spec.replicas: declared number | undefined, the schema has a string',
      'Deployment.spec.paused: not a field of DeploymentSpec',
    ]);
  });
});
