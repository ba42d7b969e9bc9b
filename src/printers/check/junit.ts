// JUnit XML for `minikctl check -o junit`: one test suite per file, one test case per object
// (and one per file for what belongs to no object, such as a syntax error). Findings at or above
// --fail-on are failures; the rest are written to the case's system-out.
import { type CheckReport, type Finding, type Severity, fails, refString } from '../../check/findings.js';

/** XML-escapes text for an attribute or element; drops characters XML 1.0 cannot hold. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const at = (f: Finding) => `${f.source ?? ''}${f.line ? `:${f.line}` : ''}`;

/** Renders a report as JUnit XML. */
export function junit(report: CheckReport, failOn: Severity | 'none'): string {
  const cases = new Map<string, { name: string; findings: Finding[] }[]>();
  for (const s of report.sources) cases.set(s, []);
  const caseFor = (source: string, name: string) => {
    const list = cases.get(source) ?? cases.set(source, []).get(source)!;
    let c = list.find((x) => x.name === name);
    if (!c) list.push((c = { name, findings: [] }));
    return c;
  };
  for (const o of report.objects) caseFor(o.source, refString(o.ref));
  for (const f of report.findings) caseFor(f.source ?? 'input', f.object ? refString(f.object) : '(file)').findings.push(f);

  let tests = 0;
  let failures = 0;
  const suites: string[] = [];
  for (const [source, list] of cases) {
    let suiteFailures = 0;
    const body = list.map((c) => {
      const failing = c.findings.filter((f) => fails(f.severity, failOn));
      const other = c.findings.filter((f) => !fails(f.severity, failOn));
      if (failing.length) suiteFailures++;
      const failure = failing.length
        ? `\n      <failure message="${xmlEscape(failing[0].message)}" type="${failing[0].severity}">${xmlEscape(failing.map((f) => `${f.severity}: ${at(f)}: ${f.message}`).join('\n'))}</failure>`
        : '';
      const out = other.length ? `\n      <system-out>${xmlEscape(other.map((f) => `${f.severity}: ${at(f)}: ${f.message}`).join('\n'))}</system-out>` : '';
      return `    <testcase classname="${xmlEscape(source)}" name="${xmlEscape(c.name)}" file="${xmlEscape(source)}">${failure}${out}${failure || out ? '\n    ' : ''}</testcase>`;
    });
    tests += list.length;
    failures += suiteFailures;
    suites.push(`  <testsuite name="${xmlEscape(source)}" tests="${list.length}" failures="${suiteFailures}" errors="0" skipped="0">\n${body.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="minikctl check" tests="${tests}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
