// Recording Events as Kubernetes components do (client-go's EventCorrelator): one Event per
// (object, reason, message) per component, its count and lastTimestamp bumped when it happens
// again; similar events (same object and reason, different messages) aggregated once ten of
// them arrive within ten minutes; and a spam filter allowing a component a burst of 25 events
// about one object, refilled at one every five minutes. The scheduler records through the
// events.k8s.io API, which neither aggregates nor filters.
import { rfc3339 } from '../api/duration.js';
import { resourceNamed } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';

const eventsR = resourceNamed('events');

/** Who records an event: `default-scheduler`, `replicaset-controller`, `kubelet` (with host). */
export interface EventSource {
  component: string;
  host?: string;
}

/** client-go's defaults (tools/record/events_cache.go). */
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
const SPAM_BURST = 25;
const SPAM_REFILL_PER_MS = 1 / 300_000;
const CACHE_ENTRIES = 4096;
/** Components that record through events.k8s.io/v1 (no aggregation, no spam filter). */
const UNCORRELATED = new Set(['default-scheduler']);

/** A Map that forgets its least recently used entries beyond a size (groupcache's lru). */
class Lru<V> {
  private m = new Map<string, V>();
  constructor(private max: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
  }
}

/**
 * One component's correlator state. Each real component process has its own caches of 4,096
 * entries; minik's simulated kubelets share their component's, so memory stays bounded with
 * thousands of nodes (a forgotten entry only means less aggregation or filtering, never less
 * correctness: counting does not depend on it).
 */
class Correlator {
  aggregates = new Lru<{ messages: Set<string>; last: number }>(CACHE_ENTRIES);
  spam = new Lru<{ tokens: number; last: number }>(CACHE_ENTRIES);
  /** The name of the event each identity last made (client-go's events cache): a repeat updates it. */
  names = new Lru<string>(CACHE_ENTRIES);

  /** The message to record (aggregated or not), or undefined when the spam filter drops it. */
  correlate(source: EventSource, obj: KubeObject, type: string, reason: string, message: string, now: number): { message: string; aggregated: boolean } | undefined {
    const objKey = `${source.host ?? ''}|${obj.metadata.uid}`;
    const aggKey = `${objKey}|${type}|${reason}`;
    // get() marks an entry recently used; only a new or expired record needs set().
    let rec = this.aggregates.get(aggKey);
    if (!rec || now - rec.last > AGGREGATE_INTERVAL_MS) this.aggregates.set(aggKey, (rec = { messages: new Set(), last: now }));
    rec.messages.add(message);
    rec.last = now;
    let out = { message, aggregated: false };
    if (rec.messages.size >= AGGREGATE_MAX_EVENTS) {
      // Keep the set from growing past the threshold; every later similar event is aggregated.
      rec.messages.delete(rec.messages.values().next().value!);
      out = { message: `(combined from similar events): ${message}`, aggregated: true };
    }
    let bucket = this.spam.get(objKey);
    if (!bucket) this.spam.set(objKey, (bucket = { tokens: SPAM_BURST, last: now }));
    bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + (now - bucket.last) * SPAM_REFILL_PER_MS);
    bucket.last = now;
    if (bucket.tokens < 1) return undefined;
    bucket.tokens -= 1;
    return out;
  }
}

/**
 * The suffix of a new event's name: the time in nanoseconds, in hex, as client-go names events
 * (`<object>.<hex nanoseconds>`), so names sort in the order events happened. The clock has
 * millisecond steps: events of one millisecond are numbered within it.
 */
const lastName = new WeakMap<Registry, { ms: number; seq: number }>();
function timeSuffix(reg: Registry, nowMs: number): string {
  let last = lastName.get(reg);
  if (!last || last.ms !== nowMs) lastName.set(reg, (last = { ms: nowMs, seq: 0 }));
  return (BigInt(nowMs) * 1_000_000n + BigInt(last.seq++)).toString(16);
}

const correlators = new WeakMap<Registry, Map<string, Correlator>>();

function correlatorFor(reg: Registry, component: string): Correlator {
  let byComponent = correlators.get(reg);
  if (!byComponent) correlators.set(reg, (byComponent = new Map()));
  let c = byComponent.get(component);
  if (!c) byComponent.set(component, (c = new Correlator()));
  return c;
}

/** Records (or bumps) an event about an object. Never throws: events are best effort. */
export function recordEvent(reg: Registry, source: EventSource, obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
  const nowMs = reg.clock.now();
  let aggregated = false;
  const correlator = correlatorFor(reg, source.component);
  if (!UNCORRELATED.has(source.component)) {
    const c = correlator.correlate(source, obj, type, reason, message, nowMs);
    if (!c) return;
    ({ message, aggregated } = c);
  }
  const ns = obj.metadata.namespace || 'default';
  // What makes an event the same one; an aggregate is one event per object and reason whatever its latest message.
  const identity = aggregated ? `${obj.metadata.uid}|${source.component}|${reason}|${type}|(combined)` : `${obj.metadata.uid}|${source.component}|${reason}|${message}|${fieldPath ?? ''}`;
  const now = rfc3339(nowMs);
  try {
    // A repeat of an event this component made (and still remembers) counts on it.
    const known = correlator.names.get(identity);
    const existing = known ? reg.find(eventsR, ns, known) : undefined;
    if (existing) {
      reg.patchTrusted(eventsR, ns, known!, { count: (existing.count ?? 1) + 1, lastTimestamp: now, ...(aggregated ? { message } : {}) });
      return;
    }
    const name = `${obj.metadata.name}.${timeSuffix(reg, nowMs)}`;
    correlator.names.set(identity, name);
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
