// Build step (after tsc): the field descriptions `kubectl explain` prints for built-in kinds, taken
// from @kubernetes/client-node's models (generated from Kubernetes' OpenAPI, one class per API type
// with its description and its fields' descriptions as doc comments) rather than written by hand.
// Writes dist/openapi-descriptions.json: { [component name]: { description, properties: { [json
// field]: description }, required: [json field] } } for each component minik's OpenAPI documents
// have (a field is required where the model's property is not optional), and `absent`: the
// fields the models lack.
// Fields whose type is another component carry no description in the models; the server gives
// them the component's own.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const models = path.join(root, 'node_modules/@kubernetes/client-node/dist/gen/models');
const out = path.join(root, 'dist/openapi-descriptions.json');

if (!fs.existsSync(models)) {
  console.error(`openapi-descriptions: ${models} is missing (run npm install): built-in kinds are explained without descriptions`);
  fs.rmSync(out, { force: true });
  process.exit(0);
}

/** A doc comment's text: its lines without the leading `*`, joined. */
const docText = (body) =>
  body
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trimEnd())
    .filter((l) => l !== '')
    .join('\n')
    .trim();

/** The class's and its fields' descriptions, by TypeScript name, and its required fields, from a model's .d.ts. */
function readDeclarations(file) {
  const text = fs.readFileSync(file, 'utf8');
  const cls = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export declare class (\w+)/.exec(text);
  const fields = {};
  for (const m of text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*'([^']+)'\??:/g)) fields[m[2]] = docText(m[1]);
  const required = [...text.matchAll(/^\s*'([^']+)':/gm)].map((m) => m[1]);
  return { name: cls?.[2], description: cls ? docText(cls[1]) : undefined, fields, required };
}

const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** The model class names a component may have: GroupVersionName (for names two groups share), VersionName. */
function candidates(component) {
  const parts = component.split('.');
  const [name, version, group] = [parts.at(-1), parts.at(-2), parts.at(-3)];
  return [`${capital(group)}${capital(version)}${name}`, `${capital(version)}${name}`];
}

// The documents as they are without descriptions (an earlier build's file would leave fields out).
fs.rmSync(out, { force: true });
const { openapiV3Index, openapiV3GroupVersion } = await import(pathToFileURL(path.join(root, 'dist/apiserver/openapi.js')).href);
const components = {};
for (const p of Object.keys(openapiV3Index().paths)) {
  const doc = openapiV3GroupVersion(p);
  for (const [name, schema] of Object.entries(doc?.components?.schemas ?? {})) components[name] ??= Object.keys(schema.properties ?? {});
}

const result = {};
let matched = 0;
for (const [component, props] of Object.entries(components)) {
  for (const cls of candidates(component)) {
    const dts = path.join(models, `${cls}.d.ts`);
    if (!fs.existsSync(dts)) continue;
    const mod = await import(pathToFileURL(path.join(models, `${cls}.js`)).href);
    const attrs = mod[cls]?.getAttributeTypeMap?.() ?? [];
    const jsonName = Object.fromEntries(attrs.map((a) => [a.name, a.baseName]));
    const decl = readDeclarations(dts);
    // The model must be this type: most of its fields are the component's.
    const known = new Set(props);
    const shared = attrs.filter((a) => known.has(a.baseName)).length;
    if (props.length > 0 && shared < Math.min(props.length, attrs.length) / 2) continue;
    const properties = {};
    for (const [ts, d] of Object.entries(decl.fields)) {
      const json = jsonName[ts] ?? ts;
      if (d && known.has(json)) properties[json] = d;
    }
    const required = decl.required.map((ts) => jsonName[ts] ?? ts).filter((json) => known.has(json));
    // Fields of minik's wire-format table (taken from a newer k8s.io/api) that the models do not
    // have: newer than the API minik serves, left out of its documents.
    const modelFields = new Set(attrs.map((a) => a.baseName));
    const absent = props.filter((p) => !modelFields.has(p) && p !== 'apiVersion' && p !== 'kind');
    result[component] = { ...(decl.description ? { description: decl.description } : {}), properties, ...(required.length ? { required } : {}), ...(absent.length ? { absent } : {}) };
    matched++;
    break;
  }
}

fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(result));
const missing = Object.keys(components).filter((c) => !result[c]);
if (process.env.MINIK_DESCRIPTIONS_VERBOSE) console.error(`openapi-descriptions: ${matched} of ${Object.keys(components).length} components; without: ${missing.join(', ')}`);
