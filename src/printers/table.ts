// The table printer: objects of one kind rendered with the kind's columns (from the resource
// table), with kubectl's options: wide, no headers, namespace column, kind prefix, labels.
import type { Column } from '../api/columns/column.js';
import type { KubeObject } from '../api/types.js';
import { tabulate } from './tabwriter.js';

/** Table options, mirroring kubectl's flags. */
export interface TableOptions {
  wide?: boolean;
  noHeaders?: boolean;
  /** Add a NAMESPACE column first (`-A`). */
  withNamespace?: boolean;
  /** Prefix names with `kind/` (several kinds printed, `get all`). */
  kindPrefix?: string;
  showLabels?: boolean;
  /** `-L key`: one column per label key. */
  labelColumns?: string[];
  now: number;
}

function labelsText(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

/** The header and rows of a table, as cells. */
export function tableRows(columns: Column[], objects: KubeObject[], o: TableOptions): string[][] {
  const cols = columns.filter((c) => o.wide || !c.wide);
  const header = cols.map((c) => c.header);
  const labelCols = o.labelColumns ?? [];
  if (o.withNamespace) header.unshift('NAMESPACE');
  header.push(...labelCols.map((l) => l.split('/').pop()!.toUpperCase()));
  if (o.showLabels) header.push('LABELS');
  const rows: string[][] = o.noHeaders ? [] : [header];
  for (const obj of objects) {
    const cells = cols.map((c) => {
      const v = String(c.value(obj, o.now));
      return c.format === 'name' && o.kindPrefix ? `${o.kindPrefix}/${v}` : v;
    });
    if (o.withNamespace) cells.unshift(obj.metadata.namespace ?? '');
    cells.push(...labelCols.map((l) => obj.metadata.labels?.[l] ?? ''));
    if (o.showLabels) cells.push(labelsText(obj.metadata.labels));
    rows.push(cells);
  }
  return rows;
}

/** Renders a table as kubectl prints it. */
export function printTable(columns: Column[], objects: KubeObject[], o: TableOptions): string {
  return tabulate(tableRows(columns, objects, o));
}
