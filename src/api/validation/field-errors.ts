// field.Error: one validation problem with its field path, worded as Kubernetes words it.

/** The kinds of validation error, with the StatusCause reason each maps to. */
export type FieldErrorType = 'Required' | 'Invalid' | 'NotFound' | 'NotSupported' | 'Duplicate' | 'Forbidden' | 'TooLong' | 'TooMany';

/** One validation error at a field path such as `spec.template.spec.containers[0].image`. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail?: string;
  /** The value as Go prints it, where JSON would read otherwise (a map in a Duplicate error). */
  valueText?: string;
}

const REASONS: Record<FieldErrorType, string> = {
  Required: 'FieldValueRequired',
  Invalid: 'FieldValueInvalid',
  NotFound: 'FieldValueNotFound',
  NotSupported: 'FieldValueNotSupported',
  Duplicate: 'FieldValueDuplicate',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
};

/** The StatusCause reason of an error type. */
export function causeReason(t: FieldErrorType): string {
  return REASONS[t];
}

function quote(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

/** The message body without the field (`Required value`, `Invalid value: "X": detail`). */
export function errorBody(e: FieldError): string {
  switch (e.type) {
    case 'Required':
      return e.detail ? `Required value: ${e.detail}` : 'Required value';
    case 'Invalid':
      return e.detail ? `Invalid value: ${quote(e.value)}: ${e.detail}` : `Invalid value: ${quote(e.value)}`;
    case 'NotFound':
      return `Not found: ${quote(e.value)}`;
    case 'NotSupported':
      return `Unsupported value: ${quote(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'Duplicate':
      return `Duplicate value: ${e.valueText ?? quote(e.value)}`;
    case 'Forbidden':
      return e.detail ? `Forbidden: ${e.detail}` : 'Forbidden';
    case 'TooLong':
      return `Too long: ${e.detail ?? ''}`;
    case 'TooMany':
      return `Too many: ${e.detail ?? ''}`;
  }
}

/** `field: body`, as field.Error.Error() prints it. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** Helpers that build errors at a path; `at('spec').child('replicas')`. */
export class Path {
  constructor(readonly path: string) {}
  child(name: string): Path {
    return new Path(this.path ? `${this.path}.${name}` : name);
  }
  index(i: number): Path {
    return new Path(`${this.path}[${i}]`);
  }
  key(k: string): Path {
    return new Path(`${this.path}[${k}]`);
  }
  required(detail?: string): FieldError {
    return { type: 'Required', field: this.path, detail };
  }
  invalid(value: unknown, detail?: string): FieldError {
    return { type: 'Invalid', field: this.path, value, detail };
  }
  notSupported(value: unknown, supported: string[]): FieldError {
    return { type: 'NotSupported', field: this.path, value, detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` };
  }
  notFound(value: unknown): FieldError {
    return { type: 'NotFound', field: this.path, value };
  }
  duplicate(value: unknown): FieldError {
    return { type: 'Duplicate', field: this.path, value };
  }
  forbidden(detail: string): FieldError {
    return { type: 'Forbidden', field: this.path, detail };
  }
  tooLong(max: number): FieldError {
    return { type: 'TooLong', field: this.path, detail: `may not be more than ${max} bytes` };
  }
}

/** The root path. */
export const root = new Path('');
