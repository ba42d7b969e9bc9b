// The Events section at the end of `kubectl describe`.
import { age } from '../../api/duration.js';
import type { Event } from '../../api/types.js';
import type { DescribeWriter } from './writer.js';

/** Writes `Events: <none>` or the events table, oldest first. */
export function describeEvents(w: DescribeWriter, events: Event[] | undefined, now: number): void {
  if (events === undefined) return;
  if (events.length === 0) return w.line(0, 'Events:', '<none>');
  const sorted = [...events].sort((a, b) => Date.parse(a.lastTimestamp ?? a.eventTime ?? '') - Date.parse(b.lastTimestamp ?? b.eventTime ?? ''));
  w.line(0, 'Events:');
  w.line(1, 'Type', 'Reason', 'Age', 'From', 'Message');
  w.line(1, '----', '------', '----', '----', '-------');
  for (const e of sorted) {
    const first = e.firstTimestamp ?? e.eventTime;
    const last = e.lastTimestamp ?? first;
    const count = e.series?.count ?? e.count ?? 1;
    const ageText = count > 1 ? `${age(last, now)} (x${count} over ${age(first, now)})` : age(first, now);
    const from = e.source?.component || e.reportingComponent || '';
    w.line(1, e.type ?? '', e.reason ?? '', ageText, from, String(e.message ?? '').trim());
  }
}
