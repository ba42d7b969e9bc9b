// `minikctl check`'s human output: findings grouped by file (line, severity, object, message),
// then a summary table of the files with findings and one closing line. Colour only when the
// caller's Colors say so (a TTY without NO_COLOR).
import Table from 'cli-table3';
import { type CheckReport, type Finding, type Severity, fails, refString } from '../../check/findings.js';
import type { Colors } from '../colors.js';

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}` : `${s}s`;
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Renders a report for a person. */
export function text(report: CheckReport, failOn: Severity | 'none', color: Colors): string {
  const bySource = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const k = f.source ?? '(input)';
    (bySource.get(k) ?? bySource.set(k, []).get(k)!).push(f);
  }
  const sev = (s: Severity) => (s === 'error' ? color.red('error  ') : color.yellow('warning'));
  let out = '';
  for (const [source, list] of bySource) {
    out += `${source}\n`;
    const width = Math.max(...list.map((f) => String(f.line ?? '').length));
    for (const f of list) out += `  ${String(f.line ?? '').padStart(width)}  ${sev(f.severity)}  ${f.object ? `${refString(f.object)}: ` : ''}${f.message}\n`;
    out += '\n';
  }

  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.length - errors;
  if (bySource.size > 0) {
    const objectsIn = (s: string) => report.objects.filter((o) => o.source === s).length;
    const table = new Table({ head: ['FILE', 'OBJECTS', 'ERRORS', 'WARNINGS'], style: { head: [], border: [] } });
    for (const [source, list] of bySource) {
      const e = list.filter((f) => f.severity === 'error').length;
      table.push([source, objectsIn(source), e, list.length - e]);
    }
    out += table.toString() + '\n';
  }
  const sim = report.simulation ? `, ${duration(report.simulation.ms)} simulated${report.simulation.settled ? '' : ' (the horizon passed before the cluster settled)'}` : ', not simulated';
  const scope = `${count(report.objects.length, 'object')} in ${count(report.sources.length, 'file')}${sim}`;
  const failed = report.findings.some((f) => fails(f.severity, failOn));
  if (report.findings.length === 0) out += `${color.green('✔')} ${scope}: no problems found\n`;
  else out += `${failed ? color.red('✖') : color.yellow('!')} ${count(errors, 'error')} and ${count(warnings, 'warning')} in ${scope}\n`;
  return out;
}
