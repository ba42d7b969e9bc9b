// Standard cron schedules as CronJobs take them: five fields (minute hour day-of-month month
// day-of-week) with lists, ranges, steps and names, `?` for any, the `@hourly` family, and an
// IANA time zone. Pure: the CronJob controller and validation both use it.

/** A parsed schedule: the allowed values of each field. */
export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Day-of-month and day-of-week both restricted: a day matches if either does (cron's rule). */
  dayOr: boolean;
  /** `@every <duration>`: a fixed interval (ms) instead of fields. */
  everyMs?: number;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  namesFrom?: number;
}
const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesFrom: 0 },
];

export class CronError extends Error {}

function value(text: string, f: FieldSpec): number {
  const i = f.names?.indexOf(text.toLowerCase()) ?? -1;
  if (i >= 0) return i + (f.namesFrom ?? 0);
  if (!/^\d+$/.test(text)) throw new CronError(`failed to parse int from ${text}: strconv.Atoi: parsing "${text}": invalid syntax`);
  return Number(text);
}

function parseField(text: string, f: FieldSpec): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      [lo, hi] = [f.min, f.max];
      if (stepText === undefined) star = true;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      [lo, hi] = [value(a, f), value(b, f)];
    } else {
      lo = value(range, f);
      hi = stepText !== undefined ? f.max : lo;
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) throw new CronError(`step must be a positive number: ${part}`);
    if (lo < f.min) throw new CronError(`beginning of range (${lo}) below minimum (${f.min}): ${part}`);
    if (hi > f.max) throw new CronError(`end of range (${hi}) above maximum (${f.max}): ${part}`);
    if (lo > hi) throw new CronError(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

/** Parses a schedule; throws CronError with robfig/cron's wording. */
export function parseCron(expr: string): CronSchedule {
  const text = expr.trim();
  if (/^(CRON_)?TZ=/.test(text)) throw new CronError('CRON_TZ or TZ used in schedule is not supported, please use the field timeZone instead');
  const every = /^@every\s+(.+)$/.exec(text);
  if (every) {
    const ms = goDurationMs(every[1]);
    if (!ms || ms <= 0) throw new CronError(`failed to parse duration ${text}: time: invalid duration "${every[1]}"`);
    const none = new Set<number>();
    return { minutes: none, hours: none, days: none, months: none, weekdays: none, dayOr: false, everyMs: Math.max(1000, ms - (ms % 1000)) };
  }
  const spec = text.startsWith('@') ? MACROS[text.toLowerCase()] : text;
  if (!spec) throw new CronError(`unrecognized descriptor: ${text}`);
  const parts = spec.split(/\s+/).filter(Boolean);
  if (parts.length !== 5) throw new CronError(`expected exactly 5 fields, found ${parts.length}: ${text}`);
  const [m, h, d, mo, w] = parts.map((p, i) => parseField(p, FIELDS[i]));
  const weekdays = new Set([...w.values].map((x) => x % 7));
  return { minutes: m.values, hours: h.values, days: d.values, months: mo.values, weekdays, dayOr: !d.star && !w.star };
}

/** Wall-clock fields of an instant in a time zone. */
function wallClock(t: number, tz: string): { y: number; mo: number; d: number; h: number; mi: number } {
  if (tz === 'UTC') {
    const x = new Date(t);
    return { y: x.getUTCFullYear(), mo: x.getUTCMonth() + 1, d: x.getUTCDate(), h: x.getUTCHours(), mi: x.getUTCMinutes() };
  }
  const parts = formatter(tz).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour') % 24, mi: get('minute') };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** True when `tz` is a time zone this machine knows (an IANA name). */
export function validTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The instant of a wall-clock time in a zone (the first, where the clock goes back). */
function instantOf(y: number, mo: number, d: number, h: number, mi: number, tz: string): number {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  if (tz === 'UTC') return asUtc;
  let t = asUtc;
  for (let i = 0; i < 3; i++) {
    const w = wallClock(t, tz);
    const diff = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi) - asUtc;
    if (diff === 0) break;
    t -= diff;
  }
  return t;
}

function dayMatches(s: CronSchedule, y: number, mo: number, d: number): boolean {
  const dow = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  const dom = s.days.has(d);
  const wd = s.weekdays.has(dow);
  return s.dayOr ? dom || wd : dom && wd;
}

/** The first scheduled instant strictly after `after` (ms), or undefined within five years. */
export function nextRun(s: CronSchedule, after: number, tz = 'UTC'): number | undefined {
  if (s.everyMs) return after - (after % 1000) + s.everyMs;
  const start = wallClock(after, tz);
  let { y, mo, d, h, mi } = start;
  mi += 1;
  const limit = y + 5;
  // Walk the wall clock field by field, jumping over whole months, days and hours that cannot match.
  while (y <= limit) {
    if (mi > 59) [mi, h] = [0, h + 1];
    if (h > 23) [h, d] = [0, d + 1];
    const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    if (d > daysInMonth) [d, mo] = [1, mo + 1];
    if (mo > 12) [mo, y] = [1, y + 1];
    if (!s.months.has(mo)) {
      [mi, h, d, mo] = [0, 0, 1, mo + 1];
      continue;
    }
    if (!dayMatches(s, y, mo, d)) {
      [mi, h, d] = [0, 0, d + 1];
      continue;
    }
    if (!s.hours.has(h)) {
      [mi, h] = [0, h + 1];
      continue;
    }
    if (!s.minutes.has(mi)) {
      mi += 1;
      continue;
    }
    const t = instantOf(y, mo, d, h, mi, tz);
    if (t > after) return t;
    mi += 1;
  }
  return undefined;
}

/** Milliseconds of a Go duration (`1h30m`, `90s`), or undefined. */
function goDurationMs(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((n, p) => n + Number(p[1]) * units[p[2]], 0);
}
