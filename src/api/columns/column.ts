// A printer column: what `kubectl get` shows for one kind, as data. The CLI's table printer and
// the apiserver's Table responses both read these.
import type { KubeObject, PodTemplateSpec } from '../types.js';
import { age } from '../duration.js';

/**
 * One column of a kind's table, reading objects of type `O`. `wide` columns appear only with
 * `-o wide` (Table priority 1).
 */
export interface Column<O extends KubeObject = KubeObject> {
  header: string;
  /** The name a Table response gives the column (derived from the header when absent). */
  name?: string;
  description?: string;
  /** A method (not a function property), so that a kind's columns join the table of all kinds. */
  value(obj: O, now: number): string | number;
  wide?: boolean;
  /** `name` marks the column that gets the `kind/` prefix when several kinds are printed. */
  format?: 'name';
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'date';
}

/** The NAME column every kind starts with. */
export const nameColumn: Column = { header: 'NAME', value: (o) => o.metadata.name ?? '', format: 'name' };

/** The AGE column, from metadata.creationTimestamp. */
export const ageColumn: Column = { header: 'AGE', value: (o, now) => age(o.metadata.creationTimestamp, now) };

/** `<none>` for empty values, as kubectl prints them. */
export function orNone(v: string | undefined | null): string {
  return v ? v : '<none>';
}

/** An object whose pods come from `spec.template`. */
type WithTemplate = KubeObject & { spec?: { template?: PodTemplateSpec } };

/** Names of a pod template's containers, comma-joined (the wide CONTAINERS column). */
export const containersColumn: Column<WithTemplate> = {
  header: 'CONTAINERS',
  wide: true,
  value: (o) => (o.spec?.template?.spec?.containers ?? []).map((c) => c.name).join(','),
};

/** Images of a pod template's containers, comma-joined (the wide IMAGES column). */
export const imagesColumn: Column<WithTemplate> = {
  header: 'IMAGES',
  wide: true,
  value: (o) => (o.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? '').join(','),
};

/** The default columns for kinds with no printer of their own. */
export const defaultColumns: Column[] = [nameColumn, ageColumn];
