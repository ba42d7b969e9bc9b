// GitHub Actions workflow commands for `minikctl check -o github`: one `::error` or `::warning`
// line per finding, with its file and line, so the finding shows on the pull request's diff.
import { type CheckReport, refString } from '../../check/findings.js';

/** Escapes a workflow command's message (%, CR, LF). */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/** Escapes a workflow command's property value (also `:` and `,`). */
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Renders a report as workflow commands. */
export function github(report: CheckReport): string {
  return report.findings
    .map((f) => {
      const props = [f.source && f.source !== 'STDIN' ? `file=${prop(f.source)}` : '', f.line ? `line=${f.line}` : '', `title=${prop(`minik check: ${f.object ? refString(f.object) : f.check}`)}`].filter(Boolean).join(',');
      return `::${f.severity} ${props}::${data(f.message)}\n`;
    })
    .join('');
}
