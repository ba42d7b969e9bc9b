// A small builder for `kubectl describe` text: lines of tab-separated cells at indent levels,
// laid out at the end with Go tabwriter rules (padding 2), as kubectl's PrefixWriter does.
import { describeLayout } from '../tabwriter.js';

/** Builds describe output. */
export class DescribeWriter {
  private text = '';

  /** Writes `cells` joined by tabs at an indent level (2 spaces per level). */
  line(level: number, ...cells: (string | number)[]): void {
    this.text += '  '.repeat(level) + cells.join('\t') + '\n';
  }

  /** A blank line. */
  blank(): void {
    this.text += '\n';
  }

  /** Writes raw text (already laid out). */
  raw(s: string): void {
    this.text += s;
  }

  /** `Labels:` style: the first entry on the key's line, the rest below it in the same column. */
  map(level: number, key: string, m: Record<string, string> | undefined, sep = '=', skip: string[] = []): void {
    const keys = Object.keys(m ?? {})
      .filter((k) => !skip.includes(k))
      .sort();
    if (keys.length === 0) return this.line(level, key, '<none>');
    // Later entries have no indent of their own (kubectl's printLabelsMultiline): laid out, they line up below the first.
    keys.forEach((k, i) => (i === 0 ? this.line(level, key, `${k}${sep}${m![k]}`) : this.line(0, '', `${k}${sep}${m![k]}`)));
  }

  /** The laid-out text. */
  toString(): string {
    return describeLayout(this.text);
  }

  /** The text with its tabs, not laid out (kubectl's PrefixWriter without a tabwriter: `rollout history --revision`). */
  unaligned(): string {
    return this.text;
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 1123 with numeric zone in UTC, as kubectl describe prints times: `Mon, 23 Nov 2026 07:07:02 +0000`. */
export function describeTime(ts: string | undefined): string {
  if (!ts) return '<unset>';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
