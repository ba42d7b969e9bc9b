// SARIF 2.1.0 for `minikctl check -o sarif` (GitHub code scanning and other viewers): one rule per
// kind of check, one result per finding with its file and line.
import type { CheckReport } from '../../check/findings.js';
import { refString } from '../../check/findings.js';

const RULES: Record<string, string> = {
  parse: 'The manifest does not parse as YAML or JSON.',
  schema: 'The object does not match its kind: unknown kind, unknown field or wrong type.',
  admission: 'The API server refuses the object (validation, admission).',
  duplicate: 'The same object is defined more than once.',
  reference: 'A reference resolves to nothing in the checked set.',
  scheduling: 'Pods cannot be scheduled.',
  container: 'Containers cannot start, keep failing or never become ready.',
  rollout: 'A rollout does not complete.',
  job: 'A Job fails or does not finish.',
  storage: 'A claim stays Pending.',
  service: 'A Service has no ready endpoints.',
  autoscaling: 'An autoscaler cannot compute.',
  unchecked: 'The object could not be checked.',
};

/** Renders a report as a SARIF log. */
export function sarif(report: CheckReport, version: string): string {
  const ids = Object.keys(RULES);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'minikctl check', version, informationUri: 'https://kubernetes.io/docs/concepts/', rules: ids.map((id) => ({ id, shortDescription: { text: RULES[id] } })) } },
        results: report.findings.map((f) => ({
          ruleId: f.check,
          ruleIndex: ids.indexOf(f.check),
          level: f.severity,
          message: { text: f.object ? `${refString(f.object)}: ${f.message}` : f.message },
          ...(f.source
            ? { locations: [{ physicalLocation: { artifactLocation: { uri: f.source === 'STDIN' ? 'stdin' : f.source.replace(/\\/g, '/') }, ...(f.line ? { region: { startLine: f.line } } : {}) } }] }
            : {}),
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
