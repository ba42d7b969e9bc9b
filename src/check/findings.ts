// What `minikctl check` reports: findings (a problem with an object, where it is written, how
// bad), and the report a check produces. Printers render a report; nothing here prints.

/** How bad a finding is. `--fail-on` picks which make the check fail. */
export type Severity = 'error' | 'warning';

/** Which part of the check found it (the rule id in SARIF, a group in the text output). */
export type CheckKind =
  | 'parse'
  | 'schema'
  | 'admission'
  | 'duplicate'
  | 'reference'
  | 'scheduling'
  | 'container'
  | 'rollout'
  | 'job'
  | 'storage'
  | 'service'
  | 'autoscaling'
  | 'unchecked';

/** The object a finding is about, as kubectl names it. */
export interface ObjectRef {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** One problem. */
export interface Finding {
  severity: Severity;
  check: CheckKind;
  message: string;
  /** The file (or STDIN) it is in, and the line of its document, or of the field when known. */
  source?: string;
  line?: number;
  object?: ObjectRef;
  /** The field the finding is about (`spec.template.spec.containers[0].image`). */
  field?: string;
}

/** One object of the checked set, with where it is written. */
export interface CheckedObject {
  ref: ObjectRef;
  source: string;
  line: number;
}

/** What a check found. */
export interface CheckReport {
  /** Every file read, in order. */
  sources: string[];
  objects: CheckedObject[];
  findings: Finding[];
  /** Simulated time the cluster ran, and whether it settled before the horizon. */
  simulation?: { ms: number; settled: boolean };
}

/** `Deployment/web` or `Deployment/shop/web`: how findings name objects. */
export function refString(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

const RANK: Record<Severity, number> = { error: 2, warning: 1 };

/** True when a finding of this severity fails a check run with `--fail-on`. */
export function fails(severity: Severity, failOn: Severity | 'none'): boolean {
  return failOn !== 'none' && RANK[severity] >= RANK[failOn];
}

/** Findings in reading order: by file (as read), line, then message. */
export function sortFindings(findings: Finding[], sources: string[]): Finding[] {
  const fileRank = new Map(sources.map((s, i) => [s, i]));
  return [...findings].sort(
    (a, b) =>
      (fileRank.get(a.source ?? '') ?? -1) - (fileRank.get(b.source ?? '') ?? -1) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}
