// The -o flag: which printer renders the objects a command gathered.
import { sortKeys } from '../api/sorted-keys.js';
import { type ResourceInfo, qualifiedSingular } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { printCustomColumns } from '../printers/custom-columns.js';
import { JsonPathError, JsonPathExecError, renderJsonPath } from '../api/jsonpath.js';
import { toJson } from '../printers/json.js';
import { CliError } from './errors.js';

/** A parsed -o value. */
export type OutputFormat =
  | { kind: 'table'; wide: boolean }
  | { kind: 'yaml' | 'json' | 'name' }
  | { kind: 'jsonpath'; template: string }
  | { kind: 'custom-columns'; spec: string };

const ALLOWED = 'custom-columns, json, jsonpath, name, wide, yaml';

/** The YAML printer, loaded by preparePrinter() when `-o yaml` asks for it (it is slow to load). */
let yaml: typeof import('../printers/yaml.js') | undefined;

/** Parses `-o` and loads the printer it needs. */
export async function preparePrinter(o: string | undefined): Promise<OutputFormat> {
  const fmt = parseOutput(o);
  if (fmt.kind === 'yaml') yaml ??= await import('../printers/yaml.js');
  return fmt;
}

/** Parses `-o`. */
export function parseOutput(o: string | undefined): OutputFormat {
  if (!o) return { kind: 'table', wide: false };
  if (o === 'wide') return { kind: 'table', wide: true };
  if (o === 'yaml' || o === 'json' || o === 'name') return { kind: o };
  const m = /^(jsonpath|custom-columns)=(.*)$/s.exec(o);
  if (m) return m[1] === 'jsonpath' ? { kind: 'jsonpath', template: m[2] } : { kind: 'custom-columns', spec: m[2] };
  throw new CliError(`error: unable to match a printer suitable for the output format "${o}", allowed formats are: ${ALLOWED}`);
}

/** `deployment.apps/web`: the `-o name` form of an object. */
export function nameOf(r: ResourceInfo, o: KubeObject): string {
  return `${qualifiedSingular(r)}/${o.metadata.name}`;
}

/** Wraps several objects as kubectl does for -o yaml/json: a `List`, or the object itself when single. */
export function asDocument(objects: KubeObject[], single: boolean): unknown {
  if (single && objects.length === 1) return objects[0];
  return { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
}

let showManagedFields = false;

/** `--show-managed-fields`: kubectl leaves metadata.managedFields out of its output unless asked. */
export function setShowManagedFields(show: boolean): void {
  showManagedFields = show;
}

function withoutManagedFields(o: KubeObject): KubeObject {
  if (showManagedFields || !o.metadata?.managedFields) return o;
  const { managedFields: _, ...metadata } = o.metadata;
  return { ...o, metadata };
}

/**
 * A watch change as kubectl's --output-watch-events prints it: a WatchEvent, `type` then the
 * object in (compact) JSON, sorted keys in YAML; name and jsonpath formats print the object alone.
 */
export function renderWatchEvent(fmt: OutputFormat, r: ResourceInfo, type: string, o: KubeObject): string {
  const object = withoutManagedFields(o);
  // kubectl streams one compact JSON document per event.
  if (fmt.kind === 'json') return `${JSON.stringify({ type, object: sortKeys(object) })}\n`;
  if (fmt.kind === 'yaml') {
    if (!yaml) throw new Error('the YAML printer was not loaded (preparePrinter)');
    return yaml.toYaml({ type, object });
  }
  return renderObjects(fmt, [{ r, o }], true);
}

/** Renders objects in a non-table format. */
export function renderObjects(fmt: OutputFormat, items: { r: ResourceInfo; o: KubeObject }[], single: boolean, noHeaders = false): string {
  const objects = items.map((x) => withoutManagedFields(x.o));
  switch (fmt.kind) {
    case 'yaml':
      if (!yaml) throw new Error('the YAML printer was not loaded (preparePrinter)');
      return yaml.toYaml(asDocument(objects, single));
    case 'json':
      return toJson(asDocument(objects, single));
    case 'name':
      return items.map((x) => nameOf(x.r, x.o) + '\n').join('');
    case 'jsonpath':
      try {
        return renderJsonPath(fmt.template, asDocument(objects, single));
      } catch (e) {
        if (e instanceof JsonPathError) throw new CliError(`error: error parsing jsonpath ${fmt.template}, ${e.message}`);
        // kubectl's message, with the object as JSON where kubectl prints Go's %#v of it.
        if (e instanceof JsonPathExecError)
          throw new CliError(
            `error: error executing jsonpath ${JSON.stringify(fmt.template)}: Error executing template: ${e.message}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t${fmt.template}\n\tobject given to jsonpath engine was:\n\t\t${JSON.stringify(asDocument(objects, single))}\n\n`,
          );
        throw e;
      }
    case 'custom-columns':
      try {
        return printCustomColumns(fmt.spec, objects, noHeaders);
      } catch (e) {
        throw new CliError(`error: ${(e as Error).message}`);
      }
    default:
      throw new Error('table output is printed by the table printer');
  }
}
