// meta.k8s.io/v1 Table responses (what `kubectl get` asks for), from the resource table's columns.
import type { Column } from '../api/columns/column.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';

/** How much of each object a Table row carries (`?includeObject=`). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

function columnDefinition(c: Column): object {
  const name = c.header
    .toLowerCase()
    .split(' ')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
  return {
    name: c.name ?? name.replace(/^Ip$/, 'IP'),
    type: c.type ?? 'string',
    format: c.format ?? '',
    description: c.description ?? '',
    priority: c.wide ? 1 : 0,
  };
}

/** A Table of objects of one resource. */
export function toTable(r: ResourceInfo, objects: KubeObject[], now: number, include: IncludeObject, resourceVersion?: string): object {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: resourceVersion ? { resourceVersion } : {},
    columnDefinitions: r.columns.map(columnDefinition),
    rows: objects.map((o) => ({
      cells: r.columns.map((c) => c.value(o, now)),
      object:
        include === 'Object'
          ? o
          : include === 'None'
            ? undefined
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
