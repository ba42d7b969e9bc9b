// Recording Events as Kubernetes components do: one Event per (object, reason, message) per
// component, its count and lastTimestamp bumped when it happens again.
import { createHash } from 'node:crypto';
import { rfc3339 } from '../api/duration.js';
import { resolveResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';

const eventsR = resolveResource('events')[0];

/** Who records an event: `default-scheduler`, `replicaset-controller`, `kubelet` (with host). */
export interface EventSource {
  component: string;
  host?: string;
}

/** Records (or bumps) an event about an object. Never throws: events are best effort. */
export function recordEvent(reg: Registry, source: EventSource, obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
  const ns = obj.metadata.namespace || 'default';
  const key = createHash('sha1').update(`${obj.metadata.uid}|${source.component}|${reason}|${message}|${fieldPath ?? ''}`).digest('hex').slice(0, 16);
  const name = `${obj.metadata.name}.${key}`;
  const now = rfc3339(reg.clock.now());
  try {
    const existing = reg.find(eventsR, ns, name);
    if (existing) {
      reg.patch(eventsR, ns, name, 'merge', { count: (existing.count ?? 1) + 1, lastTimestamp: now });
      return;
    }
    reg.createTrusted(eventsR, ns, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: source.host ? { component: source.component, host: source.host } : { component: source.component },
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    });
  } catch {
    // An event that cannot be written (namespace going away) is dropped, as the real recorder does.
  }
}
