// `minikctl check -o json`: the report as data, with a summary, for scripts.
import { type CheckReport, type Severity, fails } from '../../check/findings.js';

/** Renders a report as JSON. */
export function json(report: CheckReport, failOn: Severity | 'none'): string {
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const summary = {
    files: report.sources.length,
    objects: report.objects.length,
    errors,
    warnings,
    passed: !report.findings.some((f) => fails(f.severity, failOn)),
    ...(report.simulation ? { simulatedSeconds: Math.round(report.simulation.ms / 1000), settled: report.simulation.settled } : {}),
  };
  return JSON.stringify({ summary, findings: report.findings, objects: report.objects }, null, 2) + '\n';
}
