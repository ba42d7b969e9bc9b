// -o custom-columns=HEADER:.path,... as kubectl prints it.
import type { KubeObject } from '../api/types.js';
import { evalPath } from '../api/jsonpath.js';
import { tabulate } from './tabwriter.js';

/** Parses `NAME:.metadata.name,IMAGE:.spec.containers[*].image`. */
export function parseCustomColumns(spec: string): { header: string; path: string }[] {
  if (!spec) throw new Error('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const i = part.indexOf(':');
    if (i < 0) throw new Error(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, i), path: part.slice(i + 1) };
  });
}

/** Renders objects with custom columns; values not found print `<none>`. */
export function printCustomColumns(spec: string, objects: KubeObject[], noHeaders: boolean): string {
  const cols = parseCustomColumns(spec);
  const rows: string[][] = noHeaders ? [] : [cols.map((c) => c.header)];
  for (const o of objects) {
    rows.push(
      cols.map((c) => {
        const vals = evalPath(c.path.startsWith('.') || c.path.startsWith('{') ? c.path : `.${c.path}`, o);
        if (vals.length === 0 || vals.every((v) => v === undefined || v === null)) return '<none>';
        return vals.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
      }),
    );
  }
  return tabulate(rows);
}
